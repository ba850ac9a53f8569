import type Database from 'better-sqlite3';
import { fnv1a } from '../checkpoints/fingerprints';
import { BatchCursor, WHOLE_LOG, type CursorBounds, type OpenBatch } from './batch-cursor';
import type { CheckpointEvidence } from './checkpoint-evidence';
import {
  DigestFrontier,
  EventHashes,
  leadingUint32,
  MerkleBlocks,
  type Digest,
  type MerkleBlock,
} from './event-hashes';
import type { FindingInput, FindingLog } from './findings';
import { columnsDisagree, EVENT_ROWS_SQL, type EventRow } from './row-checks';

export type Progress = (done: number, total: number) => void;

export interface ScanResult {
  events: number;
  batches: number;
  /** The last position read. */
  head: number;
}

const PAGE = 5_000;

/**
 * The part of the log a scan reads: positions after `after` through `through`, batches within
 * `cursor`'s bounds. The whole log is one part; verify may read it as two, on two threads.
 */
export interface LogPart {
  after: number;
  through: number;
  cursor: CursorBounds;
  /**
   * `frontier`: each leaf goes into the Merkle frontier and checkpoint roots are checked, which
   * needs the part to start at position 1. `blocks`: the leaves are merged into Merkle blocks
   * (see MerkleBlocks), cut at `cuts`, for the scan of the part before to append (see
   * `appendBlocks`).
   */
  leaves: 'frontier' | 'blocks';
  /** Positions at which a checkpoint root will be checked: blocks do not straddle them. */
  cuts?: readonly number[];
}

export const WHOLE_LOG_PART: LogPart = {
  after: Number.MIN_SAFE_INTEGER,
  through: Number.MAX_SAFE_INTEGER,
  cursor: WHOLE_LOG,
  leaves: 'frontier',
};

/** Where a scanned part ended: the next part must start just there. */
export interface PartEnd {
  /** The position after the last one read. */
  expected: number;
  cursor: Omit<CursorBounds, 'lastBatch'>;
}

/** How far from a misplaced event the scan looks for where its checkpoint had it. */
const REORDER_WINDOW = 10_000;

interface Suspect {
  position: number;
  id: string;
  stream: string;
  revision: number;
  batch: OpenBatch | undefined;
}

/**
 * The first pass of verify: every event in position order, every batch in order, in one
 * snapshot. Checks gapless positions, the index columns against the body, each batch's range,
 * stream and seal, each event's fingerprint in the checkpoint covering it, and the Merkle root
 * at every checkpoint, all in one streaming read with O(log n) state besides one batch.
 */
export class LogScan {
  private readonly hashes = new EventHashes();
  private readonly cursor: BatchCursor;
  private readonly frontier = new DigestFrontier();
  private readonly roots: { lastPosition: number; sequence: number; merkleRoot: string }[];
  private rootIndex = 0;
  private readonly rootMismatches: { from: number; through: number; sequence: number }[] = [];
  private expected: number;
  private events = 0;
  private head = 0;
  /** The part's Merkle blocks, in `blocks` mode. */
  private readonly merkleBlocks: MerkleBlocks | undefined;
  private unbatchedRun = false;
  private mismatchRun = false;
  private suspect: Suspect | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly evidence: CheckpointEvidence,
    private readonly findings: FindingLog,
    private readonly part: LogPart = WHOLE_LOG_PART,
  ) {
    this.expected = Math.max(1, part.after + 1);
    this.merkleBlocks =
      part.leaves === 'blocks' ? new MerkleBlocks(part.after, new Set(part.cuts)) : undefined;
    this.cursor = new BatchCursor(
      db,
      this.hashes,
      {
        sealBroken: (batch) => this.sealBroken(batch),
        chainBroken: (batch, detail) =>
          this.report({ kind: 'altered', position: batch.first, detail }, batch),
      },
      part.cursor,
    );
    this.roots = [...evidence.statements.values()]
      .map((s) => ({
        lastPosition: s.lastPosition,
        sequence: s.sequence,
        merkleRoot: s.merkleRoot,
      }))
      .sort((a, b) => a.lastPosition - b.lastPosition);
  }

  async run(onProgress?: Progress): Promise<ScanResult> {
    await this.scanRows(onProgress);
    return this.finish();
  }

  /** Reads every event of the part, in position order. */
  async scanRows(onProgress?: Progress): Promise<void> {
    const select = this.db.prepare<[number, number, number], EventRow>(EVENT_ROWS_SQL).raw(true);
    const total = Math.min(
      this.part.through,
      this.db
        .prepare<[], number>('SELECT coalesce(max(position), 0) FROM events')
        .pluck(true)
        .get() ?? 0,
    );
    for (let after = this.part.after; ;) {
      const rows = select.all(after, this.part.through, PAGE);
      for (const row of rows) this.visit(row);
      if (rows.length === 0) break;
      this.head = rows[rows.length - 1]![0];
      after = this.head;
      onProgress?.(Math.max(0, this.head), total);
      // Yield between pages, so a node verifying its own stores keeps serving requests.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.settleSuspect(undefined);
  }

  /**
   * Appends the Merkle blocks of the part just after this one (see MerkleBlocks) to the
   * frontier, checking the checkpoint roots at each block's end. A checkpoint whose position
   * falls inside a block cannot be checked: it counts as a root that differs.
   */
  appendBlocks(blocks: readonly MerkleBlock[]): void {
    for (const { start, level, root } of blocks) {
      this.frontier.appendSubtree(root, level);
      const end = start + 2 ** level;
      for (; this.rootIndex < this.roots.length; this.rootIndex++) {
        const check = this.roots[this.rootIndex]!;
        if (check.lastPosition > end) break;
        if (check.lastPosition < end || this.frontier.rootHex() !== check.merkleRoot)
          this.rootMismatches.push({
            from: (this.roots[this.rootIndex - 1]?.lastPosition ?? 0) + 1,
            through: check.lastPosition,
            sequence: check.sequence,
          });
      }
    }
  }

  /** The Merkle blocks of a `blocks` part. */
  get blocks(): readonly MerkleBlock[] {
    return this.merkleBlocks?.blocks ?? [];
  }

  /** Where the part ended, once its last batch is closed (its seal checked). */
  closePart(): PartEnd {
    this.cursor.closeCurrent();
    return { expected: this.expected, cursor: this.cursor.end };
  }

  /** Closes the last batch and reports what only the end shows: unread batches, wrong roots. */
  finish(): ScanResult {
    const unread = this.cursor.finish();
    // A root that differs is reported only where no finding already says why.
    for (const { from, through, sequence } of this.rootMismatches)
      if (!this.findings.anyWithin(1, through))
        this.findings.add({
          kind: 'altered',
          position: from,
          detail: `the events at positions ${from}..${through} do not have the Merkle root checkpoint ${sequence} signed`,
        });
    const [first] = unread;
    if (first)
      this.findings.add({
        kind: 'removed',
        position: first[1],
        detail: `the events of batch ${first[0]}${unread.length > 1 ? ` and of ${unread.length - 1} batches after it` : ''} are gone`,
      });
    return { events: this.events, batches: this.cursor.batches, head: this.head };
  }

  private visit(row: EventRow): void {
    const [position, id, stream, revision, , , , , batchColumn, body] = row;
    if (position < this.expected) {
      this.report(
        {
          kind: 'inserted',
          position,
          stream,
          revision,
          eventId: id,
          detail: `position ${position} is before the start of the log`,
        },
        undefined,
      );
      return;
    }
    this.settleSuspect(id);
    if (position > this.expected) this.gap(position);
    this.events += 1;
    const batch = this.cursor.at(position);
    if (!batch) {
      if (!this.unbatchedRun)
        this.report(
          {
            kind: 'inserted',
            position,
            stream,
            revision,
            eventId: id,
            detail: `position ${position} is in no sealed batch`,
          },
          undefined,
        );
      this.unbatchedRun = true;
    } else {
      this.unbatchedRun = false;
      this.checkShape(row, batch, batchColumn);
      batch.firstMember ??= { position, stream, revision };
      batch.membersRead += 1;
    }
    const disagreement = columnsDisagree(row);
    if (disagreement) this.report(disagreement, batch);
    const leaf = this.hashes.leaf(body, batch?.hash);
    if (this.merkleBlocks) this.merkleBlocks.append(leaf);
    else {
      this.frontier.append(leaf);
      this.checkRoots(position);
    }
    this.checkFingerprint(leaf, row, batch);
    this.expected = position + 1;
  }

  /** An append writes one stream's consecutive revisions at consecutive positions. */
  private checkShape(row: EventRow, batch: OpenBatch, batchColumn: number): void {
    const [position, id, stream, revision] = row;
    const at = { position, stream, revision, eventId: id };
    const first = batch.firstMember;
    if (batchColumn !== batch.batch)
      this.report(
        {
          kind: 'altered',
          ...at,
          detail: `its batch column says ${batchColumn}, but position ${position} is in batch ${batch.batch}`,
        },
        batch,
      );
    else if (first && first.stream !== stream)
      this.report(
        {
          kind: 'inserted',
          ...at,
          detail: `batch ${batch.batch} was an append to ${first.stream}`,
        },
        batch,
      );
    else if (first && revision !== first.revision + (position - first.position))
      this.report(
        {
          kind: 'reordered',
          ...at,
          detail: `batch ${batch.batch} put revision ${first.revision + (position - first.position)} of ${stream} here`,
        },
        batch,
      );
  }

  private gap(position: number): void {
    const missingFrom = this.expected;
    const batch = this.cursor.at(missingFrom);
    const finding = this.report(
      {
        kind: 'removed',
        position: missingFrom,
        detail:
          position - missingFrom === 1
            ? `position ${missingFrom} is missing`
            : `positions ${missingFrom}..${position - 1} are missing`,
      },
      batch,
    );
    batch?.gaps.push(finding);
  }

  private checkFingerprint(leaf: Digest, row: EventRow, batch: OpenBatch | undefined): void {
    const [position, id, stream, revision] = row;
    const expected = this.evidence.fingerprints.leafAt(position);
    if (expected === undefined || leadingUint32(leaf) === expected) {
      this.mismatchRun = false;
      return;
    }
    // One finding per run: after an insertion every later position is off by one.
    if (!this.mismatchRun) this.suspect = { position, id, stream, revision, batch };
    this.mismatchRun = true;
  }

  /** Decides what happened at a mismatched position, once the event after it is known. */
  private settleSuspect(nextId: string | undefined): void {
    const s = this.suspect;
    if (!s) return;
    this.suspect = undefined;
    const table = this.evidence.fingerprints;
    const at = { position: s.position, stream: s.stream, revision: s.revision, eventId: s.id };
    const checkpointed = table.idAt(s.position);
    const actual = fnv1a(s.id);
    if (actual === checkpointed) {
      this.report(
        { kind: 'altered', ...at, detail: 'its text is not the text the checkpoint covered' },
        s.batch,
      );
    } else if (nextId !== undefined && fnv1a(nextId) === checkpointed) {
      this.report(
        {
          kind: 'inserted',
          ...at,
          detail: `the checkpoint had another event here, which now sits at ${s.position + 1}`,
        },
        s.batch,
      );
    } else if (table.idAt(s.position + 1) === actual) {
      this.report(
        {
          kind: 'removed',
          position: s.position,
          detail: `the event checkpointed at position ${s.position} is gone and the events after it moved up`,
        },
        s.batch,
      );
    } else {
      const was = table.positionOfId(actual, s.position, REORDER_WINDOW);
      this.report(
        was === undefined
          ? {
              kind: 'altered',
              ...at,
              detail: 'another event replaced the one the checkpoint covered here',
            }
          : {
              kind: 'reordered',
              ...at,
              detail: `the checkpoint had this event at position ${was}`,
            },
        s.batch,
      );
    }
  }

  private checkRoots(position: number): void {
    for (; this.rootIndex < this.roots.length; this.rootIndex++) {
      const check = this.roots[this.rootIndex]!;
      if (check.lastPosition > position) return;
      const previous = this.roots[this.rootIndex - 1]?.lastPosition ?? 0;
      if (check.lastPosition === position && this.frontier.rootHex() !== check.merkleRoot)
        this.rootMismatches.push({
          from: previous + 1,
          through: position,
          sequence: check.sequence,
        });
    }
  }

  private sealBroken(batch: OpenBatch): void {
    if (batch.flagged) return;
    const first = batch.firstMember;
    const single = batch.membersRead === 1;
    const covered = this.evidence.fingerprints.leafAt(batch.first) !== undefined;
    this.findings.add({
      kind: 'altered',
      position: batch.first,
      stream: first?.stream ?? null,
      revision: first?.revision ?? null,
      detail: covered
        ? `batch ${batch.batch} does not match its seal, yet its events match their checkpoint: the seal was altered`
        : single
          ? `batch ${batch.batch} does not match its seal`
          : `batch ${batch.batch} (positions ${batch.first}..${batch.last}) does not match its seal; no checkpoint covers it yet, so it cannot be told which of its events changed`,
    });
  }

  private report(finding: FindingInput, batch: OpenBatch | undefined) {
    if (batch) batch.flagged = true;
    return this.findings.add(finding);
  }
}
