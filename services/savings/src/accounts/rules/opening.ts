import { conflict, DomainError, rejected } from '@kopfed/domain';
import { termsOn } from '../../products/product';
import { addMonths } from '../../shared/dates';
import type { AccountCommand, Context } from '../account-commands';
import type { AccountEvent } from '../account-events';
import type { AccountState, OpenedAccount } from '../account-state';
import { owedToFormerMembers } from './guards';
import { checkIncoming } from './money-in';
import { evolveAccount } from '../account-state';

type Open = Extract<AccountCommand, { type: 'OpenAccount' }>;

/**
 * Closed loop (BRIEF §5): an account opens only for an active member of an active coop; people
 * hold accounts at primary coops, coops at the secondary (or tertiary) coop they belong to.
 */
export function openAccount(command: Open, state: AccountState): AccountEvent[] {
  if (state.status !== 'none')
    throw conflict('account-exists', `Account ${command.accountId} already exists.`);
  if (command.membership.coopStatus !== 'active') {
    throw rejected('coop-not-active', `The coop is ${command.membership.coopStatus}, not active.`);
  }
  const deposit = command.initialDeposit;
  if (!command.membership.memberActive && !owedToFormerMembers(deposit?.via)) {
    throw rejected('member-not-active', 'Only an active member opens an account.', '/memberId');
  }
  const personAtPrimary = command.memberKind === 'person' && command.coopKind === 'primary';
  const coopAtParent = command.memberKind === 'coop' && command.coopKind !== 'primary';
  if (!personAtPrimary && !coopAtParent) {
    throw rejected(
      'closed-loop',
      `A ${command.coopKind} coop does not hold accounts for ${command.memberKind} members.`,
      '/memberId',
    );
  }
  const { product } = command;
  const terms = termsOn(product, command.on);
  const timeDeposit =
    product.kind === 'berjangka'
      ? placement(command, terms.rateBasisPoints, terms.minimumPlacement)
      : null;
  if (product.kind !== 'berjangka' && command.maturityInstruction !== null) {
    throw rejected(
      'maturity-not-allowed',
      'Only a time deposit has a maturity instruction.',
      '/maturityInstruction',
    );
  }
  const opened: AccountEvent = {
    type: 'AccountOpened',
    data: {
      accountId: command.accountId,
      coopId: command.coopId,
      memberId: command.memberId,
      memberKind: command.memberKind,
      memberCoopId: command.memberCoopId,
      product: {
        code: product.code,
        kind: product.kind,
        classification: product.classification,
        securesLoans: product.securesLoans,
        interest: product.interest,
        termMonths: product.termMonths,
      },
      openedOn: command.on,
      accrualFrom: command.today > command.on ? command.today : command.on,
      timeDeposit,
      externalId: command.externalId,
    },
  };
  if (!deposit) return [opened];
  const account = evolveAccount({ status: 'none' }, opened);
  if (account.status === 'none') return [opened];
  if (product.kind !== 'berjangka') checkIncoming(account, deposit.amount, command, deposit.via);
  return [
    opened,
    {
      type: 'Deposited',
      data: {
        amount: deposit.amount.toString(),
        on: command.on,
        via: deposit.via,
        reference: 'opening deposit',
        externalId: command.externalId,
      },
    },
  ];
}

function placement(command: Open, rateBasisPoints: number, minimumPlacement: bigint) {
  const instruction = command.maturityInstruction;
  if (!instruction) {
    throw rejected(
      'maturity-instruction-required',
      'A time deposit says what happens at maturity.',
      '/maturityInstruction',
    );
  }
  if (instruction.kind === 'move_to_account' && instruction.accountId === command.accountId) {
    throw rejected(
      'maturity-to-itself',
      'A deposit cannot mature into itself.',
      '/maturityInstruction/accountId',
    );
  }
  const amount = command.initialDeposit?.amount ?? 0n;
  if (amount <= 0n || amount < minimumPlacement) {
    throw rejected(
      'placement-below-minimum',
      `A time deposit is placed with at least ${minimumPlacement > 0n ? minimumPlacement : 1n} rupiah when it opens.`,
      '/initialDeposit/amount/amount',
    );
  }
  return {
    rateBasisPoints,
    maturesOn: addMonths(command.on, command.product.termMonths ?? 1),
    instruction,
  };
}

/**
 * A time deposit that moves to another account at maturity names an open account of the same
 * member at the same coop (member ids are unique only within a coop) that takes money — a
 * sukarela or wajib account, or a pokok account with room for the placement. `target` comes
 * with the context of a command on it when it is an opened account.
 */
export function checkMaturityTarget(
  opening: { coopId: string; memberId: string; placement: bigint },
  target: { account: OpenedAccount; ctx: Context } | undefined,
  accountId: string,
): void {
  const pointer = '/maturityInstruction/accountId';
  if (!target || target.account.coopId !== opening.coopId) {
    throw rejected(
      'maturity-target-not-found',
      `Coop ${opening.coopId} has no savings account ${accountId}.`,
      pointer,
    );
  }
  const { account, ctx } = target;
  if (account.memberId !== opening.memberId) {
    throw rejected(
      'maturity-target-other-member',
      `Account ${accountId} belongs to another member; a deposit matures into its holder's own account.`,
      pointer,
    );
  }
  if (account.status === 'closed') {
    throw conflict(
      'maturity-target-closed',
      `Account ${accountId} was closed on ${account.closedOn}.`,
      {
        accountId,
      },
    );
  }
  try {
    checkIncoming(account, opening.placement, ctx);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw rejected(
      'maturity-target-refuses-money',
      `Account ${accountId} cannot take the matured deposit: ${error.message}`,
      pointer,
    );
  }
}
