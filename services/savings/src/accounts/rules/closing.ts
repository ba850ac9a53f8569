import { divideHalfUp } from '@kopfed/money';
import { conflict, rejected } from '@kopfed/domain';
import { termsOn } from '../../products/product';
import { addDays, type IsoDate } from '../../shared/dates';
import type { AccountCommand, Context } from '../account-commands';
import type { AccountEvent, FundsKind } from '../account-events';
import type { AccountState, OpenedAccount } from '../account-state';
import { Draft } from '../draft';
import { postDuePeriods, postPeriod } from './interest-posting';
import { requireOpen } from './guards';

type Command<T extends AccountCommand['type']> = Extract<AccountCommand, { type: T }>;

/**
 * Closing pays out everything: interest up to yesterday is posted first; a time deposit
 * broken before maturity forfeits its unposted interest and pays the early-withdrawal penalty.
 * A payout above the coop's threshold waits for a second person's approval.
 */
export function closeAccount(
  command: Command<'CloseAccount'>,
  state: AccountState,
): AccountEvent[] {
  const account = requireOpen(state);
  const kind = account.product.kind;
  if ((kind === 'pokok' || kind === 'wajib') && command.membership.memberActive) {
    throw rejected(
      'not-withdrawable-while-member',
      `Simpanan ${kind} is paid out only when the membership ends.`,
    );
  }
  requireNothingUnderWay(account, command.now, null);
  const draft = new Draft(account);
  releaseLapsedHolds(draft, command);
  if (command.approvalThreshold !== null && payoutOf(draft, command) > command.approvalThreshold) {
    draft.push({
      type: 'WithdrawalRequested',
      data: {
        withdrawalId: command.withdrawalId,
        amount: account.balance.toString(),
        via: command.via,
        on: command.on,
        requestedBy: command.requestedBy,
        closeAccount: true,
      },
    });
    return draft.events;
  }
  closeNow(draft, { ...command, approvedBy: null, withdrawalId: null });
  return draft.events;
}

/** What closing now would pay out: the balance with its interest to yesterday, less any penalty. */
function payoutOf(draft: Draft, command: Command<'CloseAccount'>): bigint {
  const trial = new Draft(draft.state);
  closeNow(trial, { ...command, approvedBy: null, withdrawalId: null });
  const paid = trial.events.find((e) => e.type === 'Withdrawn');
  return paid?.type === 'Withdrawn' ? BigInt(paid.data.amount) : 0n;
}

/**
 * Nothing may still be owed to anyone when the money is paid out: no other withdrawal waiting
 * for approval (`closing` is the close's own), no transfer out under way, no live hold. Checked
 * when a close is asked for and again when it is approved, as things may have changed meanwhile.
 */
export function requireNothingUnderWay(
  account: OpenedAccount,
  now: string,
  closing: string | null,
): void {
  if (Object.keys(account.withdrawals).some((id) => id !== closing)) {
    throw conflict(
      'withdrawal-pending',
      'A withdrawal waits for approval; approve or reject it first.',
    );
  }
  if (Object.keys(account.transfersOut).length > 0) {
    throw conflict('transfer-pending', 'A transfer out of this account is still under way.');
  }
  const live = Object.entries(account.holds).filter(([, h]) => h.expiresAt > now);
  if (live.length > 0) {
    throw conflict(
      'account-has-holds',
      `Release or capture the holds first: ${live.map(([id]) => id).join(', ')}.`,
    );
  }
}

/** Holds that lapsed and close of business has not released yet are released with the close. */
export function releaseLapsedHolds(draft: Draft, { on, now }: { on: IsoDate; now: string }): void {
  for (const [holdId, hold] of Object.entries(draft.state.holds)) {
    if (hold.expiresAt > now) continue;
    draft.push({
      type: 'HoldReleased',
      data: { holdId, amount: hold.amount.toString(), on, reason: 'expired' },
    });
  }
}

export function closeNow(
  draft: Draft,
  ctx: Context & { via: FundsKind; approvedBy: string | null; withdrawalId: string | null },
): void {
  const account = draft.state;
  const deposit = account.timeDeposit;
  let forfeited: bigint;
  if (deposit && !deposit.matured) {
    forfeited = account.interest.carriedMicro;
    // A deposit is broken under the terms it was placed (or rolled over) under, as it keeps its rate.
    const rate = termsOn(ctx.product, deposit.placedOn).earlyWithdrawalPenaltyBasisPoints;
    const penalty = divideHalfUp(account.balance * BigInt(rate), 10_000n);
    if (penalty > 0n) {
      draft.push({
        type: 'PenaltyCharged',
        data: {
          amount: penalty.toString(),
          on: ctx.on,
          reason: 'early_withdrawal',
          basisPoints: rate,
        },
      });
    }
  } else {
    // Periods that ended while close of business did not run are posted each on its own.
    const eve = addDays(ctx.on, -1);
    const member = ctx.memberInterest ?? [];
    postDuePeriods(draft, eve, ctx.product, member);
    postPeriod(draft, eve, ctx.product, member);
    forfeited = draft.state.interest.carriedMicro;
  }
  const payout = draft.state.balance;
  if (payout > 0n) {
    draft.push({
      type: 'Withdrawn',
      data: {
        amount: payout.toString(),
        on: ctx.on,
        via: ctx.via,
        reason: 'closed',
        reference: null,
        externalId: null,
        withdrawalId: ctx.withdrawalId,
        approvedBy: ctx.approvedBy,
      },
    });
  }
  draft.push({
    type: 'AccountClosed',
    data: { on: ctx.on, reason: 'closed', forfeitedInterestMicro: forfeited.toString() },
  });
}
