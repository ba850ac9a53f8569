import { conflict, notFound, rejected, unreachable } from '@kopfed/domain';
import type { AccountCommand } from '../account-commands';
import type { AccountEvent } from '../account-events';
import {
  availableAt,
  reservedInAll,
  type AccountState,
  type Hold,
  type HoldEnding,
  type HoldTerms,
  type OpenedAccount,
} from '../account-state';
import {
  floorOf,
  requireActiveMember,
  requireFunds,
  requireOpen,
  requireOpened,
  requireWithdrawable,
  requireWithinLimit,
} from './guards';

type Command<T extends AccountCommand['type']> = Extract<AccountCommand, { type: T }>;

/**
 * Holds are two-phase debits: the amount stops being available at once, then is captured (in
 * full or in part, the rest released) or released. A hold lapses at its expiry: it can no longer
 * be captured, and close of business records its release.
 */
export function placeHold(command: Command<'PlaceHold'>, state: AccountState): AccountEvent[] {
  const account = requireOpen(state);
  const existing = activeHold(account, command.holdId);
  if (existing) {
    if (sameTerms(existing, command)) return [];
    throw conflict('hold-exists', `Hold ${command.holdId} is already placed with other terms.`);
  }
  // A hold id is used once: a retry of a placement since captured or released changes nothing.
  const finished = finishedHold(account, command.holdId);
  if (finished) {
    if (sameTerms(finished, command)) return [];
    throw conflict(
      'hold-id-used',
      `Hold ${command.holdId} was placed with other terms and is finished; a hold id is used once.`,
    );
  }
  requireActiveMember(command.membership);
  if (account.product.kind !== 'sukarela' && !account.product.securesLoans) {
    throw rejected('product-not-holdable', `Product ${account.product.code} cannot be held.`);
  }
  if (command.expiresAt <= command.now) {
    throw rejected('hold-expiry-past', 'A hold expires in the future.', '/expiresAt');
  }
  requireFunds(availableAt(account, command.now), floorOf(account, command), command.amount);
  // Lapsed holds still count until close of business releases them.
  requireWithinLimit('reserved-limit-exceeded', reservedInAll(account) + command.amount);
  return [
    {
      type: 'HoldPlaced',
      data: {
        holdId: command.holdId,
        amount: command.amount.toString(),
        reason: command.reason,
        expiresAt: command.expiresAt,
        on: command.on,
        placedBy: command.placedBy,
      },
    },
  ];
}

/**
 * A capture takes the money out as a withdrawal does: the product must allow it (a time
 * deposit only once matured), and paid out of the coop it obeys maker-checker. Above the
 * coop's threshold it is refused rather than left waiting: the hold keeps the money while the
 * holder releases it and asks for a withdrawal, which waits for a second person. Settlement in
 * transit is exempt: an inter-coop payment or a loan was approved where it was made.
 */
export function captureHold(command: Command<'CaptureHold'>, state: AccountState): AccountEvent[] {
  // A finished hold is answered as it ended, on an account closed since too.
  const account = requireOpened(state);
  const ended = finishedHold(account, command.holdId)?.ended;
  if (ended && !activeHold(account, command.holdId)) {
    // A retried capture is answered as it ended: the money left once.
    const asked = command.amount ?? finishedHold(account, command.holdId)!.amount;
    if (ended.kind === 'captured' && ended.amount === asked) return [];
    throw endedAlready(command.holdId, ended);
  }
  requireOpen(account);
  const hold = requireHold(account, command.holdId);
  if (hold.expiresAt <= command.now) {
    throw conflict('hold-expired', `Hold ${command.holdId} expired at ${hold.expiresAt}.`);
  }
  const amount = command.amount ?? hold.amount;
  if (amount > hold.amount) {
    throw rejected(
      'capture-exceeds-hold',
      `Hold ${command.holdId} is for ${hold.amount} rupiah.`,
      '/amount/amount',
    );
  }
  requireWithdrawable(account, command.membership);
  const threshold = command.approvalThreshold;
  if (command.via !== 'settlement_in_transit' && (threshold === undefined || amount > threshold)) {
    throw rejected(
      'capture-needs-approval',
      threshold === undefined
        ? `A capture paid out as ${command.via} needs the coop's approval threshold.`
        : `A capture of ${amount} rupiah paid out as ${command.via} is above the coop's approval threshold of ${threshold} rupiah: release the hold and withdraw, which waits for a second person.`,
      '/via',
      threshold === undefined ? undefined : { approvalThreshold: threshold.toString() },
    );
  }
  return [
    {
      type: 'HoldCaptured',
      data: {
        holdId: command.holdId,
        amount: amount.toString(),
        released: (hold.amount - amount).toString(),
        via: command.via,
        on: command.on,
        reference: command.reference,
      },
    },
  ];
}

export function releaseHold(command: Command<'ReleaseHold'>, state: AccountState): AccountEvent[] {
  const account = requireOpened(state);
  const ended = finishedHold(account, command.holdId)?.ended;
  if (ended && !activeHold(account, command.holdId)) {
    // A retried release changes nothing; a captured hold is not reported released.
    if (ended.kind !== 'captured') return [];
    throw endedAlready(command.holdId, ended);
  }
  requireOpen(account);
  const hold = requireHold(account, command.holdId);
  return [
    {
      type: 'HoldReleased',
      data: {
        holdId: command.holdId,
        amount: hold.amount.toString(),
        on: command.on,
        reason: 'released',
      },
    },
  ];
}

/**
 * A hold shrinks (a secured loan's principal repaid): the difference is available again. A hold
 * never grows this way (place another one), and shrinking it to nothing releases it.
 */
export function reduceHold(command: Command<'ReduceHold'>, state: AccountState): AccountEvent[] {
  const account = requireOpen(state);
  const hold = requireHold(account, command.holdId);
  if (command.amount === hold.amount) return [];
  if (command.amount > hold.amount) {
    throw rejected(
      'hold-cannot-grow',
      `Hold ${command.holdId} is for ${hold.amount} rupiah; it only shrinks.`,
      '/amount/amount',
    );
  }
  if (command.amount === 0n) {
    return releaseHold({ type: 'ReleaseHold', holdId: command.holdId, on: command.on }, state);
  }
  return [
    {
      type: 'HoldReduced',
      data: {
        holdId: command.holdId,
        amount: command.amount.toString(),
        released: (hold.amount - command.amount).toString(),
        on: command.on,
      },
    },
  ];
}

function endedAlready(holdId: string, ended: HoldEnding) {
  switch (ended.kind) {
    case 'captured':
      return conflict(
        'hold-captured',
        `Hold ${holdId} was captured for ${ended.amount} rupiah; a hold id is used once.`,
        { captured: ended.amount.toString() },
      );
    case 'released':
      return conflict('hold-released', `Hold ${holdId} was released; a hold id is used once.`);
    case 'expired':
      return conflict('hold-expired', `Hold ${holdId} expired and was released.`);
    default:
      return unreachable(ended, 'hold ending');
  }
}

function sameTerms(terms: HoldTerms, command: Command<'PlaceHold'>): boolean {
  return (
    terms.amount === command.amount &&
    terms.reason === command.reason &&
    terms.expiresAt === command.expiresAt
  );
}

/**
 * Unknown only for a state decoded from a snapshot older than finished holds; commands are
 * decided on states replayed from the stream instead (see `accountSnapshots`).
 */
function finishedHold(account: OpenedAccount, holdId: string): HoldTerms | undefined {
  const finished = account.finishedHolds;
  return finished && Object.hasOwn(finished, holdId) ? finished[holdId] : undefined;
}

function activeHold(account: OpenedAccount, holdId: string): Hold | undefined {
  return Object.hasOwn(account.holds, holdId) ? account.holds[holdId] : undefined;
}

function requireHold(account: OpenedAccount, holdId: string): Hold {
  const hold = activeHold(account, holdId);
  if (!hold) throw notFound('hold-not-found', `No active hold ${holdId} on this account.`);
  return hold;
}
