import { setImmediate } from 'node:timers/promises';
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

/** Whole batches after a start, each checked against its seal, with their events' hashes. */
export interface BatchScan {
  batches: ScannedBatch[];
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
  const batches: ScannedBatch[] = [];
  const leaves: Buffer[] = [];
  const fingerprints: Buffer[] = [];
  let { previousSeal, firstPosition } = start;
  let expectedBatch = start.afterBatch + 1;
  for (let full = false; !full && leaves.length < maxEvents;) {
    if (batches.length > 0) await setImmediate();
    const slice = await source.batchesAfter(
      expectedBatch - 1,
      Math.min(SLICE_EVENTS, maxEvents - leaves.length),
    );
    if (slice.length === 0) break;
    for (const { batch, texts, ids, stream, firstRevision } of slice) {
      // As one read of `maxEvents`: whole batches, at least one, never past the limit after it.
      if (batches.length > 0 && leaves.length + texts.length > maxEvents) {
        full = true;
        break;
      }
      if (batch.batch !== expectedBatch || batch.firstPosition !== firstPosition)
        throw new LogDamagedError(
          `batch ${batch.batch} does not follow batch ${expectedBatch - 1}`,
        );
      if (sealTexts(previousSeal, texts) !== batch.seal)
        throw new LogDamagedError(`batch ${batch.batch} does not match its seal`);
      for (let i = 0; i < texts.length; i++) {
        const leaf = leafHash(texts[i]!);
        leaves.push(leaf);
        fingerprints.push(fingerprintOf(leaf, ids[i]!));
      }
      batches.push({ batch, stream, firstRevision });
      previousSeal = batch.seal;
      firstPosition = batch.lastPosition + 1;
      expectedBatch += 1;
    }
  }
  return { batches, leaves: Buffer.concat(leaves), fingerprints: Buffer.concat(fingerprints) };
}

/** A scan handed to a worker thread: the store's file, read through a connection of its own. */
export interface ScanOrder {
  file: string;
  start: ScanStart;
  maxEvents: number;
}

/** The worker thread's side (threads/audit-worker.ts). */
export async function scanOrder(order: ScanOrder): Promise<BatchScan> {
  const store = new ReadOnlySqliteStore(order.file);
  try {
    return await scanBatches(logSourceOf(store), order.start, order.maxEvents);
  } finally {
    await store.close();
  }
}

/**
 * The scan on a worker thread when one can run, else undefined. Any failure there (a damaged
 * log among them) is undefined too: the caller scans on its own thread, which reports it.
 */
export async function scanOnThread(order: ScanOrder): Promise<BatchScan | undefined> {
  const task = startWorkerTask<BatchScan>({ kind: 'seal-scan', order });
  if (!task) return undefined;
  try {
    const scan = await task.outcome;
    if (!scan) return undefined;
    // Buffers cross the thread as plain Uint8Arrays.
    const leaves = asBuffer(scan.leaves);
    const fingerprints = asBuffer(scan.fingerprints);
    const events = scan.batches.reduce(
      (sum, { batch }) => sum + batch.lastPosition - batch.firstPosition + 1,
      0,
    );
    if (leaves.length !== events * LEAF_BYTES || fingerprints.length !== events * FINGERPRINT_BYTES)
      return undefined;
    return { batches: scan.batches, leaves, fingerprints };
  } finally {
    await task.stop();
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The leaf hash of the scan's `index`th event. */
export function leafAt(scan: BatchScan, index: number): Buffer {
  return scan.leaves.subarray(index * LEAF_BYTES, (index + 1) * LEAF_BYTES);
}
