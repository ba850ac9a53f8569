import { setImmediate } from 'node:timers/promises';
import { types } from 'node:util';
import type { SealedBatch } from '@kopfed/eventstore';
import { leafHash } from '../merkle/merkle-tree';
import { startWorkerTask } from '../threads/worker-tasks';
import { ReadOnlySqliteStore } from '../verify/read-only-store';
import { FINGERPRINT_BYTES } from './checkpoint';
import { fingerprintOf } from './fingerprints';
import { LogDamagedError, logSourceOf, type LogSource } from './log-source';
import { sealTexts } from './seal-chain';

/** Where a scan starts: after the last batch a checkpoint covers. */
export interface ScanStart {
  afterBatch: number;
  /** That batch's seal (the genesis seal before the first). */
  previousSeal: string;
  /** The position its first event must have. */
  firstPosition: number;
}

/** A batch a scan read and checked: its events' leaves are in the scan's, in order. */
export interface ScannedBatch {
  batch: SealedBatch;
  stream: string;
  firstRevision: number;
}

/**
 * Whole batches after a start, each checked against its seal, with their events' hashes.
 * Packed into a few blocks rather than an object per batch: a checkpoint of 10,000 batches
 * took 15–30 ms to cross from a worker thread as objects, in one piece on the event loop.
 */
export interface BatchScan {
  /** Four numbers per batch: its number, first and last positions, its first revision. */
  numbers: Float64Array;
  /** Each batch's seal, 64 hex characters, one after another. */
  seals: string;
  /** Each batch's stream, each followed by a newline (no stream name holds one). */
  streams: string;
  /** Every event's leaf hash, 32 bytes each, in position order. */
  leaves: Buffer;
  /** Every event's fingerprint, FINGERPRINT_BYTES each, in the same order. */
  fingerprints: Buffer;
}

/**
 * Events read, checked and hashed between two turns of the event loop. A slice of 1,000 held
 * the node's loop for about 20 ms under load, long enough to show in its p99; a slice of 250
 * holds it about a quarter of that (docs/performance.md, "The sealer's stream heads, hashed at
 * the end").
 */
export const SLICE_EVENTS = 250;

const LEAF_BYTES = 32;
const SEAL_CHARS = 64;

/**
 * Reads whole batches after `start`, up to `maxEvents` events (at least one batch), checks
 * each against its seal (a damaged log is never signed) and hashes its events, a slice at a
 * time with a turn of the event loop between slices.
 */
export async function scanBatches(
  source: LogSource,
  start: ScanStart,
  maxEvents: number,
): Promise<BatchScan> {
  const numbers: number[] = [];
  const seals: string[] = [];
  const streams: string[] = [];
  const leaves: Buffer[] = [];
  const fingerprints: Buffer[] = [];
  let { previousSeal, firstPosition } = start;
  let expectedBatch = start.afterBatch + 1;
  for (let full = false; !full && leaves.length < maxEvents;) {
    if (seals.length > 0) await setImmediate();
    const slice = await source.batchesAfter(
      expectedBatch - 1,
      Math.min(SLICE_EVENTS, maxEvents - leaves.length),
    );
    if (slice.length === 0) break;
    for (const { batch, texts, ids, stream, firstRevision } of slice) {
      // As one read of `maxEvents`: whole batches, at least one, never past the limit after it.
      if (seals.length > 0 && leaves.length + texts.length > maxEvents) {
        full = true;
        break;
      }
      if (batch.batch !== expectedBatch || batch.firstPosition !== firstPosition)
        throw new LogDamagedError(
          `batch ${batch.batch} does not follow batch ${expectedBatch - 1}`,
        );
      if (sealTexts(previousSeal, texts) !== batch.seal)
        throw new LogDamagedError(`batch ${batch.batch} does not match its seal`);
      if (stream.includes('\n'))
        throw new LogDamagedError(`batch ${batch.batch} names a stream no store writes`);
      for (let i = 0; i < texts.length; i++) {
        const leaf = leafHash(texts[i]!);
        leaves.push(leaf);
        fingerprints.push(fingerprintOf(leaf, ids[i]!));
      }
      numbers.push(batch.batch, batch.firstPosition, batch.lastPosition, firstRevision);
      seals.push(batch.seal);
      streams.push(`${stream}\n`);
      previousSeal = batch.seal;
      firstPosition = batch.lastPosition + 1;
      expectedBatch += 1;
    }
  }
  return {
    numbers: Float64Array.from(numbers),
    seals: seals.join(''),
    streams: streams.join(''),
    leaves: Buffer.concat(leaves),
    fingerprints: Buffer.concat(fingerprints),
  };
}

/** The scan's batches in order, unpacked one at a time. */
export function* scannedBatches(scan: BatchScan): Generator<ScannedBatch> {
  const { numbers, seals, streams } = scan;
  let from = 0;
  for (let i = 0; i < numbers.length / 4; i++) {
    const to = streams.indexOf('\n', from);
    yield {
      batch: {
        batch: numbers[4 * i]!,
        firstPosition: numbers[4 * i + 1]!,
        lastPosition: numbers[4 * i + 2]!,
        seal: seals.slice(SEAL_CHARS * i, SEAL_CHARS * (i + 1)),
      },
      stream: streams.slice(from, to),
      firstRevision: numbers[4 * i + 3]!,
    };
    from = to + 1;
  }
}

/** A scan handed to a worker thread: the store's file, read through a connection of its own. */
export interface ScanOrder {
  file: string;
  start: ScanStart;
  maxEvents: number;
}

/** The worker thread's side (threads/audit-worker.ts). */
export async function runScanOrder(order: ScanOrder): Promise<BatchScan> {
  const store = new ReadOnlySqliteStore(order.file);
  try {
    return await scanBatches(logSourceOf(store), order.start, order.maxEvents);
  } finally {
    await store.close();
  }
}

/**
 * How long a scan on a thread may take before it is stopped and done here instead: a
 * checkpoint of 10,000 events takes a fraction of a second, and a sealer that never returned
 * would hold the node's shutdown.
 */
export const SCAN_DEADLINE_MS = 30_000;

/**
 * The scan on a worker thread when one can run, else undefined. Any failure there (a damaged
 * log among them, a thread that cannot start, an answer that does not hold together or comes
 * too late) is undefined too: the caller scans on its own thread, which reports it.
 */
export async function scanOnThread(
  order: ScanOrder,
  deadlineMs = SCAN_DEADLINE_MS,
): Promise<BatchScan | undefined> {
  let task: ReturnType<typeof startWorkerTask<unknown>>;
  try {
    task = startWorkerTask<unknown>({ kind: 'seal-scan', order });
  } catch {
    return undefined;
  }
  if (!task) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, deadlineMs, undefined);
  });
  try {
    return unpacked(await Promise.race([task.outcome, late]), order.start);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    await task.stop();
  }
}

/**
 * The scan as it crossed from the thread (buffers arrive as plain Uint8Arrays), if its blocks
 * agree on how many batches and events it holds and its batches follow `start` one by one.
 */
function unpacked(outcome: unknown, start: ScanStart): BatchScan | undefined {
  const scan = outcome as Partial<Record<keyof BatchScan, unknown>> | undefined;
  if (
    !types.isFloat64Array(scan?.numbers) ||
    typeof scan.seals !== 'string' ||
    typeof scan.streams !== 'string' ||
    !types.isUint8Array(scan.leaves) ||
    !types.isUint8Array(scan.fingerprints)
  )
    return undefined;
  const { numbers, seals, streams } = scan;
  const batches = numbers.length / 4;
  let events = 0;
  for (let i = 0; i < batches; i++) {
    const [batch, first, last] = [numbers[4 * i]!, numbers[4 * i + 1]!, numbers[4 * i + 2]!];
    if (
      batch !== start.afterBatch + 1 + i ||
      first !== start.firstPosition + events ||
      last < first
    )
      return undefined;
    events += last - first + 1;
  }
  let newlines = 0;
  for (let at = streams.indexOf('\n'); at !== -1; at = streams.indexOf('\n', at + 1)) newlines++;
  const leaves = asBuffer(scan.leaves);
  const fingerprints = asBuffer(scan.fingerprints);
  const holdsTogether =
    Number.isInteger(batches) &&
    seals.length === batches * SEAL_CHARS &&
    newlines === batches &&
    leaves.length === events * LEAF_BYTES &&
    fingerprints.length === events * FINGERPRINT_BYTES;
  return holdsTogether ? { numbers, seals, streams, leaves, fingerprints } : undefined;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The leaf hash of the scan's `index`th event. */
export function leafAt(scan: BatchScan, index: number): Buffer {
  return scan.leaves.subarray(index * LEAF_BYTES, (index + 1) * LEAF_BYTES);
}
