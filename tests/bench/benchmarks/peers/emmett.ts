import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR, peersRequire } from './install';

/**
 * The part of `@event-driven-io/emmett-sqlite` 0.38.5 the peers benchmark calls, typed here
 * so that the root program never reads the peers' node_modules (see its dist/index.d.ts).
 */
export interface EmmettConnection {
  close(): void;
  command(sql: string, values?: unknown[]): Promise<unknown>;
  querySingle<T>(sql: string, values?: unknown[]): Promise<T | null>;
}

export interface EmmettEvent {
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface EmmettReadEvent extends EmmettEvent {
  metadata: Record<string, unknown> & { globalPosition: bigint; streamPosition: bigint };
}

export interface EmmettEventStore {
  appendToStream(streamName: string, events: EmmettEvent[]): Promise<unknown>;
  readStream(streamName: string): Promise<{ events: EmmettReadEvent[] }>;
}

export interface EmmettSqlite {
  sqliteConnection(options: { fileName: string }): EmmettConnection;
  createEventStoreSchema(connection: EmmettConnection): Promise<void>;
  appendToStream(
    connection: EmmettConnection,
    streamName: string,
    streamType: string,
    events: EmmettEvent[],
  ): Promise<{ success: boolean }>;
  readStream(
    connection: EmmettConnection,
    streamId: string,
  ): Promise<{ events: EmmettReadEvent[] }>;
  readMessagesBatch(
    connection: EmmettConnection,
    options: { after: bigint; batchSize: number },
  ): Promise<{ messages: EmmettReadEvent[]; currentGlobalPosition: bigint }>;
  getSQLiteEventStore(options: { fileName: string }): EmmettEventStore;
}

export const EMMETT_VERSION = '0.38.5';

export function loadEmmett(): EmmettSqlite {
  const manifest = join(PEERS_DIR, 'node_modules/@event-driven-io/emmett-sqlite/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  if (version !== EMMETT_VERSION)
    throw new Error(`peers: expected emmett-sqlite ${EMMETT_VERSION}, found ${version}`);
  return peersRequire()('@event-driven-io/emmett-sqlite') as EmmettSqlite;
}

/**
 * One long-lived connection with kopfed's durability settings: emmett sets WAL on every
 * connection it opens; synchronous is set to FULL here, as kopfed's applyPragmas does.
 */
export async function emmettConnection(
  emmett: EmmettSqlite,
  fileName: string,
): Promise<{ connection: EmmettConnection; journalMode: string; synchronous: number }> {
  const connection = emmett.sqliteConnection({ fileName });
  await connection.command('PRAGMA synchronous = FULL');
  await emmett.createEventStoreSchema(connection);
  const journal = await connection.querySingle<{ journal_mode: string }>('PRAGMA journal_mode');
  const sync = await connection.querySingle<{ synchronous: number }>('PRAGMA synchronous');
  return {
    connection,
    journalMode: journal?.journal_mode ?? 'unknown',
    synchronous: sync?.synchronous ?? -1,
  };
}
