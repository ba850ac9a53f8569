import type { EventName } from '@kopfed/contracts';
import type { RecordedEvent } from '@kopfed/eventstore';
import type { PublicEvent } from '@kopfed/messaging';
import type { AccountFacts } from './accounts/account-context';
import type { AccountEvent } from './accounts/account-events';
import { wire } from './shared/money';

/**
 * Which stored events are public, as their contracts (contracts/src/events/savings). Every
 * money movement is published once, in the shape the books post it; everything else stays
 * private: requests awaiting approval, the legs of a transfer until it completes (a reversed
 * transfer moved no money), maturities, wajib months, a hold shrinking (no posting; its
 * release reports what was still held). The account's holder and product travel
 * in each event's metadata (see Accounts.metadataOf).
 */
type Published = PublicEvent<EventName>;

const money = (amount: string) => wire(BigInt(amount));

export function toPublic(event: RecordedEvent): Published | undefined {
  if (!event.stream.startsWith('account-')) return undefined;
  const accountId = event.stream.slice('account-'.length);
  const facts = event.metadata.account as AccountFacts | undefined;
  const coopId = event.metadata.coopId;
  if (!facts || typeof coopId !== 'string') return undefined;
  // Spread last in each event's data: on Node 20, a property written after a spread sends V8
  // to its slow path, about 2 us an object (docs/performance.md, "Spreads, a bound LIMIT, and
  // answers parsed back").
  const holder = {
    coopId,
    accountId,
    memberId: facts.memberId,
    memberKind: facts.memberKind,
    memberCoopId: facts.memberCoopId,
  };
  const product = facts.product;
  const e = { type: event.type, data: event.data } as AccountEvent;
  const publish = (name: EventName, data: unknown): Published => ({
    name,
    subject: accountId,
    data,
  });
  switch (e.type) {
    case 'AccountOpened':
      return publish('SavingsAccountOpened', {
        product: { ...product, securesLoans: e.data.product.securesLoans },
        openedOn: e.data.openedOn,
        ...holder,
      });
    case 'Deposited':
      return publish('SavingsDeposited', {
        product,
        amount: money(e.data.amount),
        via: e.data.via,
        businessDate: e.data.on,
        externalId: e.data.externalId,
        ...holder,
      });
    case 'Withdrawn':
      return publish('SavingsWithdrawn', {
        product,
        amount: money(e.data.amount),
        via: e.data.via,
        businessDate: e.data.on,
        reason: e.data.reason,
        hold: null,
        externalId: e.data.externalId,
        ...holder,
      });
    case 'HoldCaptured':
      return publish('SavingsWithdrawn', {
        product,
        amount: money(e.data.amount),
        via: e.data.via,
        businessDate: e.data.on,
        reason: 'hold_captured',
        hold: { holdId: e.data.holdId, released: money(e.data.released) },
        externalId: null,
        ...holder,
      });
    case 'TransferredIn':
      return publish('SavingsTransferred', {
        coopId,
        memberId: facts.memberId,
        memberKind: facts.memberKind,
        memberCoopId: facts.memberCoopId,
        transferId: e.data.transferId,
        from: { accountId: e.data.fromAccountId, product: e.data.fromProduct },
        to: { accountId, product },
        amount: money(e.data.amount),
        businessDate: e.data.on,
      });
    case 'InterestPosted':
      if (e.data.amount === '0') return undefined;
      return publish('SavingsInterestPosted', {
        product,
        interest: money(e.data.amount),
        periodStart: e.data.periodStart,
        periodEnd: e.data.periodEnd,
        basis: e.data.basis,
        rateBasisPoints: e.data.rateBasisPoints,
        businessDate: e.data.on,
        ...holder,
      });
    case 'InterestTaxWithheld':
      return publish('SavingsInterestTaxWithheld', {
        product,
        tax: money(e.data.amount),
        businessDate: e.data.on,
        rateBasisPoints: e.data.rateBasisPoints,
        monthlyThreshold: money(e.data.monthlyThreshold),
        source: e.data.source,
        months: e.data.months.map((m) => ({
          month: m.month,
          grossInterest: money(m.gross),
          tax: money(m.tax),
        })),
        ...holder,
      });
    case 'PenaltyCharged':
      return publish('SavingsCharged', {
        product,
        fee: wire(0n),
        penalty: money(e.data.amount),
        reason: e.data.reason,
        businessDate: e.data.on,
        ...holder,
      });
    case 'HoldPlaced':
      return publish('SavingsHoldPlaced', {
        product,
        holdId: e.data.holdId,
        amount: money(e.data.amount),
        reason: e.data.reason,
        expiresAt: e.data.expiresAt,
        businessDate: e.data.on,
        ...holder,
      });
    case 'HoldReleased':
      return publish('SavingsHoldReleased', {
        coopId,
        accountId,
        holdId: e.data.holdId,
        amount: money(e.data.amount),
        reason: e.data.reason,
        businessDate: e.data.on,
      });
    case 'AccountClosed':
      return publish('SavingsAccountClosed', {
        product,
        closedOn: e.data.on,
        reason: e.data.reason,
        ...holder,
      });
    case 'AccountOpeningRefused':
    case 'HoldReduced':
    case 'WithdrawalRequested':
    case 'WithdrawalApproved':
    case 'WithdrawalRejected':
    case 'TransferredOut':
    case 'TransferSettled':
    case 'TransferReversed':
    case 'TimeDepositMatured':
    case 'TimeDepositRolledOver':
    case 'WajibMonthClosed':
      return undefined;
  }
}
