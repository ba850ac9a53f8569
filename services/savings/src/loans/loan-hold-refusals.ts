import type { EventName } from '@kopfed/contracts';
import type { EventMetadata, EventStore, RecordedEvent } from '@kopfed/eventstore';
import type { PublicEvent } from '@kopfed/messaging';
import { wire } from '../shared/money';
import { recordOnce } from './record-once';
import { loanDebitRefusalToPublic } from './loan-debit-refusals';

/** A loan's collateral hold savings' rules refused, as recorded in the savings store. */
export interface LoanHoldRefusal {
  coopId: string;
  accountId: string;
  memberId: string;
  loanId: string;
  holdId: string;
  /** Rupiah, a decimal string: the hold the loan asked for. */
  amount: string;
  /** The refusal's code (insufficient-funds, account-closed, …) and its words. */
  reason: string;
  detail: string;
  on: string;
}

const TYPE = 'LoanHoldRefused';
const CATEGORY = 'loanholdrefusal';
/** One stream per hold request message: the refusal of a message redelivered is recorded once. */
export const loanHoldRefusalStream = (requestId: string) => `${CATEGORY}-${requestId}`;

/**
 * Records that savings refused the hold a loan asked for (message `requestId`), once, so the
 * relay publishes it to the loan as SavingsHoldRefused. True when this call recorded it.
 */
export async function recordLoanHoldRefusal(
  store: EventStore,
  requestId: string,
  refusal: LoanHoldRefusal,
  metadata: EventMetadata,
): Promise<boolean> {
  return recordOnce(
    store,
    CATEGORY,
    requestId,
    { type: TYPE, data: refusal, businessDate: refusal.on },
    metadata,
  );
}

/** The refusal as its contract (contracts/src/events/savings/savings-hold-refused.ts). */
export function loanHoldRefusalToPublic(event: RecordedEvent): PublicEvent<EventName> | undefined {
  if (event.type !== TYPE || !event.stream.startsWith(`${CATEGORY}-`)) return undefined;
  const d = event.data as LoanHoldRefusal;
  return {
    name: 'SavingsHoldRefused',
    subject: d.accountId,
    data: {
      coopId: d.coopId,
      accountId: d.accountId,
      memberId: d.memberId,
      loanId: d.loanId,
      holdId: d.holdId,
      amount: wire(BigInt(d.amount)),
      reason: d.reason,
      detail: d.detail,
      businessDate: d.on,
    },
  };
}

/**
 * The savings service's public events with the refusals it owes the loan — of holds
 * (SavingsHoldRefused) and of repayment or recovery debits (SavingsDebitRefused,
 * loan-debit-refusals.ts): the module publishes `withLoanRefusals(toPublic)` (module.ts),
 * since accounts' own events know nothing of them.
 */
export function withLoanRefusals(
  toPublic: (event: RecordedEvent) => PublicEvent<EventName> | undefined,
): (event: RecordedEvent) => PublicEvent<EventName> | undefined {
  return (event) =>
    toPublic(event) ?? loanHoldRefusalToPublic(event) ?? loanDebitRefusalToPublic(event);
}
