import { conflict, rejected, unreachable, type Decider } from '@kopfed/domain';
import type { BatchRef } from '../clearing/model';
import type { BilateralPosition, CoopPosition } from '../clearing/positions';
import { maxBigint, minorOf, moneyJson, type MoneyJson } from '../shared/money';
import type {
  BatchCommand,
  BatchEvent,
  ClosedStatus,
  Instruction,
  Reservation,
} from './batch-events';
import { settlementInstructions, signedTotal } from './settlement-instructions';

export interface CoopSettlement {
  coopId: string;
  bankReference: string;
  settledOn: string;
  confirmedAt: string;
}

/** A closed batch: what its close recorded and how far its settlement has gone. Plain JSON. */
export interface BatchLifecycle {
  batch: BatchRef;
  status: ClosedStatus;
  closedAt: string;
  positions: CoopPosition[];
  bilateral: BilateralPosition[];
  transferCount: number;
  total: MoneyJson;
  instructions: Instruction[];
  reservations: Reservation[];
  settlements: CoopSettlement[];
  dispute: {
    coopId: string;
    reason: string;
    previousStatus: ClosedStatus;
    disputedAt: string;
  } | null;
  timestamps: Partial<Record<ClosedStatus, string>>;
}

type Command<T extends BatchCommand['type']> = Extract<BatchCommand, { type: T }>;

function requireStatus(
  state: BatchLifecycle,
  allowed: readonly ClosedStatus[],
  action: string,
): void {
  if (!allowed.includes(state.status)) {
    throw conflict(
      'batch-status-invalid',
      `Batch ${state.batch.batchId} is ${state.status}; ${action} needs it ${allowed.join(' or ')}.`,
      { status: state.status, allowed },
    );
  }
}

function closeBatch(command: Command<'CloseBatch'>): BatchEvent[] {
  const { batch, positions, bilateral, transferCount, total, now } = command;
  return [
    {
      type: 'BatchClosed',
      data: { batch, positions, bilateral, transferCount, total, closedAt: now },
    },
  ];
}

function reserve(command: Command<'ReserveSettlement'>, state: BatchLifecycle): BatchEvent[] {
  requireStatus(state, ['settlement_recorded'], 'reserving');
  const { currency } = state.batch;
  const owed = new Map<string, bigint>();
  for (const i of state.instructions) {
    if (i.direction === 'pay') owed.set(i.coopId, (owed.get(i.coopId) ?? 0n) + minorOf(i.amount));
  }
  const reservations: Reservation[] = [...owed].map(([coopId, amountMinor]) => {
    const cover = command.liquidity.get(coopId)?.coverMinor ?? 0n;
    return {
      coopId,
      amount: moneyJson(amountMinor, currency),
      cover: moneyJson(cover, currency),
      shortfall: moneyJson(maxBigint(amountMinor - cover, 0n), currency),
    };
  });
  const uncovered = reservations.filter(
    (r) => minorOf(r.shortfall) > 0n && command.liquidity.get(r.coopId)?.autoLiquidityLoan !== true,
  );
  if (uncovered.length > 0) {
    throw rejected(
      'liquidity-cover-insufficient',
      `The liquidity cover of ${uncovered.map((r) => r.coopId).join(', ')} does not cover its net debit.`,
      undefined,
      { uncovered },
    );
  }
  return [
    {
      type: 'SettlementReserved',
      data: { batchId: state.batch.batchId, reservations, reservedAt: command.now },
    },
  ];
}

function commit(command: Command<'CommitSettlement'>, state: BatchLifecycle): BatchEvent[] {
  requireStatus(state, ['reserved'], 'committing');
  const { batchId, parentCoopId } = state.batch;
  const events: BatchEvent[] = [
    { type: 'SettlementCommitted', data: { batchId, committedAt: command.now } },
  ];
  for (const r of state.reservations) {
    if (minorOf(r.shortfall) === 0n) continue;
    events.push({
      type: 'LiquidityLoanRequested',
      data: {
        batchId,
        coopId: r.coopId,
        parentCoopId,
        shortfall: r.shortfall,
        requestedAt: command.now,
      },
    });
  }
  if (state.instructions.length === 0) {
    events.push({ type: 'BatchSettled', data: { batchId, settledAt: command.now } });
  }
  return events;
}

function confirm(command: Command<'ConfirmCoopSettlement'>, state: BatchLifecycle): BatchEvent[] {
  const done = state.settlements.find((s) => s.coopId === command.coopId);
  if (done) {
    if (done.bankReference === command.bankReference) return [];
    throw conflict(
      'coop-already-settled',
      `Coop ${command.coopId} settled with ${done.bankReference}.`,
      {
        bankReference: done.bankReference,
      },
    );
  }
  requireStatus(state, ['committed', 'settling'], 'confirming a coop’s settlement');
  const instructions = state.instructions.filter((i) => i.coopId === command.coopId);
  if (instructions.length === 0) {
    throw rejected(
      'coop-has-nothing-to-settle',
      `Coop ${command.coopId} has nothing to settle in this batch.`,
      '/coopId',
    );
  }
  assertParentFunded(state, command.coopId);
  const { batchId, parentCoopId } = state.batch;
  const owing = new Set(state.instructions.map((i) => i.coopId));
  const settled = new Set([...state.settlements.map((s) => s.coopId), command.coopId]);
  const lastToSettle = [...owing].every((coopId) => settled.has(coopId));
  const events: BatchEvent[] = [
    {
      type: 'CoopSettlementConfirmed',
      data: {
        batchId,
        parentCoopId,
        coopId: command.coopId,
        bankReference: command.bankReference,
        settledOn: command.settledOn,
        instructions,
        lastToSettle,
        confirmedAt: command.now,
      },
    },
  ];
  if (lastToSettle)
    events.push({ type: 'BatchSettled', data: { batchId, settledAt: command.now } });
  return events;
}

/**
 * The parent pays a coop out only from what the batch's payers have paid in: after each
 * confirmation, Σ paid in ≥ Σ paid out, so the parent never fronts a settlement.
 */
function assertParentFunded(state: BatchLifecycle, coopId: string): void {
  const settled = new Set([...state.settlements.map((s) => s.coopId), coopId]);
  const parentBalance = state.instructions
    .filter((i) => settled.has(i.coopId))
    .reduce((sum, i) => sum + (i.direction === 'pay' ? minorOf(i.amount) : -minorOf(i.amount)), 0n);
  if (parentBalance < 0n) {
    const payers = [
      ...new Set(
        state.instructions
          .filter((i) => i.direction === 'pay' && !settled.has(i.coopId))
          .map((i) => i.coopId),
      ),
    ];
    throw conflict(
      'settle-payers-first',
      `Confirm the paying coops first (${payers.join(', ')}): the parent pays out only what it has received.`,
      {
        payers,
      },
    );
  }
}

function dispute(command: Command<'DisputeBatch'>, state: BatchLifecycle): BatchEvent[] {
  requireStatus(
    state,
    ['closed', 'settlement_recorded', 'reserved', 'committed', 'settling'],
    'a dispute',
  );
  if (!state.positions.some((p) => p.coopId === command.coopId)) {
    throw rejected(
      'coop-not-in-batch',
      `Coop ${command.coopId} has no position in this batch.`,
      '/coopId',
    );
  }
  const { coopId, reason, now } = command;
  return [
    {
      type: 'BatchDisputed',
      data: {
        batchId: state.batch.batchId,
        coopId,
        reason,
        previousStatus: state.status,
        disputedAt: now,
      },
    },
  ];
}

function decideOnClosed(
  command: Exclude<BatchCommand, Command<'CloseBatch'>>,
  state: BatchLifecycle,
): BatchEvent[] {
  const { batchId } = state.batch;
  switch (command.type) {
    case 'RecordSettlement': {
      requireStatus(state, ['closed'], 'recording the settlement');
      const instructions = settlementInstructions(state.batch, state.positions, state.bilateral);
      return [
        { type: 'SettlementRecorded', data: { batchId, instructions, recordedAt: command.now } },
      ];
    }
    case 'ReserveSettlement':
      return reserve(command, state);
    case 'CommitSettlement':
      return commit(command, state);
    case 'ConfirmCoopSettlement':
      return confirm(command, state);
    case 'AbortSettlement':
      requireStatus(state, ['settlement_recorded', 'reserved'], 'an abort');
      return [
        {
          type: 'SettlementAborted',
          data: { batchId, reason: command.reason, abortedAt: command.now },
        },
      ];
    case 'DisputeBatch':
      return dispute(command, state);
    case 'ResolveDispute':
      if (state.status !== 'disputed' || state.dispute === null) {
        throw conflict('batch-not-disputed', `Batch ${batchId} is not disputed.`);
      }
      return [
        {
          type: 'DisputeResolved',
          data: {
            batchId,
            resolution: command.resolution,
            status: state.dispute.previousStatus,
            resolvedAt: command.now,
          },
        },
      ];
    default:
      return unreachable(command, 'batch command');
  }
}

export const batchDecider: Decider<BatchLifecycle | null, BatchCommand, BatchEvent> = {
  initialState: () => null,
  evolve: evolveBatch,
  decide(command, state) {
    if (command.type === 'CloseBatch') {
      if (state !== null)
        throw conflict('batch-already-closed', `Batch ${state.batch.batchId} is already closed.`);
      return closeBatch(command);
    }
    if (state === null) throw conflict('batch-not-closed', 'Close the batch first.');
    return decideOnClosed(command, state);
  },
};

export function evolveBatch(
  state: BatchLifecycle | null,
  event: BatchEvent,
): BatchLifecycle | null {
  if (event.type === 'BatchClosed') {
    const { batch, positions, bilateral, transferCount, total, closedAt } = event.data;
    return {
      batch,
      status: 'closed',
      closedAt,
      positions,
      bilateral,
      transferCount,
      total,
      instructions: [],
      reservations: [],
      settlements: [],
      dispute: null,
      timestamps: { closed: closedAt },
    };
  }
  if (state === null) return null;
  const at = (status: ClosedStatus, instant: string): BatchLifecycle => ({
    ...state,
    status,
    timestamps: { ...state.timestamps, [status]: instant },
  });
  switch (event.type) {
    case 'SettlementRecorded':
      return {
        ...at('settlement_recorded', event.data.recordedAt),
        instructions: event.data.instructions,
      };
    case 'SettlementReserved':
      return { ...at('reserved', event.data.reservedAt), reservations: event.data.reservations };
    case 'SettlementCommitted':
      return at('committed', event.data.committedAt);
    case 'LiquidityLoanRequested':
      return state;
    case 'CoopSettlementConfirmed': {
      const { coopId, bankReference, settledOn, confirmedAt } = event.data;
      return {
        ...at('settling', confirmedAt),
        settlements: [...state.settlements, { coopId, bankReference, settledOn, confirmedAt }],
      };
    }
    case 'BatchSettled':
      return at('settled', event.data.settledAt);
    case 'SettlementAborted':
      return { ...at('closed', event.data.abortedAt), instructions: [], reservations: [] };
    case 'BatchDisputed': {
      const { coopId, reason, previousStatus, disputedAt } = event.data;
      return {
        ...at('disputed', disputedAt),
        dispute: { coopId, reason, previousStatus, disputedAt },
      };
    }
    case 'DisputeResolved':
      return { ...state, status: event.data.status, dispute: null };
    default:
      return unreachable(event, 'batch event');
  }
}

/**
 * The liquidity cover this batch's reservation holds for a coop: the part of its amount the
 * cover pays (the shortfall is a liquidity loan's). It is held from the reservation until the
 * coop's settlement here is confirmed or the reservation is aborted, so another batch is
 * offered only the cover this one left.
 */
export function coverHeldMinor(state: BatchLifecycle, coopId: string): bigint {
  if (state.status === 'settled' || state.settlements.some((s) => s.coopId === coopId)) return 0n;
  return state.reservations
    .filter((r) => r.coopId === coopId)
    .reduce((held, r) => held + minorOf(r.amount) - minorOf(r.shortfall), 0n);
}

/** What a coop's settlement in this batch moves, signed as its net (+ receives). */
export function coopSettlementMinor(state: BatchLifecycle, coopId: string): bigint {
  return signedTotal(state.instructions.filter((i) => i.coopId === coopId));
}
