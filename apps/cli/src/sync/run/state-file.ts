import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SyncStream } from '@kopfed/sdk';

/**
 * A sync's progress on disk. `acknowledged` batches got the server's 200 with their results;
 * the batch after them may have been sent or not, so a resumed sync sends it again with the
 * same sequence and Idempotency-Key (the server answers with what it first did).
 */
export interface SyncState {
  version: 1;
  stream: SyncStream;
  coopId: string;
  server: string;
  file: string;
  planSha256: string;
  batchSize: number;
  batchCount: number;
  itemCount: number;
  firstSequence: number;
  acknowledged: number;
  counts: { created: number; updated: number; unchanged: number; rejected: number };
  serverRejections: ServerRejection[];
  startedAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface ServerRejection {
  line: number;
  externalId: string;
  code: string;
  detail: string;
}

export function loadState(path: string): SyncState | undefined {
  if (!existsSync(path)) return undefined;
  const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<SyncState>;
  const numbers = [state.firstSequence, state.acknowledged, state.batchCount, state.batchSize];
  if (state.version !== 1 || !numbers.every(Number.isInteger) || !Array.isArray(state.serverRejections)) {
    throw new Error(`${path} is not a kopfed sync state file (version 1)`);
  }
  return state as SyncState;
}

/**
 * Replaces the state file atomically and durably: the new content goes to a temporary file
 * that is flushed to disk, renamed over the old one, and the folder is flushed too — so a
 * crash at any instant leaves either the old state or the new, never a torn one.
 */
export function saveState(path: string, state: SyncState): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  const folder = openSync(dirname(path), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}
