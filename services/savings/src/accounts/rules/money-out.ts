import { conflict, notFound, rejected } from '@kopfed/domain';
import type { AccountCommand } from '../account-commands';
import type { AccountEvent } from '../account-events';
import { availableAt, type AccountState } from '../account-state';
import { Draft } from '../draft';
import { closeNow, releaseLapsedHolds, requireNothingUnderWay } from './closing';
import {
  floorOf,
  requireFunds,
  requireOpen,
  requireOpened,
  requireOpenedBy,
  requireWithdrawable,
} from './guards';

type Command<T extends AccountCommand['type']> = Extract<AccountCommand, { type: T }>;

export function withdraw(command: Command<'Withdraw'>, state: AccountState): AccountEvent[] {
  const account = requireOpen(state);
  requireOpenedBy(account, command.on);
  requireWithdrawable(account, command.membership);
  if (Object.hasOwn(account.withdrawals, command.withdrawalId)) {
    throw conflict(
      'withdrawal-exists',
      `Withdrawal ${command.withdrawalId} is already waiting for approval.`,
    );
  }
  requireFunds(availableAt(account, command.now), floorOf(account, command), command.amount);
  const amount = command.amount.toString();
  if (command.approvalThreshold !== null && command.amount > command.approvalThreshold) {
    // Maker-checker: the money is reserved now and leaves only when another person approves.
    return [
      {
        type: 'WithdrawalRequested',
        data: {
          withdrawalId: command.withdrawalId,
          amount,
          via: command.via,
          on: command.on,
          requestedBy: command.requestedBy,
          closeAccount: false,
        },
      },
    ];
  }
  return [
    {
      type: 'Withdrawn',
      data: {
        amount,
        on: command.on,
        via: command.via,
        reason: 'withdrawal',
        reference: command.reference,
        externalId: command.externalId,
        withdrawalId: null,
        approvedBy: null,
      },
    },
  ];
}

export function approveWithdrawal(
  command: Command<'ApproveWithdrawal'>,
  state: AccountState,
): AccountEvent[] {
  const account = requireOpen(state);
  const pending = Object.hasOwn(account.withdrawals, command.withdrawalId)
    ? account.withdrawals[command.withdrawalId]
    : undefined;
  if (!pending)
    throw notFound(
      'withdrawal-not-found',
      `No withdrawal ${command.withdrawalId} waits for approval.`,
    );
  if (pending.requestedBy === command.approvedBy) {
    throw rejected(
      'four-eyes',
      'A withdrawal is approved by someone other than the one who asked for it.',
    );
  }
  requireWithdrawableUnlessClosing(account, command, pending.closeAccount);
  if (pending.closeAccount) requireNothingUnderWay(account, command.now, command.withdrawalId);
  const draft = new Draft(account);
  draft.push({
    type: 'WithdrawalApproved',
    data: { withdrawalId: command.withdrawalId, on: command.on, approvedBy: command.approvedBy },
  });
  if (pending.closeAccount) {
    releaseLapsedHolds(draft, command);
    closeNow(draft, {
      ...command,
      via: pending.via,
      approvedBy: command.approvedBy,
      withdrawalId: command.withdrawalId,
    });
    return draft.events;
  }
  draft.push({
    type: 'Withdrawn',
    data: {
      amount: pending.amount.toString(),
      on: command.on,
      via: pending.via,
      reason: 'withdrawal',
      reference: null,
      externalId: null,
      withdrawalId: command.withdrawalId,
      approvedBy: command.approvedBy,
    },
  });
  return draft.events;
}

function requireWithdrawableUnlessClosing(
  account: ReturnType<typeof requireOpen>,
  command: Command<'ApproveWithdrawal'>,
  closing: boolean,
): void {
  if (!closing) requireWithdrawable(account, command.membership);
  else if (
    (account.product.kind === 'pokok' || account.product.kind === 'wajib') &&
    command.membership.memberActive
  ) {
    requireWithdrawable(account, command.membership);
  }
}

export function rejectWithdrawal(
  command: Command<'RejectWithdrawal'>,
  state: AccountState,
): AccountEvent[] {
  const account = requireOpen(state);
  if (!Object.hasOwn(account.withdrawals, command.withdrawalId)) {
    throw notFound(
      'withdrawal-not-found',
      `No withdrawal ${command.withdrawalId} waits for approval.`,
    );
  }
  return [
    {
      type: 'WithdrawalRejected',
      data: {
        withdrawalId: command.withdrawalId,
        on: command.on,
        rejectedBy: command.rejectedBy,
        reason: command.reason,
      },
    },
  ];
}

export function transferOut(command: Command<'TransferOut'>, state: AccountState): AccountEvent[] {
  const account = requireOpen(state);
  requireWithdrawable(account, command.membership);
  if (Object.hasOwn(account.transfersOut, command.transferId)) {
    throw conflict('transfer-exists', `Transfer ${command.transferId} is already under way.`);
  }
  requireFunds(availableAt(account, command.now), floorOf(account, command), command.amount);
  return [
    {
      type: 'TransferredOut',
      data: {
        transferId: command.transferId,
        toAccountId: command.toAccountId,
        toProductCode: command.toProductCode,
        amount: command.amount.toString(),
        on: command.on,
      },
    },
  ];
}

/** The other leg landed. A matured deposit moved out in full is then closed. */
export function settleTransfer(
  command: Command<'SettleTransfer'>,
  state: AccountState,
): AccountEvent[] {
  const account = requireOpened(state);
  if (!Object.hasOwn(account.transfersOut, command.transferId)) return [];
  const draft = new Draft(account);
  draft.push({ type: 'TransferSettled', data: { transferId: command.transferId, on: command.on } });
  const after = draft.state;
  const emptied =
    after.timeDeposit?.matured === true &&
    after.balance === 0n &&
    Object.keys(after.transfersOut).length === 0 &&
    Object.keys(after.holds).length === 0 &&
    after.status === 'open';
  if (emptied) {
    draft.push({
      type: 'AccountClosed',
      data: { on: command.on, reason: 'matured', forfeitedInterestMicro: '0' },
    });
  }
  return draft.events;
}

/** The other leg was refused: the money comes back. */
export function reverseTransfer(
  command: Command<'ReverseTransfer'>,
  state: AccountState,
): AccountEvent[] {
  const account = requireOpened(state);
  const pending = Object.hasOwn(account.transfersOut, command.transferId)
    ? account.transfersOut[command.transferId]
    : undefined;
  if (!pending) return [];
  return [
    {
      type: 'TransferReversed',
      data: {
        transferId: command.transferId,
        amount: pending.amount.toString(),
        on: command.on,
        reason: command.reason,
      },
    },
  ];
}
