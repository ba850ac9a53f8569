import { conflict, invariant, notFound } from '@kopfed/domain';
import type { EventMetadata } from '@kopfed/eventstore';
import type { ClearingEvent, ClosedBatch } from '../clearing/clearing-state';
import type { ClearingCore } from '../clearing/engine/clearing-core';
import type { TransferService } from '../clearing/engine/transfer-service';
import { batchStream } from '../clearing/model';
import { bilateralRows, positionRows } from '../clearing/positions';
import { maxBigint, moneyJson } from '../shared/money';
import { batchDecider, coverHeldMinor, evolveBatch, type BatchLifecycle } from './batch.decider';
import type { BatchCommand, BatchEvent, CoopLiquidity } from './batch-events';
import { BatchTable } from './batch-table';
import {
  closedBatchView,
  closedPositionsView,
  openBatchView,
  openPositionsView,
  type BatchView,
  type PositionsView,
} from './batch-view';

type LifecycleCommand = Exclude<BatchCommand, { type: 'CloseBatch' }>;
const OPEN_CURSOR = 'open-';

/** Closing settlement batches and moving them through settlement (BRIEF §6). */
export class BatchService {
  readonly table: BatchTable;

  constructor(
    private readonly core: ClearingCore,
    private readonly transfers: TransferService,
    private readonly clock: () => Date,
  ) {
    this.table = new BatchTable(core.tables.database);
    core.onApplied.push((event) => this.record(event));
  }

  private record(event: ClearingEvent): void {
    if (!isBatchEvent(event)) return;
    const batchId = event.type === 'BatchClosed' ? event.data.batch.batchId : event.data.batchId;
    const live = this.core.state.batches.get(batchId);
    if (live?.status === 'closed') return this.table.save(live.lifecycle);
    const settled = evolveBatch(this.table.get(batchId) ?? null, event);
    if (settled) this.table.save(settled);
  }

  /**
   * Closes an open batch: it takes no more transfers, waits for those on their way in, and
   * records the positions it kept as it filled — its cost does not grow with its transfers.
   */
  async close(batchId: string, metadata: EventMetadata): Promise<BatchView> {
    return this.core.lock.run([`b:${batchId}`], async () => {
      const batch = this.core.state.batches.get(batchId);
      if (batch?.status !== 'open') throw this.notOpen(batchId);
      this.core.inFlight.closing.add(batchId);
      try {
        await this.core.inFlight.drain(batchId);
        const { ref, positions } = batch;
        const events = batchDecider.decide(
          {
            type: 'CloseBatch',
            batch: ref,
            positions: positionRows(positions, ref.currency),
            bilateral: bilateralRows(positions, ref.currency),
            transferCount: positions.transferCount,
            total: moneyJson(positions.totalMinor, ref.currency),
            now: this.clock().toISOString(),
          },
          null,
        );
        await this.core.append(batchStream(batchId), events, undefined, metadata);
      } finally {
        this.core.inFlight.closing.delete(batchId);
      }
      return this.lifecycleView(this.closedOrSettled(batchId));
    });
  }

  private notOpen(batchId: string) {
    return this.view(batchId)
      ? conflict('batch-not-open', `Batch ${batchId} is already closed.`)
      : notFound('batch-not-found', `No settlement batch ${batchId}.`);
  }

  /**
   * Runs a lifecycle command on a closed batch. Lifecycle commands of the batches of one
   * parent and currency run one at a time: a reservation reads the cover the others hold.
   */
  async run(
    batchId: string,
    command: (now: string) => LifecycleCommand,
    metadata: EventMetadata,
  ): Promise<BatchView> {
    const live = this.core.state.batches.get(batchId);
    const ref = live?.status === 'open' ? live.ref : live?.lifecycle.batch;
    const keys = ref
      ? [`b:${batchId}`, `cover:${ref.parentCoopId}:${ref.currency}`]
      : [`b:${batchId}`];
    return this.core.lock.run(keys, async () => {
      const batch = this.core.state.batches.get(batchId);
      if (batch?.status !== 'closed') {
        if (batch?.status === 'open')
          throw conflict('batch-not-closed', `Batch ${batchId} is open; close it first.`);
        const settled = this.table.get(batchId);
        if (!settled) throw notFound('batch-not-found', `No settlement batch ${batchId}.`);
        const events = batchDecider.decide(command(this.clock().toISOString()), settled);
        invariant(events.length === 0, 'a settled batch takes no more events');
        return this.lifecycleView(settled);
      }
      const decided = command(this.clock().toISOString());
      const cmd =
        decided.type === 'ReserveSettlement'
          ? { ...decided, liquidity: this.liquidity(batch) }
          : decided;
      const events = batchDecider.decide(cmd, batch.lifecycle);
      if (events.length > 0)
        await this.core.append(batchStream(batchId), events, batch.revision, metadata);
      const confirmed = events.flatMap((e) =>
        e.type === 'CoopSettlementConfirmed' ? [e.data.coopId] : [],
      );
      await this.transfers.reviewAlarms(confirmed, metadata);
      return this.lifecycleView(this.closedOrSettled(batchId));
    });
  }

  /** Each coop's cover less what its reservations in the other unsettled batches hold. */
  private liquidity(batch: ClosedBatch): Map<string, CoopLiquidity> {
    const { batchId, currency } = batch.lifecycle.batch;
    const liquidity = new Map<string, CoopLiquidity>();
    for (const { coopId } of batch.lifecycle.instructions) {
      const coop = this.core.state.coops.get(coopId);
      const cover = coop?.coverMinor.get(currency) ?? 0n;
      liquidity.set(coopId, {
        coverMinor: maxBigint(cover - this.coverHeldElsewhere(coopId, currency, batchId), 0n),
        autoLiquidityLoan: coop?.limits.get(currency)?.autoLiquidityLoan ?? false,
      });
    }
    return liquidity;
  }

  /**
   * Derived from the unsettled batches of the clearing state (bounded by them), so it comes
   * back with them from a snapshot or a replay.
   */
  private coverHeldElsewhere(coopId: string, currency: string, batchId: string): bigint {
    let held = 0n;
    for (const other of this.core.state.batches.values()) {
      if (other.status !== 'closed') continue;
      const { batch } = other.lifecycle;
      if (batch.batchId === batchId || batch.currency !== currency) continue;
      held += coverHeldMinor(other.lifecycle, coopId);
    }
    return held;
  }

  private closedOrSettled(batchId: string): BatchLifecycle {
    const live = this.core.state.batches.get(batchId);
    if (live?.status === 'closed') return live.lifecycle;
    const row = this.table.get(batchId);
    invariant(row, `batch ${batchId} has no lifecycle`);
    return row;
  }

  private lifecycleView(lifecycle: BatchLifecycle): BatchView {
    return closedBatchView(lifecycle);
  }

  positions(batchId: string): PositionsView | undefined {
    const live = this.core.state.batches.get(batchId);
    if (live?.status === 'open') return openPositionsView(live);
    const lifecycle = live?.status === 'closed' ? live.lifecycle : this.table.get(batchId);
    return lifecycle ? closedPositionsView(lifecycle) : undefined;
  }

  /**
   * Open batches (from the clearing state) by batch id first, then closed ones by batch id,
   * at most `limit`. A cursor within the open batches is `open-<batchId>`; one within the
   * closed ones is the batch id itself (batch ids start with a capital, so never `open-`).
   */
  list(
    status: BatchView['status'] | undefined,
    cursor: string | undefined,
    limit: number,
  ): { items: BatchView[]; next: string | null } {
    const inOpen = cursor === undefined || cursor.startsWith(OPEN_CURSOR);
    const items: BatchView[] = [];
    if (inOpen && (status === undefined || status === 'open')) {
      const after = cursor?.slice(OPEN_CURSOR.length) ?? '';
      const open = [...this.core.state.batches.values()]
        .flatMap((b) => (b.status === 'open' ? [openBatchView(b)] : []))
        .filter((view) => view.batchId > after)
        .sort((a, b) => (a.batchId < b.batchId ? -1 : 1));
      items.push(...open.slice(0, limit));
      if (open.length > limit)
        return { items, next: OPEN_CURSOR + items[items.length - 1]!.batchId };
    }
    if (status === 'open') return { items, next: null };
    const room = limit - items.length;
    const rows = this.table.list(status, inOpen ? '' : cursor, room + 1);
    items.push(...rows.slice(0, room).map(closedBatchView));
    if (rows.length <= room) return { items, next: null };
    // The page is full of open batches and closed ones follow: go on from the last open one.
    const last = items[items.length - 1]!;
    return { items, next: room === 0 ? OPEN_CURSOR + last.batchId : last.batchId };
  }

  view(batchId: string): BatchView | undefined {
    const live = this.core.state.batches.get(batchId);
    if (live?.status === 'open') return openBatchView(live);
    const lifecycle = live?.status === 'closed' ? live.lifecycle : this.table.get(batchId);
    return lifecycle ? this.lifecycleView(lifecycle) : undefined;
  }
}

function isBatchEvent(event: ClearingEvent): event is BatchEvent {
  switch (event.type) {
    case 'BatchClosed':
    case 'SettlementRecorded':
    case 'SettlementReserved':
    case 'SettlementCommitted':
    case 'LiquidityLoanRequested':
    case 'CoopSettlementConfirmed':
    case 'BatchSettled':
    case 'SettlementAborted':
    case 'BatchDisputed':
    case 'DisputeResolved':
      return true;
    default:
      return false;
  }
}
