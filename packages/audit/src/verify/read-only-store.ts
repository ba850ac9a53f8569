import type Database from 'better-sqlite3';
import { SqliteEventStore, type EventStore } from '@kopfed/eventstore';

/**
 * A store file opened for reading only, for commands that must change nothing
 * (`kopfed audit prove`, the source of `kopfed migrate`): SqliteEventStore's `readonly` open,
 * which sets nothing up in the file and refuses every write.
 */
export class ReadOnlySqliteStore extends SqliteEventStore {
  constructor(file: string) {
    super({ file, readonly: true });
  }
}

/** The SQLite database under a store, for reading its rows directly: undefined for other stores. */
export function sqliteDatabaseOf(store: EventStore): Database.Database | undefined {
  return store instanceof SqliteEventStore ? store.database : undefined;
}
