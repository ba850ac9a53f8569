export * from './vocabulary';
export * from './inter-coop-transfer-posted';
export * from './inter-coop-transfer-voided';
export * from './inter-coop-transfer-group-submitted';
export * from './settlement-batch-closed';
export * from './coop-settlement-confirmed';
export * from './net-debit-alarm-raised';
export * from './liquidity-loan-requested';
export * from './shu-distributed';

import { CoopSettlementConfirmed } from './coop-settlement-confirmed';
import { InterCoopTransferGroupSubmitted } from './inter-coop-transfer-group-submitted';
import { InterCoopTransferPosted } from './inter-coop-transfer-posted';
import { InterCoopTransferVoided } from './inter-coop-transfer-voided';
import { LiquidityLoanRequested } from './liquidity-loan-requested';
import { NetDebitAlarmRaised } from './net-debit-alarm-raised';
import { SettlementBatchClosed } from './settlement-batch-closed';
import { ShuDistributed } from './shu-distributed';

/**
 * The settlement service's integration events: one file per event (see ../member for the pattern),
 * each listed here. The catalog takes them from this list.
 */
export const SETTLEMENT_EVENTS = [
  InterCoopTransferPosted,
  InterCoopTransferVoided,
  InterCoopTransferGroupSubmitted,
  SettlementBatchClosed,
  CoopSettlementConfirmed,
  NetDebitAlarmRaised,
  LiquidityLoanRequested,
  ShuDistributed,
] as const;
