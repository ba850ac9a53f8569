import { divideHalfUp } from '@kopfed/money';
import { conflict, rejected } from '@kopfed/domain';
import { termsOn } from '../../products/product';
import { addDays } from '../../shared/dates';
import type { AccountCommand, Context } from '../account-commands';
import type { AccountEvent, FundsKind } from '../account-events';
import { type AccountState } from '../account-state';
import { Draft } from '../draft';
import { postPeriod } from './interest-posting';
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
  if (Object.keys(account.withdrawals).length > 0) {
    throw conflict(
      'withdrawal-pending',
      'A withdrawal waits for approval; approve or reject it first.',
    );
  }
  if (Object.keys(account.transfersOut).length > 0) {
    throw conflict('transfer-pending', 'A transfer out of this account is still under way.');
  }
  const live = Object.entries(account.holds).filter(([, h]) => h.expiresAt > command.now);
  if (live.length > 0) {
    throw conflict(
      'account-has-holds',
      `Release or capture the holds first: ${live.map(([id]) => id).join(', ')}.`,
    );
  }
  const draft = new Draft(account);
  for (const [holdId, hold] of Object.entries(account.holds)) {
    draft.push({
      type: 'HoldReleased',
      data: { holdId, amount: hold.amount.toString(), on: command.on, reason: 'expired' },
    });
  }
  if (command.approvalThreshold !== null && account.balance > command.approvalThreshold) {
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

export function closeNow(
  draft: Draft,
  ctx: Context & { via: FundsKind; approvedBy: string | null; withdrawalId: string | null },
): void {
  const account = draft.state;
  const deposit = account.timeDeposit;
  let forfeited: bigint;
  if (deposit && !deposit.matured) {
    forfeited = account.interest.carriedMicro;
    const rate = termsOn(ctx.product, ctx.on).earlyWithdrawalPenaltyBasisPoints;
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
    postPeriod(draft, addDays(ctx.on, -1), ctx.product);
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
