import type { DomainEvent } from '@kopfed/domain';
import type { MoneyJson } from '../shared/money';

/**
 * How a settlement batch settles (BRIEF §6): deferred multilateral net by default — each coop
 * pays or receives its net with the parent; bilateral net — each pair of coops settles its
 * net through the parent; gross — each coop pays its debits and receives its credits.
 */
export const SETTLEMENT_MODELS = ['multilateral_net', 'bilateral_net', 'gross'] as const;
export type SettlementModel = (typeof SETTLEMENT_MODELS)[number];

/** An inter-coop transfer as its first event records it: every field the client chose. */
export interface TransferRecord {
  transferId: string;
  parentCoopId: string;
  fromCoopId: string;
  toCoopId: string;
  amount: MoneyJson;
  pending: boolean;
  /** Seconds a pending transfer stays reserved; null: it waits until posted or voided. */
  timeoutSeconds: number | null;
  expiresAt: string | null;
  model: SettlementModel;
  reference: string | null;
  memo: string | null;
  groupId: string | null;
  createdAt: string;
}

/** The batch a posted transfer falls into: (parent, model, currency, time window). */
export interface BatchRef {
  batchId: string;
  parentCoopId: string;
  model: SettlementModel;
  currency: string;
  windowStart: string;
  windowEnd: string;
}

export type TransferReserved = DomainEvent<'TransferReserved', { transfer: TransferRecord }>;
export type TransferPosted = DomainEvent<
  'TransferPosted',
  {
    transfer: TransferRecord;
    /** What was posted: the whole amount, or less when a pending transfer is partly posted. */
    posted: MoneyJson;
    batch: BatchRef;
    postedAt: string;
  }
>;
export type TransferVoided = DomainEvent<
  'TransferVoided',
  { transfer: TransferRecord; reason: 'voided' | 'expired'; voidedAt: string }
>;
export interface GroupLeg {
  transfer: TransferRecord;
  /** The batch of a leg posted at once; null for a pending leg. */
  batch: BatchRef | null;
}
export type TransferGroupSubmitted = DomainEvent<
  'TransferGroupSubmitted',
  { groupId: string; parentCoopId: string; legs: GroupLeg[]; submittedAt: string }
>;

export type TransferEvent = TransferReserved | TransferPosted | TransferVoided;

export interface CoopLimits {
  netDebitCap: MoneyJson;
  /** An alarm fires when the position passes this share of the cap (8000 = 80%). */
  alarmAtBasisPoints: number;
  /** A net debit above the cover at settlement becomes a liquidity loan from the parent. */
  autoLiquidityLoan: boolean;
}

export type CoopLimitsSet = DomainEvent<
  'CoopLimitsSet',
  { coopId: string; limits: CoopLimits; setAt: string }
>;
export type CoverSource = { kind: 'manual' } | { kind: 'savings'; eventId: string };
export type LiquidityCoverChanged = DomainEvent<
  'LiquidityCoverChanged',
  { coopId: string; change: MoneyJson; cover: MoneyJson; source: CoverSource; changedAt: string }
>;
export type NetDebitAlarmRaised = DomainEvent<
  'NetDebitAlarmRaised',
  {
    coopId: string;
    parentCoopId: string;
    position: MoneyJson;
    netDebitCap: MoneyJson;
    alarmAtBasisPoints: number;
    raisedAt: string;
  }
>;
export type NetDebitAlarmCleared = DomainEvent<
  'NetDebitAlarmCleared',
  { coopId: string; currency: string; position: MoneyJson; clearedAt: string }
>;
export type LimitsEvent =
  CoopLimitsSet | LiquidityCoverChanged | NetDebitAlarmRaised | NetDebitAlarmCleared;

export interface ClearingConfig {
  /** Length of a batch's time window; windows start at midnight Asia/Jakarta. */
  windowMinutes: number;
  defaultModel: SettlementModel;
  /** Savings products at the parent that count as a member coop's cover; null: every one. */
  coverProducts: string[] | null;
}
export type ClearingConfigured = DomainEvent<
  'ClearingConfigured',
  { parentCoopId: string; config: ClearingConfig; configuredAt: string }
>;

export const DEFAULT_CLEARING_CONFIG: ClearingConfig = {
  windowMinutes: 24 * 60,
  defaultModel: 'multilateral_net',
  coverProducts: null,
};

/** Stream categories the clearing engine folds into its state. */
export const CLEARING_CATEGORIES = [
  'transfer',
  'transfergroup',
  'batch',
  'limits',
  'clearingconfig',
] as const;

export const transferStream = (transferId: string): string => `transfer-${transferId}`;
export const groupStream = (groupId: string): string => `transfergroup-${groupId}`;
export const batchStream = (batchId: string): string => `batch-${batchId}`;
export const limitsStream = (coopId: string): string => `limits-${coopId}`;
export const configStream = (parentCoopId: string): string => `clearingconfig-${parentCoopId}`;
