import { v7 as uuidv7 } from 'uuid';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { invariant } from '@kopfed/domain';
import {
  idempotentEventId,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
} from '@kopfed/eventstore';
import { HttpProblem } from '@kopfed/service-kit';
import { KeyedLock } from '../../shared/keyed-lock';
import { settledWithin } from '../../shared/periodic-task';
import {
  applyClearingEvent,
  initialClearingState,
  type ClearingEvent,
  type ClearingState,
} from '../clearing-state';
import { CLEARING_CATEGORIES } from '../model';
import type { DecisionContext } from '../transfer.decider';
import { ClearingTables } from './clearing-tables';
import { InFlight } from './in-flight';

export interface ClearingCoreOptions {
  store: EventStore;
  /** Where the snapshot and the group-leg index live (the read-model database). */
  db: Database.Database;
  logger: Logger;
  /** A snapshot is written once this many clearing events were applied since the last. */
  snapshotEvery?: number;
  /**
   * Or once this many transfer ids were noted since the last (group legs and transfer
   * streams): a group event notes up to 1,000, so counting events alone does not bound them.
   */
  notedIdsLimit?: number;
  /** One engine writes at a time: it holds this lease (ms) and renews it. */
  leaseTtlMs?: number;
}

const PAGE = 5_000;
const LEASE = 'settlement:clearing-engine';
const DEFAULT_LEASE_TTL_MS = 15_000;
/**
 * About 100 MB of transfer ids noted in memory since the last snapshot, live or while
 * restoring: a snapshot then writes them out to the index tables. (A Map holds at most 2^24
 * entries; 20,000 group events of 1,000 legs would have gone past it.)
 */
const NOTED_IDS_LIMIT = 1_000_000;

/**
 * The clearing house in memory, kept in step with the log (one writer, holding a lease).
 * A decision reads the state plus what is in flight; its events are applied to the state
 * only once the store has them, so the state is always a fold of durable events — the same
 * fold a restart does from the snapshot onwards.
 */
export class ClearingCore {
  state: ClearingState = initialClearingState();
  readonly inFlight = new InFlight();
  readonly lock = new KeyedLock();
  readonly tables: ClearingTables;
  /** Group legs applied since the last snapshot: the index does not have them yet. */
  readonly recentLegs = new Map<string, string>();
  /** Transfers whose own stream got events since the last snapshot: likewise. */
  readonly recentStreams = new Set<string>();
  /** Called with every event folded into the state, live or on restore (read models). */
  readonly onApplied: ((event: ClearingEvent) => void)[] = [];
  private appliedThrough = 0;
  private sinceSnapshot = 0;
  private appending = 0;
  /** Appends held back until those in flight end, so that a due snapshot can be written. */
  private readonly held: (() => void)[] = [];
  private writable = false;
  /**
   * Until when (performance.now()) the lease is surely ours: the TTL counted from when the
   * last granted acquire was sent. A renewal that never answers (a remote store with no
   * deadline) cannot keep the engine writing past it while another engine takes the lease.
   */
  private leaseUntil = 0;
  private lapseLogged = false;
  private closed = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private renewal: Promise<void> | undefined;
  readonly owner = `clearing-${uuidv7()}`;

  constructor(private readonly options: ClearingCoreOptions) {
    this.tables = new ClearingTables(options.db);
  }

  get store(): EventStore {
    return this.options.store;
  }

  context(): DecisionContext {
    return {
      state: this.state,
      inFlight: this.inFlight.debits,
      inFlightPosts: this.inFlight.posts,
      closing: this.inFlight.closing,
    };
  }

  /** Takes the lease (waiting up to `waitMs` for another engine's to lapse), then restores. */
  async open(waitMs = 60_000): Promise<void> {
    const ttl = this.options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const sent = performance.now();
      if (await this.store.leases.acquire(LEASE, this.owner, ttl)) {
        this.leaseUntil = sent + ttl;
        break;
      }
      if (Date.now() > deadline) throw new Error('another clearing engine holds the lease');
      await new Promise((resolve) => setTimeout(resolve, Math.min(ttl / 3, 1_000)));
    }
    this.writable = true;
    // One renewal at a time: a slow one still in flight skips the tick, so closing has only
    // that one to wait for before it gives the lease up.
    this.leaseTimer = setInterval(() => {
      if (this.renewal) return;
      const renewal = this.renew(ttl).finally(() => {
        if (this.renewal === renewal) this.renewal = undefined;
      });
      this.renewal = renewal;
    }, ttl / 3);
    this.leaseTimer.unref();
    await this.restore();
  }

  private async renew(ttl: number): Promise<void> {
    const sent = performance.now();
    const held = await this.store.leases.acquire(LEASE, this.owner, ttl).catch(() => false);
    if (this.closed) {
      // Landed after close gave the lease up (a write slower than the wait): give it up again.
      if (held) await this.store.leases.release(LEASE, this.owner).catch(() => undefined);
      return;
    }
    if (!held && this.writable)
      this.options.logger.error('clearing engine lost its lease; refusing writes');
    this.writable = held;
    if (held) {
      this.leaseUntil = sent + ttl;
      this.lapseLogged = false;
    }
  }

  /**
   * Holds the lease, and surely still: while a renewal is unanswered, writes stop a fifth of
   * the TTL before the lease could lapse, until one answers (renewals run every third of it,
   * so a healthy store never gets there). Without a renewal in flight the lease lapses only if
   * the event loop stalls for longer than the TTL, and that refuses no write here.
   */
  private get writer(): boolean {
    if (!this.writable) return false;
    const ttl = this.options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    if (!this.renewal || performance.now() < this.leaseUntil - ttl / 5) return true;
    if (!this.lapseLogged)
      this.options.logger.error(
        'clearing engine lease renewals are not answering; refusing writes until one does',
      );
    this.lapseLogged = true;
    return false;
  }

  /** Loads the snapshot and folds every clearing event recorded after it. */
  async restore(): Promise<void> {
    const snapshot = this.tables.load();
    this.state = snapshot?.state ?? initialClearingState();
    this.appliedThrough = snapshot?.position ?? 0;
    this.recentLegs.clear();
    this.recentStreams.clear();
    for (let after = this.appliedThrough; ;) {
      const page = await this.store.readAll({
        after,
        categories: CLEARING_CATEGORIES,
        maxCount: PAGE,
      });
      for (const event of page) this.applyRecorded(event);
      // Folding a long log (a rebuild, or the first start after an upgrade) snapshots as it
      // goes once it has noted many ids, so that what it holds in memory stays bounded.
      if (this.notedIds() >= this.notedIdsLimit()) this.maybeSnapshot(true);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.position;
    }
  }

  private applyRecorded(event: RecordedEvent): void {
    const clearingEvent = { type: event.type, data: event.data } as ClearingEvent;
    applyClearingEvent(this.state, clearingEvent, event.revision);
    this.noteIds(clearingEvent);
    for (const listener of this.onApplied) listener(clearingEvent);
    this.appliedThrough = Math.max(this.appliedThrough, event.position);
    this.sinceSnapshot++;
  }

  /** Notes the transfer ids an event takes: a group's legs, or the transfer whose stream it is in. */
  private noteIds(event: ClearingEvent): void {
    switch (event.type) {
      case 'TransferGroupSubmitted':
        for (const leg of event.data.legs)
          this.recentLegs.set(leg.transfer.transferId, event.data.groupId);
        return;
      case 'TransferReserved':
      case 'TransferPosted':
      case 'TransferVoided':
        this.recentStreams.add(event.data.transfer.transferId);
        return;
      default:
        return;
    }
  }

  /** The group a transfer id was created in, if it was a leg of one. */
  groupOfLeg(transferId: string): string | undefined {
    return this.recentLegs.get(transferId) ?? this.tables.groupOfLeg(transferId);
  }

  /**
   * The ids among `transferIds` already taken: by a leg of a group, or by a transfer whose own
   * stream has events (as the store has them). Those noted since the snapshot in memory, the
   * rest in one query.
   */
  takenIds(transferIds: readonly string[]): Set<string> {
    const taken = new Set<string>();
    const unseen: string[] = [];
    for (const id of transferIds) {
      if (this.recentLegs.has(id) || this.recentStreams.has(id)) taken.add(id);
      else unseen.push(id);
    }
    if (unseen.length > 0) for (const id of this.tables.takenIds(unseen)) taken.add(id);
    return taken;
  }

  /**
   * Appends decided events and folds them into the state once durable. `idempotencyKey`
   * derives the event ids (a redelivered message appends nothing new).
   */
  async append(
    stream: string,
    events: readonly ClearingEvent[],
    expectedRevision: number | undefined,
    metadata: EventMetadata,
    idempotencyKey?: string,
  ): Promise<number> {
    invariant(events.length > 0, 'nothing to append');
    // A snapshot is written only between appends (see maybeSnapshot). Where appends keep
    // overlapping (concurrent writes to a remote store), one that is due would never come and
    // the noted ids would grow without end: new appends wait for those in flight to end.
    while (this.appending > 0 && this.snapshotDue())
      await new Promise<void>((resolve) => this.held.push(resolve));
    if (!this.writer)
      throw new HttpProblem(
        'unavailable',
        'The clearing engine is not the active writer; retry shortly.',
        { headers: { 'Retry-After': '5' } },
      );
    this.appending++;
    try {
      const result = await this.store.append(
        stream,
        events.map((event, index) => ({
          id:
            idempotencyKey === undefined
              ? uuidv7()
              : idempotentEventId(stream, idempotencyKey, index),
          type: event.type,
          schemaVersion: 1,
          data: event.data,
          metadata,
        })),
        { expectedRevision: expectedRevision ?? 'no_stream' },
      );
      const first = result.nextExpectedRevision - events.length + 1;
      events.forEach((event, index) => {
        applyClearingEvent(this.state, event, first + index);
        this.noteIds(event);
        for (const listener of this.onApplied) listener(event);
      });
      this.appliedThrough = Math.max(this.appliedThrough, result.position);
      this.sinceSnapshot += events.length;
      return result.nextExpectedRevision;
    } finally {
      this.appending--;
      try {
        this.maybeSnapshot();
      } finally {
        if (this.appending === 0) for (const resume of this.held.splice(0)) resume();
      }
    }
  }

  private notedIds(): number {
    return this.recentLegs.size + this.recentStreams.size;
  }

  private notedIdsLimit(): number {
    return this.options.notedIdsLimit ?? NOTED_IDS_LIMIT;
  }

  private snapshotDue(): boolean {
    return (
      this.sinceSnapshot >= (this.options.snapshotEvery ?? 20_000) ||
      this.notedIds() >= this.notedIdsLimit()
    );
  }

  private maybeSnapshot(force = false): void {
    if (this.appending > 0 || this.sinceSnapshot === 0) return;
    if (!force && !this.snapshotDue()) return;
    this.tables.save(this.appliedThrough, this.state, {
      legs: this.recentLegs,
      streams: this.recentStreams,
    });
    this.recentLegs.clear();
    this.recentStreams.clear();
    this.sinceSnapshot = 0;
  }

  /** Writes a snapshot now if nothing is being appended (close, tests). */
  snapshot(): void {
    this.maybeSnapshot(true);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.leaseTimer);
    // A renewal under way would take the lease back after the release below, and a restarted
    // engine would wait out its TTL. One that has not ended within the TTL is left behind.
    if (this.renewal)
      await settledWithin(this.renewal, this.options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS);
    this.snapshot();
    const held = this.writable;
    this.writable = false;
    if (held) await this.store.leases.release(LEASE, this.owner).catch(() => undefined);
  }
}
