import type Database from 'better-sqlite3';
import type { CheckpointStore } from '../types';
import { assertCheckpointName, assertPosition } from '../validation';
import { answered } from './lock-timeout';

export class SqliteCheckpointStore implements CheckpointStore {
  private readonly select;
  private readonly upsert;

  /** `commit` runs a write in the store's next group commit (see SqliteEventStore.commitWith). */
  constructor(
    database: Database.Database,
    private readonly commit: <T>(work: () => T) => Promise<T>,
    private readonly assertOpen: () => void,
  ) {
    this.select = database.prepare<[string], { position: number }>(
      'SELECT position FROM checkpoints WHERE name = ?',
    );
    this.upsert = database.prepare<[string, number]>(
      `INSERT INTO checkpoints (name, position) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    );
  }

  async get(name: string): Promise<number | undefined> {
    this.assertOpen();
    assertCheckpointName(name);
    return answered(() => this.select.get(name)?.position);
  }

  async compareAndSet(name: string, expected: number | undefined, next: number): Promise<boolean> {
    this.assertOpen();
    assertCheckpointName(name);
    assertPosition(next, 'next');
    if (expected !== undefined) assertPosition(expected, 'expected');
    return this.commit(() => {
      if (this.select.get(name)?.position !== expected) return false;
      this.upsert.run(name, next);
      return true;
    });
  }
}
