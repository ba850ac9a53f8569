import { invariant, unreachable } from '@kopfed/domain';
import { addDays, monthOf } from '../shared/dates';
import { sumOf } from '../shared/money';
import {
  balanceChange,
  type AccountEvent,
  type AccountProduct,
  type FundsKind,
  type MaturityInstruction,
  type MemberKind,
} from './account-events';
import { afterPosting, applyChange, type InterestTrack } from './balance-history';

export interface Hold {
  amount: bigint;
  reason: string;
  expiresAt: string;
  placedBy: string;
}

/** What a hold was placed for: a retried placement with the same terms is the same hold. */
export interface HoldTerms {
  amount: bigint;
  reason: string;
  expiresAt: string;
  /**
   * How a finished hold ended, so a retried capture or release is answered as it ended;
   * undefined in snapshots written before this was kept.
   */
  ended?: HoldEnding;
}

export type HoldEnding =
  { kind: 'captured'; amount: bigint } | { kind: 'released' } | { kind: 'expired' };

export interface PendingWithdrawal {
  amount: bigint;
  via: FundsKind;
  requestedBy: string;
  on: string;
  closeAccount: boolean;
}

export interface TimeDeposit {
  rateBasisPoints: number;
  placedOn: string;
  maturesOn: string;
  instruction: MaturityInstruction;
  /** Matured and not rolled over: its money waits for the member, free of penalty. */
  matured: boolean;
}

export interface WajibTrack {
  requiredToDate: bigint;
  paidToDate: bigint;
  /** The last month whose obligation has been counted, `YYYY-MM`; null before the first. */
  closedThrough: string | null;
  /**
   * What was paid dated in each month not counted yet, so a month closed late counts as paid
   * by its end only what was. Undefined in snapshots written before this was kept.
   */
  paidInOpenMonths?: Record<string, bigint>;
}

/** What was paid on or before the last day of `month`: every payment, less those dated later. */
export function wajibPaidBy(wajib: WajibTrack, month: string): bigint {
  let later = 0n;
  for (const [m, amount] of Object.entries(wajib.paidInOpenMonths ?? {}))
    if (m > month) later += amount;
  return wajib.paidToDate - later;
}

function wajibPaid(wajib: WajibTrack, on: string, amount: bigint): WajibTrack {
  const month = monthOf(on);
  const counted = wajib.closedThrough !== null && month <= wajib.closedThrough;
  const open = wajib.paidInOpenMonths ?? {};
  return {
    ...wajib,
    paidToDate: wajib.paidToDate + amount,
    paidInOpenMonths: counted ? open : { ...open, [month]: (open[month] ?? 0n) + amount },
  };
}

function wajibMonthClosed(wajib: WajibTrack, month: string, requiredToDate: bigint): WajibTrack {
  const open: Record<string, bigint> = {};
  for (const [m, amount] of Object.entries(wajib.paidInOpenMonths ?? {}))
    if (m > month) open[m] = amount;
  return { ...wajib, requiredToDate, closedThrough: month, paidInOpenMonths: open };
}

export interface OpenedAccount {
  status: 'open' | 'closed';
  accountId: string;
  coopId: string;
  memberId: string;
  memberKind: MemberKind;
  memberCoopId: string | null;
  product: AccountProduct;
  openedOn: string;
  accrualFrom: string;
  closedOn: string | null;
  balance: bigint;
  /** Active holds by hold id; released and captured holds leave. */
  holds: Record<string, Hold>;
  /**
   * Captured and released holds by hold id, with their last terms: a hold id is used once.
   * Null only in a state decoded from a snapshot written before this was kept; such a state
   * is not decided on (its stream is replayed instead).
   */
  finishedHolds: Record<string, HoldTerms> | null;
  /** Withdrawals waiting for a second person's approval; their amount is reserved. */
  withdrawals: Record<string, PendingWithdrawal>;
  /** Transfers out whose other leg has not been settled yet. */
  transfersOut: Record<string, { amount: bigint; toAccountId: string }>;
  interest: InterestTrack;
  timeDeposit: TimeDeposit | null;
  wajib: WajibTrack | null;
  /** The latest business date of any event. */
  lastOn: string;
}

export type AccountState = { status: 'none' } | OpenedAccount;

export const initialAccountState = (): AccountState => ({ status: 'none' });

/** Active holds not yet expired at `now`, and reserved withdrawals. */
export function reservedAt(account: OpenedAccount, now: string): bigint {
  const holds = Object.values(account.holds).filter((h) => h.expiresAt > now);
  return (
    sumOf(holds.map((h) => h.amount)) +
    sumOf(Object.values(account.withdrawals).map((w) => w.amount))
  );
}

/** Every hold, lapsed ones not yet released included, and reserved withdrawals. */
export function reservedInAll(account: OpenedAccount): bigint {
  return (
    sumOf(Object.values(account.holds).map((h) => h.amount)) +
    sumOf(Object.values(account.withdrawals).map((w) => w.amount))
  );
}

/** Available balance = balance − active holds (and reserved withdrawals). */
export function availableAt(account: OpenedAccount, now: string): bigint {
  return account.balance - reservedAt(account, now);
}

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === 'AccountOpened') {
    invariant(state.status === 'none', 'an account opens once');
    const d = event.data;
    return {
      status: 'open',
      accountId: d.accountId,
      coopId: d.coopId,
      memberId: d.memberId,
      memberKind: d.memberKind,
      memberCoopId: d.memberCoopId,
      product: d.product,
      openedOn: d.openedOn,
      accrualFrom: d.accrualFrom,
      closedOn: null,
      balance: 0n,
      holds: {},
      finishedHolds: {},
      withdrawals: {},
      transfersOut: {},
      interest: {
        postedThrough: addDays(d.accrualFrom, -1),
        breakpoints: [{ from: d.accrualFrom, balance: 0n }],
        carriedMicro: 0n,
        lastMonth: null,
      },
      timeDeposit: d.timeDeposit && { ...d.timeDeposit, placedOn: d.openedOn, matured: false },
      wajib:
        d.product.kind === 'wajib'
          ? { requiredToDate: 0n, paidToDate: 0n, closedThrough: null, paidInOpenMonths: {} }
          : null,
      lastOn: d.openedOn,
    };
  }
  if (event.type === 'AccountOpeningRefused') {
    invariant(state.status === 'none', 'only an account never opened has an opening refused');
    return state;
  }
  invariant(state.status !== 'none', `${event.type} on an account never opened`);
  const moved = withBalance(state, event);
  return applyEvent(moved, event);
}

function withBalance(account: OpenedAccount, event: AccountEvent): OpenedAccount {
  const delta = balanceChange(event);
  const on = 'on' in event.data ? event.data.on : account.lastOn;
  const posting = event.type === 'InterestPosted';
  const interest = posting
    ? afterPosting(account.interest, event.data.periodEnd, BigInt(event.data.carriedOutMicro))
    : account.interest;
  const balance = account.balance + delta;
  invariant(balance >= 0n, `${event.type} would take account ${account.accountId} below zero`);
  return {
    ...account,
    balance,
    lastOn: on > account.lastOn ? on : account.lastOn,
    interest: applyChange(interest, on, delta, account.product.interest !== null),
  };
}

function without<V>(record: Record<string, V>, key: string): Record<string, V> {
  const { [key]: _, ...rest } = record;
  return rest;
}

function finishHold(account: OpenedAccount, holdId: string, ended: HoldEnding): OpenedAccount {
  if (!Object.hasOwn(account.holds, holdId)) return account;
  const { amount, reason, expiresAt } = account.holds[holdId]!;
  return {
    ...account,
    holds: without(account.holds, holdId),
    finishedHolds: account.finishedHolds && {
      ...account.finishedHolds,
      [holdId]: { amount, reason, expiresAt, ended },
    },
  };
}

function applyEvent(
  account: OpenedAccount,
  event: Exclude<AccountEvent, { type: 'AccountOpened' | 'AccountOpeningRefused' }>,
): OpenedAccount {
  switch (event.type) {
    case 'Deposited':
    case 'TransferredIn':
      return account.wajib
        ? {
            ...account,
            wajib: wajibPaid(account.wajib, event.data.on, BigInt(event.data.amount)),
          }
        : account;
    case 'Withdrawn':
      return event.data.withdrawalId === null
        ? account
        : { ...account, withdrawals: without(account.withdrawals, event.data.withdrawalId) };
    case 'WithdrawalRequested': {
      const { withdrawalId, amount, via, requestedBy, on, closeAccount } = event.data;
      const pending = { amount: BigInt(amount), via, requestedBy, on, closeAccount };
      return { ...account, withdrawals: { ...account.withdrawals, [withdrawalId]: pending } };
    }
    case 'WithdrawalApproved':
    case 'WithdrawalRejected':
      return { ...account, withdrawals: without(account.withdrawals, event.data.withdrawalId) };
    case 'HoldPlaced': {
      const { holdId, amount, reason, expiresAt, placedBy } = event.data;
      return {
        ...account,
        holds: {
          ...account.holds,
          [holdId]: { amount: BigInt(amount), reason, expiresAt, placedBy },
        },
      };
    }
    case 'HoldReduced': {
      const { holdId, amount } = event.data;
      if (!Object.hasOwn(account.holds, holdId)) return account;
      const held = { ...account.holds[holdId]!, amount: BigInt(amount) };
      return { ...account, holds: { ...account.holds, [holdId]: held } };
    }
    case 'HoldCaptured':
      return finishHold(account, event.data.holdId, {
        kind: 'captured',
        amount: BigInt(event.data.amount),
      });
    case 'HoldReleased':
      return finishHold(account, event.data.holdId, { kind: event.data.reason });
    case 'TransferredOut': {
      const { transferId, amount, toAccountId } = event.data;
      return {
        ...account,
        transfersOut: {
          ...account.transfersOut,
          [transferId]: { amount: BigInt(amount), toAccountId },
        },
      };
    }
    case 'TransferSettled':
    case 'TransferReversed':
      return { ...account, transfersOut: without(account.transfersOut, event.data.transferId) };
    case 'InterestPosted': {
      const last = event.data.months.at(-1);
      const lastMonth = last
        ? { month: last.month, gross: BigInt(last.gross), tax: BigInt(last.tax) }
        : account.interest.lastMonth;
      return { ...account, interest: { ...account.interest, lastMonth } };
    }
    case 'InterestTaxWithheld':
    case 'PenaltyCharged':
      return account;
    case 'TimeDepositMatured':
      return {
        ...account,
        timeDeposit: account.timeDeposit && { ...account.timeDeposit, matured: true },
      };
    case 'TimeDepositRolledOver':
      return {
        ...account,
        timeDeposit: account.timeDeposit && {
          ...account.timeDeposit,
          placedOn: event.data.on,
          maturesOn: event.data.maturesOn,
          rateBasisPoints: event.data.rateBasisPoints,
          matured: false,
        },
      };
    case 'WajibMonthClosed':
      return {
        ...account,
        wajib:
          account.wajib &&
          wajibMonthClosed(account.wajib, event.data.month, BigInt(event.data.requiredToDate)),
      };
    case 'AccountClosed':
      return { ...account, status: 'closed', closedOn: event.data.on };
    default:
      return unreachable(event, 'account event');
  }
}
