import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SyncStream } from '@kopfed/sdk';
import { emptyConfig, type SyncConfig } from '../config';
import { runSync, type SyncRequest } from '../run/agent';
import { Captured } from './captured';

export { Captured } from './captured';

export const SAMPLES = resolve(__dirname, '../../../samples');

const folders: string[] = [];

/** A fresh folder under the system's temp folder, removed by removeTempFolders. */
export function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-sync-'));
  folders.push(dir);
  return dir;
}

/** Removes the folders tempFolder and runAgent made: a spec calls it in its afterEach. */
export function removeTempFolders(): void {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs the agent in process on a file, with its state and report in a fresh folder. */
export function runAgent(
  stream: SyncStream,
  file: string,
  overrides: Partial<SyncRequest> = {},
  config: SyncConfig = emptyConfig(),
) {
  const dir = tempFolder();
  const request: SyncRequest = {
    stream,
    file,
    coopId: 'ksp-sejahtera',
    config,
    statePath: join(dir, 'state.json'),
    reportPath: join(dir, 'rejected.csv'),
    dryRun: false,
    restart: false,
    batchSize: 1_000,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    progress: false,
    now: () => new Date(),
    stdout: new Captured(),
    stderr: new Captured(),
    ...overrides,
  };
  return { request, run: () => runSync(request) };
}

/** A fetch that records every request body it carries. */
export function recordingFetch(bodies: string[]): typeof globalThis.fetch {
  return async (input, init) => {
    if (typeof init?.body === 'string') bodies.push(init.body);
    else if (init?.body instanceof ArrayBuffer)
      bodies.push(Buffer.from(init.body).toString('utf8'));
    return fetch(input, init);
  };
}
