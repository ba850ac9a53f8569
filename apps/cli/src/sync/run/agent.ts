import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createKopfedClient,
  fetchSyncStatus,
  type KopfedClient,
  type RetryPolicy,
  type SyncStream,
} from '@kopfed/sdk';
import type { SyncConfig } from '../config';
import { readTable } from '../table/read-table';
import { jakartaToday } from '../values/dates';
import { planSync, type Plan } from './plan';
import { Progress } from './progress';
import { allRejections, writeReport } from './report';
import { sendRemaining } from './send';
import { loadState, saveState, type SyncState } from './state-file';
import { summarise, type SyncSummary } from './summary';

export interface SyncRequest {
  stream: SyncStream;
  file: string;
  coopId: string;
  url?: string;
  token?: string;
  config: SyncConfig;
  statePath: string;
  reportPath: string;
  dryRun: boolean;
  /** Forget the state file and sync the file again as a new run (new sequence numbers). */
  restart: boolean;
  batchSize: number;
  sheet?: string;
  retry: Partial<RetryPolicy>;
  progress: boolean;
  now: () => Date;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  fetch?: typeof globalThis.fetch;
}

const COOP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DRY_RUN_SAMPLE = 3;

/** Reads, checks and plans the file, then (unless a dry run) sends or resumes it. */
export async function runSync(request: SyncRequest): Promise<SyncSummary> {
  if (!COOP_ID.test(request.coopId)) throw new Error(`"${request.coopId}" is not a coop id`);
  assertSeparatePaths(request);
  const table = await readTable(request.file, request.sheet);
  const plan = planSync(request.stream, table, {
    coopId: request.coopId,
    today: jakartaToday(request.now()),
    config: request.config[request.stream],
    batchSize: request.batchSize,
  });
  const paths = { file: request.file, report: request.reportPath, dryRun: request.dryRun };
  if (request.dryRun) {
    writeReport(request.reportPath, plan, allRejections(plan, []));
    const sample = plan.batches[0]?.slice(0, DRY_RUN_SAMPLE).map((p) => p.item) ?? [];
    request.stdout.write(`first items of batch 1:\n${JSON.stringify(sample, null, 2)}\n`);
    return summarise(plan, undefined, { ...paths, state: null });
  }
  if (!request.url || !request.token) {
    throw new Error(
      'give the server (--url or KOPFED_URL) and an API key (KOPFED_TOKEN or --token-file)',
    );
  }
  assertHttpAddress(request.url);
  let retries = 0;
  const client = createKopfedClient({
    baseUrl: request.url,
    token: request.token,
    retry: request.retry,
    onRetry: () => void retries++,
    userAgent: 'kopfed-sync',
    // The SDK holds each attempt, body included, to the policy's time limit (4fe6de7).
    ...(request.fetch ? { fetch: request.fetch } : {}),
  });
  let state = request.restart ? undefined : loadState(request.statePath);
  if (state) assertSameSync(state, plan, request);
  const progress = new Progress(request.stderr, request.stream, request.progress);
  const rowsAfter = rowsAfterEachBatch(plan);
  const show = (s: SyncState, final = false) =>
    progress.update(
      {
        rows: plan.rejections.length + (rowsAfter[s.acknowledged - 1] ?? 0),
        totalRows: plan.rows,
        batches: s.acknowledged,
        totalBatches: s.batchCount,
        rejected: plan.rejections.length + s.serverRejections.length,
        retries,
      },
      final,
    );
  const summaryOf = (s: SyncState | undefined, error?: unknown): SyncSummary => {
    writeReport(request.reportPath, plan, allRejections(plan, s?.serverRejections ?? []));
    const summary = summarise(plan, s, { ...paths, state: request.statePath });
    return error === undefined ? summary : { ...summary, error: messageOf(error) };
  };
  try {
    state ??= await startState(client, plan, request);
    show(state);
    state = await sendRemaining({
      client,
      plan,
      statePath: request.statePath,
      state,
      now: request.now,
      onBatch: (s) => show(s),
    });
    show(state, true);
    return summaryOf(state);
  } catch (error) {
    if (state) show(state, true);
    return summaryOf(state, error);
  }
}

/** A new sync continues the coop's numbering for this stream where the server has it. */
async function startState(
  client: KopfedClient,
  plan: Plan<SyncStream>,
  request: SyncRequest,
): Promise<SyncState> {
  const status = await fetchSyncStatus(client, plan.stream, request.coopId);
  const now = request.now().toISOString();
  const state: SyncState = {
    version: 1,
    stream: plan.stream,
    coopId: request.coopId,
    server: request.url!,
    file: request.file,
    planSha256: plan.sha256,
    batchSize: request.batchSize,
    batchCount: plan.batches.length,
    itemCount: plan.items,
    firstSequence: (status.lastSequence ?? 0) + 1,
    acknowledged: 0,
    counts: { created: 0, updated: 0, unchanged: 0, rejected: 0 },
    serverRejections: [],
    startedAt: now,
    updatedAt: now,
    completedAt: plan.batches.length === 0 ? now : null,
  };
  saveState(request.statePath, state);
  return state;
}

function assertSameSync(state: SyncState, plan: Plan<SyncStream>, request: SyncRequest): void {
  const differences = [
    state.stream !== plan.stream && `it syncs ${state.stream}`,
    state.coopId !== request.coopId && `it is for coop ${state.coopId}`,
    state.server !== request.url && `it went to ${state.server}`,
    state.batchSize !== request.batchSize && `its batches hold ${state.batchSize} items`,
    state.planSha256 !== plan.sha256 && 'the file (or its mapping) has changed since',
  ].filter((d): d is string => typeof d === 'string');
  if (differences.length > 0) {
    throw new Error(
      `${request.statePath} belongs to another sync (${differences.join('; ')}). Finish that one with the same file and options, or pass --restart to sync this file anew.`,
    );
  }
}

function rowsAfterEachBatch(plan: Plan<SyncStream>): number[] {
  const lines = new Set<number>();
  return plan.batches.map((batch) => {
    for (const planned of batch) lines.add(planned.line);
    return lines.size;
  });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/**
 * The report and the state file are replaced whole on every run: naming the file being
 * synced (or each other) would overwrite the coop's export with them.
 */
function assertSeparatePaths(request: SyncRequest): void {
  const same = (a: string, b: string) => {
    if (resolve(a) === resolve(b)) return true;
    const [x, y] = [statSync(a, { throwIfNoEntry: false }), statSync(b, { throwIfNoEntry: false })];
    return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
  };
  if (same(request.reportPath, request.file))
    throw new Error(`--report ${request.reportPath} is the file being synced: name another file`);
  if (same(request.statePath, request.file))
    throw new Error(`--state ${request.statePath} is the file being synced: name another file`);
  if (same(request.statePath, request.reportPath))
    throw new Error(`--state ${request.statePath} is also the --report: name two files`);
}

/** The node's address, checked before anything is sent: a bad one is no reason to retry. */
function assertHttpAddress(url: string): void {
  if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol))
    throw new Error(`--url ${url}: not an http(s) address such as https://kopfed.example`);
}
