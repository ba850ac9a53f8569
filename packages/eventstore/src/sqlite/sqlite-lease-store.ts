import type Database from 'better-sqlite3';
import type { LeaseStore } from '../types';
import { assertLeaseRequest } from '../validation';
import { answered } from './lock-timeout';

export class SqliteLeaseStore implements LeaseStore {
  private readonly select;
  private readonly upsert;
  private readonly remove;

  constructor(
    private readonly database: Database.Database,
    private readonly clock: () => Date,
    private readonly assertOpen: () => void,
  ) {
    this.select = database.prepare<[string], { owner: string; expires_at_ms: number }>(
      'SELECT owner, expires_at_ms FROM leases WHERE name = ?',
    );
    this.upsert = database.prepare<[string, string, number]>(
      `INSERT INTO leases (name, owner, expires_at_ms) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at_ms = excluded.expires_at_ms`,
    );
    this.remove = database.prepare<[string, string]>(
      'DELETE FROM leases WHERE name = ? AND owner = ?',
    );
  }

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    assertLeaseRequest(name, owner, ttlMs);
    const now = this.clock().getTime();
    return answered(() =>
      this.database
        .transaction(() => {
          const held = this.select.get(name);
          if (held && held.owner !== owner && held.expires_at_ms > now) return false;
          this.upsert.run(name, owner, now + ttlMs);
          return true;
        })
        .immediate(),
    );
  }

  async release(name: string, owner: string): Promise<void> {
    this.assertOpen();
    assertLeaseRequest(name, owner);
    answered(() => this.remove.run(name, owner));
  }
}
