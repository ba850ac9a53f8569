import type Database from 'better-sqlite3';
import { FingerprintTable } from '../checkpoints/fingerprints';
import { startWorkerTask } from '../threads/worker-tasks';
import { WHOLE_LOG, type CursorBounds } from './batch-cursor';
import type { MerkleBlock } from './event-hashes';
import type { CheckpointEvidence } from './checkpoint-evidence';
import { FindingLog } from './findings';
import { LogScan, type Progress, type ScanResult } from './log-scan';
import { scanRevisions } from './revision-scan';
import { inFileSnapshot } from './store-files';

/**
 * `auto` splits a log of at least SPLIT_FROM_EVENTS events; `always` any log of two batches
 * or more (tests); `never` scans on one thread.
 */
export type SplitMode = 'auto' | 'always' | 'never';

/** Below this, starting a worker thread (a few hundred ms) costs more than it saves. */
const SPLIT_FROM_EVENTS = 100_000;
/**
 * The share of the log the verifying thread scans itself, while the worker scans the rest and
 * then walks every stream's revisions.
 */
const OWN_SHARE = 0.57;

/** What the worker is asked to scan: positions after `after` through `through`. */
export interface LaterPartOrder {
  file: string;
  store: string;
  after: number;
  through: number;
  cursor: CursorBounds;
  fingerprints: { after: number; through: number; bytes: Uint8Array }[];
  /** Positions after `after` at which the verifying thread checks a checkpoint root. */
  cuts: number[];
}

export interface LaterPartOutcome extends ScanResult {
  /** Findings in the later part or in the revisions: any at all sends verify back to one thread. */
  findings: number;
  /** Its events' Merkle leaves as blocks for the verifying thread's frontier. */
  blocks: MerkleBlock[];
}

/**
 * The first pass of verify, on two threads when the log is long: this thread scans the log up
 * to a batch boundary near its middle while a worker scans the rest with its own connection,
 * bounded by this snapshot's head and last batch, and then walks every stream's revisions (the
 * second pass; `revisionsChecked` says it was done). Each part runs the one-thread scan's
 * checks; the worker's leaves, merged into Merkle blocks that stop at every checkpoint, then
 * continue this thread's frontier, so every checkpoint root is checked as before.
 *
 * The split is only trusted to say "intact": if either part finds anything, or the parts do not
 * meet exactly (the first ends where the second was told to begin), the log is scanned again on
 * one thread, whose account of what is wrong and where is the one reported.
 */
export async function scanLog(
  db: Database.Database,
  store: { name: string; file: string },
  evidence: CheckpointEvidence,
  findings: FindingLog,
  options: { split?: SplitMode; onProgress?: Progress } = {},
): Promise<ScanResult & { revisionsChecked: boolean }> {
  const oneThread = async () => ({
    ...(await new LogScan(db, evidence, findings).run(options.onProgress)),
    revisionsChecked: false,
  });
  const mode = options.split ?? 'auto';
  const plan = mode === 'never' || findings.count > 0 ? undefined : planSplit(db, mode);
  const later =
    plan &&
    startWorkerTask<LaterPartOutcome>({
      kind: 'verify-part',
      order: {
        file: store.file,
        store: store.name,
        after: plan.split,
        through: plan.head,
        cursor: plan.later,
        fingerprints: evidence.fingerprints.covered.map(({ after, through, bytes }) => ({
          after,
          through,
          bytes,
        })),
        cuts: [...evidence.statements.values()]
          .map((s) => s.lastPosition)
          .filter((position) => position > plan.split),
      },
    });
  if (!plan || !later) return oneThread();

  const attempt = new FindingLog(store.name);
  const first = new LogScan(db, evidence, attempt, {
    after: Number.MIN_SAFE_INTEGER,
    through: plan.split,
    cursor: { ...WHOLE_LOG, lastBatch: plan.later.afterBatch },
    leaves: 'frontier',
  });
  let ownDone = 0;
  let laterDone = 0;
  const report = () => options.onProgress?.(ownDone + laterDone, plan.head);
  later.onProgress = (done) => {
    laterDone = Math.max(0, done - plan.split);
    report();
  };
  try {
    await first.scanRows((done) => {
      ownDone = done;
      report();
    });
    const outcome = await later.outcome;
    const end = first.closePart();
    const met =
      outcome !== undefined &&
      outcome.findings === 0 &&
      attempt.count === 0 &&
      end.expected === plan.split + 1 &&
      end.cursor.afterBatch === plan.later.afterBatch &&
      end.cursor.previousSeal === plan.later.previousSeal &&
      end.cursor.lastPosition === plan.later.lastPosition;
    if (met) {
      first.appendBlocks(outcome.blocks);
      const own = first.finish();
      if (attempt.count === 0)
        return {
          events: own.events + outcome.events,
          batches: own.batches + outcome.batches,
          head: outcome.head,
          revisionsChecked: true,
        };
    }
  } finally {
    await later.stop();
  }
  // Something is wrong somewhere: the one-thread scan says exactly what and where.
  return oneThread();
}

/** Scans the later part of a split log (on the worker thread, see threads/audit-worker.ts). */
export async function scanLaterPart(
  order: LaterPartOrder,
  onProgress: (done: number) => void,
): Promise<LaterPartOutcome> {
  return inFileSnapshot(order.file, async (db) => {
    // Only the fingerprints are needed: roots are checked by the thread that holds the frontier.
    const evidence: CheckpointEvidence = {
      statements: new Map(),
      fingerprints: FingerprintTable.of(order.fingerprints),
      claims: [],
      checkpoints: 0,
    };
    const findings = new FindingLog(order.store);
    const scan = new LogScan(db, evidence, findings, {
      after: order.after,
      through: order.through,
      cursor: order.cursor,
      leaves: 'blocks',
      cuts: order.cuts,
    });
    const result = await scan.run((done) => onProgress(done));
    // The second pass too, over the whole log up to the same head, while the verifying
    // thread finishes its own part.
    await scanRevisions(db, findings, [], order.through);
    return { ...result, findings: findings.count, blocks: [...scan.blocks] };
  });
}

interface SplitPlan {
  /** The last position of the first part (the last position of a batch). */
  split: number;
  head: number;
  /** The later part's cursor: it starts as if it had just closed the batch ending at `split`. */
  later: CursorBounds;
}

function planSplit(db: Database.Database, mode: SplitMode): SplitPlan | undefined {
  const { head, lastBatch } = db
    .prepare<[], { head: number; lastBatch: number }>(
      'SELECT (SELECT coalesce(max(position), 0) FROM events) AS head, (SELECT coalesce(max(batch), 0) FROM batches) AS lastBatch',
    )
    .get()!;
  if (mode === 'auto' && head < SPLIT_FROM_EVENTS) return undefined;
  const boundary = db
    .prepare<[number], { batch: number; last_position: number; seal: string }>(
      'SELECT batch, last_position, seal FROM batches WHERE last_position >= ? ORDER BY batch LIMIT 1',
    )
    .get(Math.floor(head * OWN_SHARE));
  if (!boundary || boundary.last_position < 1 || boundary.last_position >= head) return undefined;
  return {
    split: boundary.last_position,
    head,
    later: {
      afterBatch: boundary.batch,
      previousSeal: boundary.seal,
      lastPosition: boundary.last_position,
      lastBatch,
    },
  };
}
