import type { Hash as HashStream } from 'node:crypto';
import type Database from 'better-sqlite3';
import { GENESIS_SEAL } from '@kopfed/eventstore';
import { startSeal } from '../checkpoints/seal-chain';
import type { EventHashes } from './event-hashes';
import type { Finding } from './findings';

export interface Member {
  position: number;
  stream: string;
  revision: number;
}

/** A sealed batch while the scan is inside it. */
export interface OpenBatch {
  batch: number;
  first: number;
  last: number;
  seal: string;
  /** SHA-256 over the stored previous seal and the texts read so far (see EventHashes). */
  hash: HashStream;
  /** The first of its events read, and how many were. */
  firstMember: Member | undefined;
  membersRead: number;
  /** A finding was made about one of its events: a broken seal needs no finding of its own. */
  flagged: boolean;
  /** Findings of events missing from it, to be told their stream once the batch is read. */
  gaps: Finding[];
}

type BatchRow = [batch: number, first: number, last: number, seal: string];

/**
 * Where a cursor starts and stops: after a batch, as if it had just closed it, and at most
 * through batch `lastBatch`. A whole-log scan starts before batch 1 with no batch limit; a
 * part of the log scanned on another thread starts where the part before it ends.
 */
export interface CursorBounds {
  afterBatch: number;
  /** The stored seal of batch `afterBatch` (GENESIS_SEAL before batch 1). */
  previousSeal: string;
  /** The last position of batch `afterBatch` (0 before batch 1). */
  lastPosition: number;
  lastBatch: number;
}

export const WHOLE_LOG: CursorBounds = {
  afterBatch: 0,
  previousSeal: GENESIS_SEAL,
  lastPosition: 0,
  lastBatch: Number.MAX_SAFE_INTEGER,
};

const PAGE = 5_000;

/**
 * Walks the `batches` table alongside the events: every batch is checked against the one
 * before it (numbers without gaps, ranges end to end) and, once all its events were read,
 * its seal is recomputed from the stored previous seal — so a broken batch is reported
 * alone instead of breaking every seal after it.
 */
export class BatchCursor {
  current: OpenBatch | undefined;
  batches = 0;
  private page: BatchRow[] = [];
  private index = 0;
  private afterBatch: number;
  private previousSeal: string;
  private nextNumber: number;
  private lastPosition: number;
  private readonly lastBatch: number;
  private readonly select;

  constructor(
    db: Database.Database,
    private readonly hashes: EventHashes,
    private readonly hooks: {
      sealBroken(batch: OpenBatch): void;
      chainBroken(batch: OpenBatch, detail: string): void;
    },
    bounds: CursorBounds = WHOLE_LOG,
  ) {
    this.afterBatch = bounds.afterBatch;
    this.previousSeal = bounds.previousSeal;
    this.nextNumber = bounds.afterBatch + 1;
    this.lastPosition = bounds.lastPosition;
    this.lastBatch = bounds.lastBatch;
    this.select = db
      .prepare<[number, number, number], BatchRow>(
        'SELECT batch, first_position, last_position, seal FROM batches WHERE batch > ? AND batch <= ? ORDER BY batch LIMIT ?',
      )
      .raw(true);
  }

  /** Where the part of the log read so far ends, as the next part's bounds would start. */
  get end(): Omit<CursorBounds, 'lastBatch'> {
    return {
      afterBatch: this.nextNumber - 1,
      previousSeal: this.previousSeal,
      lastPosition: this.lastPosition,
    };
  }

  /** The batch whose range holds `position`, closing those before it; undefined in no batch. */
  at(position: number): OpenBatch | undefined {
    for (;;) {
      const current = this.current;
      if (current && position <= current.last)
        return position >= current.first ? current : undefined;
      if (current) this.close(current);
      this.current = this.open();
      if (!this.current) return undefined;
    }
  }

  /** Closes the open batch, if any: its seal is checked now. */
  closeCurrent(): void {
    if (this.current) this.close(this.current);
    this.current = undefined;
  }

  /** Closes the open batch; returns the batches that remain unread (their events are gone). */
  finish(): BatchRow[] {
    this.closeCurrent();
    const rest: BatchRow[] = [];
    for (let row = this.next(); row; row = this.next()) rest.push(row);
    return rest;
  }

  private open(): OpenBatch | undefined {
    const row = this.next();
    if (!row) return undefined;
    const [batch, first, last, seal] = row;
    const opened: OpenBatch = {
      batch,
      first,
      last,
      seal,
      hash: startSeal(this.previousSeal),
      firstMember: undefined,
      membersRead: 0,
      flagged: false,
      gaps: [],
    };
    this.batches += 1;
    if (batch !== this.nextNumber)
      this.hooks.chainBroken(
        opened,
        `batches ${this.nextNumber}..${batch - 1} are missing from the seal chain`,
      );
    else if (first !== this.lastPosition + 1 || last < first)
      this.hooks.chainBroken(
        opened,
        `batch ${batch} covers positions ${first}..${last}, but the batch before it ended at ${this.lastPosition}`,
      );
    return opened;
  }

  private close(batch: OpenBatch): void {
    this.hashes.flush();
    const complete = batch.membersRead === batch.last - batch.first + 1;
    if (complete && batch.hash.digest('hex') !== batch.seal) this.hooks.sealBroken(batch);
    const known = batch.firstMember;
    if (known)
      for (const gap of batch.gaps) {
        gap.stream = known.stream;
        gap.revision = known.revision + (gap.position! - known.position);
      }
    this.previousSeal = batch.seal;
    this.nextNumber = batch.batch + 1;
    this.lastPosition = Math.max(this.lastPosition, batch.last);
  }

  private next(): BatchRow | undefined {
    if (this.index >= this.page.length) {
      this.page = this.select.all(this.afterBatch, this.lastBatch, PAGE);
      this.index = 0;
      if (this.page.length === 0) return undefined;
      this.afterBatch = this.page[this.page.length - 1]![0];
    }
    return this.page[this.index++];
  }
}
