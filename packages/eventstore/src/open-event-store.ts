import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidEventStoreRequestError } from './errors';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
import type { KurrentDbEventStore as KurrentDbEventStoreClass } from './kurrentdb/kurrentdb-event-store';
import type { EventStore } from './types';

export interface OpenEventStoreOptions {
  /** The service whose store this is: names the SQLite file and the KurrentDB stream prefix. */
  service: string;
  clock?: () => Date;
  /** SQLite stores only: told when the store falls back to slower but safe behaviour. */
  onWarning?: (message: string) => void;
  /** SQLite stores only: where WAL checkpoints run (see SqliteEventStoreOptions). */
  walCheckpoints?: SqliteEventStoreOptions['walCheckpoints'];
  /** SQLite file stores only: open the existing file for reading only (see SqliteEventStoreOptions). */
  readonly?: boolean;
}

/**
 * Opens a store from a URL, so configuration picks the adapter:
 *   sqlite:<directory>           one file per service, <directory>/<service>.db
 *   sqlite::memory:              a throwaway in-memory store
 *   kurrentdb://host:2113?tls=false   a KurrentDB (EventStoreDB) node or cluster
 */
export function openEventStore(url: string, options: OpenEventStoreOptions): EventStore {
  if (url === 'sqlite::memory:')
    return new SqliteEventStore({
      file: ':memory:',
      ...clock(options),
      readonly: options.readonly,
    });
  if (url.startsWith('sqlite:')) {
    const directory = url.slice('sqlite:'.length);
    if (directory.length === 0)
      throw new InvalidEventStoreRequestError('url', 'sqlite: needs a directory');
    const file = join(directory, `${options.service}.db`);
    const { onWarning, walCheckpoints, readonly } = options;
    if (!readonly) mkdirSync(dirname(file), { recursive: true });
    return new SqliteEventStore({ file, ...clock(options), onWarning, walCheckpoints, readonly });
  }
  if (options.readonly)
    throw new InvalidEventStoreRequestError('readonly', 'only a SQLite file store opens read-only');
  if (
    url.startsWith('kurrentdb://') ||
    url.startsWith('kurrentdb+discover://') ||
    url.startsWith('esdb://')
  ) {
    // Loaded on demand: the embedded default never pays for the gRPC client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KurrentDbEventStore } = require('./kurrentdb/kurrentdb-event-store') as {
      KurrentDbEventStore: typeof KurrentDbEventStoreClass;
    };
    return KurrentDbEventStore.connect(url, options);
  }
  throw new InvalidEventStoreRequestError(
    'url',
    `unknown event store URL scheme: ${url.split(':')[0]}`,
  );
}

function clock(options: OpenEventStoreOptions) {
  return options.clock ? { clock: options.clock } : {};
}
