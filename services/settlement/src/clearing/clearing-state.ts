import { invariant, unreachable } from '@kopfed/domain';
import { evolveBatch, type BatchLifecycle } from '../batches/batch.decider';
import type { BatchEvent } from '../batches/batch-events';
import { signedTotal } from '../batches/settlement-instructions';
import { minorOf } from '../shared/money';
import { batchKeyOf } from './batch-window';
import {
  DEFAULT_CLEARING_CONFIG,
  type BatchRef,
  type ClearingConfig,
  type ClearingConfigured,
  type LimitsEvent,
  type TransferEvent,
  type TransferGroupSubmitted,
  type TransferRecord,
} from './model';
import { addTransfer, emptyPositions, sumOfNets, type BatchPositions } from './positions';

export interface ParsedLimits {
  capMinor: bigint;
  alarmAtBasisPoints: number;
  autoLiquidityLoan: boolean;
}

export interface Alarm {
  positionMinor: bigint;
  capMinor: bigint;
  raisedAt: string;
}

/** One member coop at its parent's clearing, per currency. */
export interface CoopClearing {
  limits: Map<string, ParsedLimits>;
  coverMinor: Map<string, bigint>;
  /** Σ (debits − credits) of its posted transfers in batches it has not settled yet. */
  netDebitMinor: Map<string, bigint>;
  /** Reserved by its pending transfers. */
  pendingDebitMinor: Map<string, bigint>;
  alarms: Map<string, Alarm>;
  /** Revision of `limits-<coopId>`; undefined while it has no events. */
  limitsRevision: number | undefined;
}

export interface OpenBatch {
  status: 'open';
  ref: BatchRef;
  key: string;
  positions: BatchPositions;
}

export interface ClosedBatch {
  status: 'closed';
  lifecycle: BatchLifecycle;
  revision: number;
}

export interface PendingTransfer {
  record: TransferRecord;
  /** Revision of `transfer-<id>`; undefined for a group leg whose stream has no events yet. */
  revision: number | undefined;
}

/**
 * The clearing house: every open and unsettled batch, every pending transfer, every coop's
 * limits and exposure. Its size is bounded by coops, open batches and pending transfers —
 * not by the transfers ever made. It is mutated in place by `applyClearingEvent` (folding
 * millions of transfers cannot copy maps per event); deciders only read it.
 */
export interface ClearingState {
  coops: Map<string, CoopClearing>;
  batches: Map<string, OpenBatch | ClosedBatch>;
  openBatchByKey: Map<string, string>;
  /** Batches opened per key so far, for a window whose batch was closed before it ended. */
  generations: Map<string, number>;
  pending: Map<string, PendingTransfer>;
  configs: Map<string, { config: ClearingConfig; revision: number }>;
}

export type ClearingEvent =
  TransferEvent | TransferGroupSubmitted | BatchEvent | LimitsEvent | ClearingConfigured;

export const initialClearingState = (): ClearingState => ({
  coops: new Map(),
  batches: new Map(),
  openBatchByKey: new Map(),
  generations: new Map(),
  pending: new Map(),
  configs: new Map(),
});

export function coopOf(state: ClearingState, coopId: string): CoopClearing {
  let coop = state.coops.get(coopId);
  if (!coop) {
    coop = {
      limits: new Map(),
      coverMinor: new Map(),
      netDebitMinor: new Map(),
      pendingDebitMinor: new Map(),
      alarms: new Map(),
      limitsRevision: undefined,
    };
    state.coops.set(coopId, coop);
  }
  return coop;
}

function add(map: Map<string, bigint>, key: string, delta: bigint): void {
  const value = (map.get(key) ?? 0n) + delta;
  if (value === 0n) map.delete(key);
  else map.set(key, value);
}

export function configOf(state: ClearingState, parentCoopId: string): ClearingConfig {
  return state.configs.get(parentCoopId)?.config ?? DEFAULT_CLEARING_CONFIG;
}

function reserve(state: ClearingState, record: TransferRecord, revision: number | undefined): void {
  state.pending.set(record.transferId, { record, revision });
  add(
    coopOf(state, record.fromCoopId).pendingDebitMinor,
    record.amount.currency,
    minorOf(record.amount),
  );
}

function release(state: ClearingState, record: TransferRecord): void {
  invariant(
    state.pending.delete(record.transferId),
    `transfer ${record.transferId} was not pending`,
  );
  add(
    coopOf(state, record.fromCoopId).pendingDebitMinor,
    record.amount.currency,
    -minorOf(record.amount),
  );
}

function post(
  state: ClearingState,
  record: TransferRecord,
  postedMinor: bigint,
  ref: BatchRef,
): void {
  let batch = state.batches.get(ref.batchId);
  if (!batch) {
    const key = batchKeyOf(ref);
    batch = { status: 'open', ref, key, positions: emptyPositions() };
    state.batches.set(ref.batchId, batch);
    state.openBatchByKey.set(key, ref.batchId);
    state.generations.set(key, (state.generations.get(key) ?? 0) + 1);
  }
  // The message is built only when the invariant fails: this runs for every leg.
  if (batch.status !== 'open')
    invariant(false, `transfer ${record.transferId} posted into closed batch ${ref.batchId}`);
  addTransfer(batch.positions, {
    fromCoopId: record.fromCoopId,
    toCoopId: record.toCoopId,
    amountMinor: postedMinor,
  });
  add(coopOf(state, record.fromCoopId).netDebitMinor, ref.currency, postedMinor);
  add(coopOf(state, record.toCoopId).netDebitMinor, ref.currency, -postedMinor);
}

function applyTransferEvent(
  state: ClearingState,
  event: TransferEvent | TransferGroupSubmitted,
  revision: number,
): void {
  switch (event.type) {
    case 'TransferReserved':
      return reserve(state, event.data.transfer, revision);
    case 'TransferPosted': {
      const { transfer, posted, batch } = event.data;
      if (transfer.pending) release(state, transfer);
      return post(state, transfer, minorOf(posted), batch);
    }
    case 'TransferVoided':
      return release(state, event.data.transfer);
    case 'TransferGroupSubmitted':
      for (const leg of event.data.legs) {
        if (leg.batch) post(state, leg.transfer, minorOf(leg.transfer.amount), leg.batch);
        else reserve(state, leg.transfer, undefined);
      }
      return;
    default:
      return unreachable(event, 'transfer event');
  }
}

function applyBatchEvent(state: ClearingState, event: BatchEvent, revision: number): void {
  const batchId = event.type === 'BatchClosed' ? event.data.batch.batchId : event.data.batchId;
  const current = state.batches.get(batchId);
  if (event.type === 'BatchClosed') {
    invariant(current?.status === 'open', `batch ${batchId} closed while not open`);
    // Every transfer has a payer and a payee: a batch whose nets do not cancel is corrupt.
    invariant(sumOfNets(current.positions) === 0n, `batch ${batchId} nets do not sum to zero`);
    state.openBatchByKey.delete(current.key);
    // A window that has ended takes no more transfers: its generation count is not needed.
    if (event.data.closedAt >= current.ref.windowEnd) state.generations.delete(current.key);
  } else {
    invariant(current?.status === 'closed', `batch ${batchId} has no closed state`);
  }
  const lifecycle = evolveBatch(current.status === 'closed' ? current.lifecycle : null, event);
  invariant(lifecycle !== null, `batch ${batchId} has no lifecycle`);
  if (event.type === 'CoopSettlementConfirmed') {
    // The coop has paid or received its net: its transfers in this batch no longer count.
    const coop = coopOf(state, event.data.coopId);
    add(coop.netDebitMinor, lifecycle.batch.currency, signedTotal(event.data.instructions));
  }
  if (event.type === 'BatchSettled') state.batches.delete(batchId);
  else state.batches.set(batchId, { status: 'closed', lifecycle, revision });
}

function applyLimitsEvent(state: ClearingState, event: LimitsEvent, revision: number): void {
  const coop = coopOf(state, event.data.coopId);
  coop.limitsRevision = revision;
  switch (event.type) {
    case 'CoopLimitsSet': {
      const { netDebitCap, alarmAtBasisPoints, autoLiquidityLoan } = event.data.limits;
      coop.limits.set(netDebitCap.currency, {
        capMinor: minorOf(netDebitCap),
        alarmAtBasisPoints,
        autoLiquidityLoan,
      });
      return;
    }
    case 'LiquidityCoverChanged':
      coop.coverMinor.set(event.data.cover.currency, minorOf(event.data.cover));
      return;
    case 'NetDebitAlarmRaised': {
      const { position, netDebitCap, raisedAt } = event.data;
      coop.alarms.set(position.currency, {
        positionMinor: minorOf(position),
        capMinor: minorOf(netDebitCap),
        raisedAt,
      });
      return;
    }
    case 'NetDebitAlarmCleared':
      coop.alarms.delete(event.data.currency);
      return;
    default:
      return unreachable(event, 'limits event');
  }
}

/** Folds one recorded event of the clearing categories into the state, in place. */
export function applyClearingEvent(
  state: ClearingState,
  event: ClearingEvent,
  revision: number,
): void {
  switch (event.type) {
    case 'TransferReserved':
    case 'TransferPosted':
    case 'TransferVoided':
    case 'TransferGroupSubmitted':
      return applyTransferEvent(state, event, revision);
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
      return applyBatchEvent(state, event, revision);
    case 'CoopLimitsSet':
    case 'LiquidityCoverChanged':
    case 'NetDebitAlarmRaised':
    case 'NetDebitAlarmCleared':
      return applyLimitsEvent(state, event, revision);
    case 'ClearingConfigured':
      state.configs.set(event.data.parentCoopId, { config: event.data.config, revision });
      return;
    default:
      return unreachable(event, 'clearing event');
  }
}
