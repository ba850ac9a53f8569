import type { OpenBatch } from '../clearing/clearing-state';
import {
  bilateralRows,
  positionRows,
  sumOfNets,
  type BilateralPosition,
  type CoopPosition,
} from '../clearing/positions';
import { minorOf, moneyJson, type MoneyJson } from '../shared/money';
import type { BatchLifecycle, CoopSettlement } from './batch.decider';
import type { BatchStatus, Instruction, Reservation } from './batch-events';

/** A settlement batch as the API shows it. */
export interface BatchView {
  batchId: string;
  parentCoopId: string;
  model: BatchLifecycle['batch']['model'];
  currency: string;
  windowStart: string;
  windowEnd: string;
  status: BatchStatus;
  transferCount: number;
  total: MoneyJson;
  closedAt: string | null;
  instructions: Instruction[];
  reservations: Reservation[];
  settlements: CoopSettlement[];
  dispute: BatchLifecycle['dispute'];
  timestamps: Partial<Record<BatchStatus, string>>;
}

export interface PositionsView {
  batchId: string;
  status: BatchStatus;
  currency: string;
  positions: CoopPosition[];
  bilateral: BilateralPosition[];
  /** Always zero: what one coop pays, others receive. */
  sumOfNets: MoneyJson;
}

export function openBatchView(batch: OpenBatch): BatchView {
  const { ref, positions } = batch;
  return {
    ...ref,
    status: 'open',
    transferCount: positions.transferCount,
    total: moneyJson(positions.totalMinor, ref.currency),
    closedAt: null,
    instructions: [],
    reservations: [],
    settlements: [],
    dispute: null,
    timestamps: {},
  };
}

export function closedBatchView(lifecycle: BatchLifecycle): BatchView {
  const {
    batch,
    status,
    transferCount,
    total,
    closedAt,
    instructions,
    reservations,
    settlements,
    dispute,
    timestamps,
  } = lifecycle;
  return {
    ...batch,
    status,
    transferCount,
    total,
    closedAt,
    instructions,
    reservations,
    settlements,
    dispute,
    timestamps,
  };
}

export function openPositionsView(batch: OpenBatch): PositionsView {
  const { ref, positions } = batch;
  return {
    batchId: ref.batchId,
    status: 'open',
    currency: ref.currency,
    positions: positionRows(positions, ref.currency),
    bilateral: bilateralRows(positions, ref.currency),
    sumOfNets: moneyJson(sumOfNets(positions), ref.currency),
  };
}

export function closedPositionsView(lifecycle: BatchLifecycle): PositionsView {
  const { batch, positions, bilateral, status } = lifecycle;
  const sum = positions.reduce((total, p) => total + minorOf(p.net), 0n);
  return {
    batchId: batch.batchId,
    status,
    currency: batch.currency,
    positions,
    bilateral,
    sumOfNets: moneyJson(sum, batch.currency),
  };
}
