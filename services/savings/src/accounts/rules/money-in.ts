import { rejected } from '@kopfed/domain';
import { termsOn } from '../../products/product';
import type { AccountCommand, Context } from '../account-commands';
import type { AccountEvent, DepositFunds } from '../account-events';
import type { AccountState, OpenedAccount } from '../account-state';
import {
  owedToFormerMembers,
  requireActiveMember,
  requireCoopInFederation,
  requireOpen,
  requireOpenedBy,
  requireWithinLimit,
} from './guards';

/** The product's rules for money coming in: pokok up to its share, no top-up of a time deposit. */
export function checkIncoming(
  account: OpenedAccount,
  amount: bigint,
  ctx: Context,
  via?: DepositFunds,
): void {
  if (owedToFormerMembers(via)) requireCoopInFederation(ctx.membership);
  else requireActiveMember(ctx.membership);
  requireWithinLimit('balance-limit-exceeded', account.balance + amount);
  if (account.product.kind === 'berjangka') {
    throw rejected(
      'time-deposit-no-top-up',
      'A time deposit takes its placement once, when it opens.',
    );
  }
  if (account.product.kind === 'pokok') {
    const share = termsOn(ctx.product, ctx.on).pokokAmount ?? 0n;
    if (account.balance + amount > share) {
      throw rejected(
        'pokok-exceeds-share',
        `Simpanan pokok is ${share} rupiah; ${share - account.balance} rupiah remain to be paid.`,
        '/amount/amount',
        { share: share.toString(), paid: account.balance.toString() },
      );
    }
  }
}

export function deposit(
  command: Extract<AccountCommand, { type: 'Deposit' }>,
  state: AccountState,
): AccountEvent[] {
  const account = requireOpen(state);
  requireOpenedBy(account, command.on);
  checkIncoming(account, command.amount, command, command.via);
  return [
    {
      type: 'Deposited',
      data: {
        amount: command.amount.toString(),
        on: command.on,
        via: command.via,
        reference: command.reference,
        externalId: command.externalId,
      },
    },
  ];
}

export function transferIn(
  command: Extract<AccountCommand, { type: 'TransferIn' }>,
  state: AccountState,
): AccountEvent[] {
  const account = requireOpen(state);
  checkIncoming(account, command.amount, command);
  return [
    {
      type: 'TransferredIn',
      data: {
        transferId: command.transferId,
        fromAccountId: command.fromAccountId,
        fromProduct: command.fromProduct,
        amount: command.amount.toString(),
        on: command.on,
      },
    },
  ];
}
