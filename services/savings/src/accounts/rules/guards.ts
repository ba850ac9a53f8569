import { MONEY_MAX_DIGITS } from '@kopfed/contracts';
import { conflict, notFound, rejected } from '@kopfed/domain';
import { termsOn } from '../../products/product';
import type { AccountState, OpenedAccount } from '../account-state';
import type { Context, Membership } from '../account-commands';
import type { DepositFunds } from '../account-events';

export function requireOpened(state: AccountState): OpenedAccount {
  if (state.status === 'none') throw notFound('account-not-found', 'No such savings account.');
  return state;
}

export function requireOpen(state: AccountState): OpenedAccount {
  const account = requireOpened(state);
  if (account.status === 'closed')
    throw conflict('account-closed', `The account was closed on ${account.closedOn}.`);
  return account;
}

/** A movement is dated on or after the day the account opened: before it, the account held nothing. */
export function requireOpenedBy(account: OpenedAccount, on: string): void {
  if (on < account.openedOn) {
    throw rejected(
      'before-opening',
      `The account opened on ${account.openedOn}; nothing moves in or out of it on ${on}.`,
      '/businessDate',
    );
  }
}

/** Closed loop (BRIEF §5): money comes in only from members of a coop still in the federation. */
export function requireActiveMember(membership: Membership): void {
  if (!membership.memberActive) {
    throw rejected('member-not-active', 'The account holder is no longer a member of the coop.');
  }
  requireCoopInFederation(membership);
}

export function requireCoopInFederation(membership: Membership): void {
  if (membership.coopStatus === 'exited')
    throw rejected('coop-exited', 'The coop has left the federation.');
}

/**
 * An SHU share (from utang SHU, `shu_payable`) is owed to whoever earned it in the year, a
 * member who has left since included: it is credited to them, and they take it out as a
 * former member takes out the rest of their savings. Only the SHU consumer deposits from it.
 */
export const owedToFormerMembers = (via: DepositFunds | undefined): boolean =>
  via === 'shu_payable';

/**
 * Simpanan pokok and wajib are the member's capital: they are paid out only when the
 * membership ends. A time deposit is locked until it matures (closing it early breaks it).
 */
export function requireWithdrawable(account: OpenedAccount, membership: Membership): void {
  const kind = account.product.kind;
  if ((kind === 'pokok' || kind === 'wajib') && membership.memberActive) {
    throw rejected(
      'not-withdrawable-while-member',
      `Simpanan ${kind} is paid out only when the membership ends.`,
    );
  }
  if (kind === 'berjangka' && !account.timeDeposit?.matured) {
    throw rejected(
      'time-deposit-locked',
      `The time deposit matures on ${account.timeDeposit?.maturesOn}; close the account to break it early.`,
    );
  }
}

/** The floor a withdrawal, transfer or hold may not cross: sukarela's minimum balance. */
export function floorOf(account: OpenedAccount, ctx: Context): bigint {
  return account.product.kind === 'sukarela' ? termsOn(ctx.product, ctx.on).minimumBalance : 0n;
}

export function requireFunds(
  available: bigint,
  floor: bigint,
  amount: bigint,
  pointer = '/amount/amount',
): void {
  if (amount > available - floor) {
    throw rejected(
      'insufficient-funds',
      `Only ${available - floor > 0n ? available - floor : 0n} rupiah can be taken (available ${available}, minimum balance ${floor}).`,
      pointer,
      { available: available.toString(), minimumBalance: floor.toString() },
    );
  }
}

/** The most any amount may be (18 digits, as on the wire): a balance or a reservation too. */
export const MAX_AMOUNT = 10n ** BigInt(MONEY_MAX_DIGITS) - 1n;

/**
 * A balance or a total reserved that a request would take past what an amount may hold is
 * refused, so it never reaches the books, the read models or the wire. (Interest posted by close
 * of business is not refused: it may pass the limit by its interest, still far within 64 bits.)
 */
export function requireWithinLimit(
  code: 'balance-limit-exceeded' | 'reserved-limit-exceeded',
  total: bigint,
): void {
  if (total > MAX_AMOUNT) {
    const what = code === 'balance-limit-exceeded' ? 'balance' : 'total held and reserved';
    throw rejected(
      code,
      `The ${what} would be ${total} rupiah; an account holds at most ${MAX_AMOUNT} (${MONEY_MAX_DIGITS} digits).`,
      '/amount/amount',
      { limit: MAX_AMOUNT.toString() },
    );
  }
}
