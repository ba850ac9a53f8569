import type { DomainEvent } from '@kopfed/domain';
import type { BatchRef } from '../clearing/model';
import type { BilateralPosition, CoopPosition } from '../clearing/positions';
import type { MoneyJson } from '../shared/money';

/**
 * Lifecycle of a settlement batch after it closes (BRIEF §6):
 *   closed → settlement_recorded → reserved → committed → settling (some coops settled,
 *   partial settlement) → settled; abort goes back to closed before commit; a dispute holds
 *   the batch until it is resolved.
 */
export const BATCH_STATUSES = [
  'open',
  'closed',
  'settlement_recorded',
  'reserved',
  'committed',
  'settling',
  'settled',
  'disputed',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export type ClosedStatus = Exclude<BatchStatus, 'open'>;

/** What one coop pays to or receives from the parent to settle the batch. */
export interface Instruction {
  coopId: string;
  direction: 'pay' | 'receive';
  amount: MoneyJson;
  /** The other coop of a bilateral net; null for multilateral and gross settlement. */
  counterpartyCoopId: string | null;
  /** Quoted in the bank transfer, so the statement line can be matched to it. */
  reference: string;
}

export interface Reservation {
  coopId: string;
  amount: MoneyJson;
  cover: MoneyJson;
  /** What the cover lacks; financed by a liquidity loan when the coop opted in. */
  shortfall: MoneyJson;
}

export type BatchClosed = DomainEvent<
  'BatchClosed',
  {
    batch: BatchRef;
    positions: CoopPosition[];
    bilateral: BilateralPosition[];
    transferCount: number;
    total: MoneyJson;
    closedAt: string;
  }
>;
export type SettlementRecorded = DomainEvent<
  'SettlementRecorded',
  { batchId: string; instructions: Instruction[]; recordedAt: string }
>;
export type SettlementReserved = DomainEvent<
  'SettlementReserved',
  { batchId: string; reservations: Reservation[]; reservedAt: string }
>;
export type SettlementCommitted = DomainEvent<
  'SettlementCommitted',
  { batchId: string; committedAt: string }
>;
export type LiquidityLoanRequested = DomainEvent<
  'LiquidityLoanRequested',
  {
    batchId: string;
    coopId: string;
    parentCoopId: string;
    shortfall: MoneyJson;
    requestedAt: string;
  }
>;
export type CoopSettlementConfirmed = DomainEvent<
  'CoopSettlementConfirmed',
  {
    batchId: string;
    parentCoopId: string;
    coopId: string;
    bankReference: string;
    settledOn: string;
    instructions: Instruction[];
    /** True when this coop was the last of the batch to settle. */
    lastToSettle: boolean;
    confirmedAt: string;
  }
>;
export type BatchSettled = DomainEvent<'BatchSettled', { batchId: string; settledAt: string }>;
export type SettlementAborted = DomainEvent<
  'SettlementAborted',
  { batchId: string; reason: string; abortedAt: string }
>;
export type BatchDisputed = DomainEvent<
  'BatchDisputed',
  {
    batchId: string;
    coopId: string;
    reason: string;
    previousStatus: ClosedStatus;
    disputedAt: string;
  }
>;
export type DisputeResolved = DomainEvent<
  'DisputeResolved',
  { batchId: string; resolution: string; status: ClosedStatus; resolvedAt: string }
>;

export type BatchEvent =
  | BatchClosed
  | SettlementRecorded
  | SettlementReserved
  | SettlementCommitted
  | LiquidityLoanRequested
  | CoopSettlementConfirmed
  | BatchSettled
  | SettlementAborted
  | BatchDisputed
  | DisputeResolved;

export interface CoopLiquidity {
  coverMinor: bigint;
  autoLiquidityLoan: boolean;
}

export type BatchCommand =
  | {
      type: 'CloseBatch';
      batch: BatchRef;
      positions: CoopPosition[];
      bilateral: BilateralPosition[];
      transferCount: number;
      total: MoneyJson;
      now: string;
    }
  | { type: 'RecordSettlement'; now: string }
  | { type: 'ReserveSettlement'; liquidity: ReadonlyMap<string, CoopLiquidity>; now: string }
  | { type: 'CommitSettlement'; now: string }
  | {
      type: 'ConfirmCoopSettlement';
      coopId: string;
      bankReference: string;
      settledOn: string;
      now: string;
    }
  | { type: 'AbortSettlement'; reason: string; now: string }
  | { type: 'DisputeBatch'; coopId: string; reason: string; now: string }
  | { type: 'ResolveDispute'; resolution: string; now: string };
