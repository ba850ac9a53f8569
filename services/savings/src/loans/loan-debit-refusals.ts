import type { EventName } from '@kopfed/contracts';
import type { EventMetadata, EventStore, RecordedEvent } from '@kopfed/eventstore';
import type { PublicEvent } from '@kopfed/messaging';
import { wire } from '../shared/money';
import { recordOnce } from './record-once';

/** A loan's repayment or recovery savings' rules refused to debit, as recorded in the savings store. */
export interface LoanDebitRefusal {
  coopId: string;
  accountId: string;
  memberId: string;
  loanId: string;
  /** The loan event that asked for the debit, and its id (the loan finds the payment by it). */
  request: 'LoanRepaid' | 'LoanRecovered';
  requestId: string;
  /** Rupiah, a decimal string: the debit the loan asked for. */
  amount: string;
  /** The payment's date on the loan. */
  requestedOn: string;
  /** The refusal's code (insufficient-funds, account-closed, before-opening, …) and its words. */
  reason: string;
  detail: string;
  on: string;
}

const TYPE = 'LoanDebitRefused';
const CATEGORY = 'loandebitrefusal';
/** One stream per debit request message: the refusal of a message redelivered is recorded once. */
export const loanDebitRefusalStream = (requestId: string) => `${CATEGORY}-${requestId}`;

/**
 * Records that savings refused the debit a loan asked for (message `refusal.requestId`), once,
 * so the relay publishes it to the loan as SavingsDebitRefused. True when this call recorded it.
 */
export async function recordLoanDebitRefusal(
  store: EventStore,
  refusal: LoanDebitRefusal,
  metadata: EventMetadata,
): Promise<boolean> {
  return recordOnce(
    store,
    CATEGORY,
    refusal.requestId,
    { type: TYPE, data: refusal, businessDate: refusal.on },
    metadata,
  );
}

/** The refusal as its contract (contracts/src/events/savings/savings-debit-refused.ts). */
export function loanDebitRefusalToPublic(event: RecordedEvent): PublicEvent<EventName> | undefined {
  if (event.type !== TYPE || !event.stream.startsWith(`${CATEGORY}-`)) return undefined;
  const d = event.data as LoanDebitRefusal;
  return {
    name: 'SavingsDebitRefused',
    subject: d.accountId,
    data: {
      coopId: d.coopId,
      accountId: d.accountId,
      memberId: d.memberId,
      loanId: d.loanId,
      request: d.request,
      requestId: d.requestId,
      amount: wire(BigInt(d.amount)),
      requestedOn: d.requestedOn,
      reason: d.reason,
      detail: d.detail,
      businessDate: d.on,
    },
  };
}
