import { catalog, type ReceivedEvent } from '@kopfed/contracts';
import { integrationEventHandler } from '@kopfed/messaging';
import type { ServiceInstance } from '@kopfed/service-kit';
import type { MemberActivityBook, SavingsChange } from './member-activity';

type Received = ReceivedEvent<(typeof catalog.definitions)[number]>;
type Amount = { amount: string };
type LoanPayment = {
  coopId: string;
  memberId: string;
  paidOn: string;
  interest: Amount;
  accruedInterest: Amount;
  fee: Amount;
  penalty: Amount;
};

/**
 * What a savings or loan integration event means for SHU bases. Every leg is keyed by the
 * event id, so a redelivered message records nothing new (the book inserts each key once).
 */
export function recordActivity(book: MemberActivityBook, received: Received): void {
  const id = received.envelope.id;
  const change = (
    leg: string,
    data: { coopId: string; memberId: string; businessDate: string },
    kind: SavingsChange['kind'],
    deltaMinor: bigint,
  ) =>
    book.recordSavings({
      sourceId: `${id}:${leg}`,
      coopId: data.coopId,
      memberId: data.memberId,
      kind,
      businessDate: data.businessDate,
      deltaMinor,
    });
  /** A loan payment's parts that count toward jasa usaha, dated as paid; `-1n` takes them back. */
  const payment = (data: LoanPayment, sign: 1n | -1n) =>
    book.recordLoanPayment({
      sourceId: id,
      coopId: data.coopId,
      memberId: data.memberId,
      businessDate: data.paidOn,
      parts: {
        interest: sign * BigInt(data.interest.amount),
        accruedInterest: sign * BigInt(data.accruedInterest.amount),
        fee: sign * BigInt(data.fee.amount),
        penalty: sign * BigInt(data.penalty.amount),
      },
    });
  switch (received.name) {
    case 'SavingsDeposited': {
      const { data } = received;
      change('in', data, data.product.kind, BigInt(data.amount.amount));
      return;
    }
    case 'SavingsWithdrawn': {
      const { data } = received;
      change('out', data, data.product.kind, -BigInt(data.amount.amount));
      return;
    }
    case 'SavingsInterestPosted': {
      const { data } = received;
      change(
        'interest',
        { ...data, businessDate: data.periodEnd },
        data.product.kind,
        BigInt(data.interest.amount),
      );
      return;
    }
    case 'SavingsInterestTaxWithheld': {
      const { data } = received;
      change('tax', data, data.product.kind, -BigInt(data.tax.amount));
      return;
    }
    case 'SavingsCharged': {
      const { data } = received;
      change(
        'charge',
        data,
        data.product.kind,
        -(BigInt(data.fee.amount) + BigInt(data.penalty.amount)),
      );
      return;
    }
    case 'SavingsTransferred': {
      const { data } = received;
      const amount = BigInt(data.amount.amount);
      change('from', data, data.from.product.kind, -amount);
      change('to', data, data.to.product.kind, amount);
      return;
    }
    case 'LoanRepaid':
      payment(received.data, 1n);
      return;
    case 'LoanRepaymentReversed':
      // The repayment never arrived: its parts are taken back, dated as it was (the ledger
      // posts the mirror on `paidOn` too), so the year it counted in loses them even when the
      // refusal comes in a later year. Rows of their own, keyed by this event's id: the sum is
      // right whichever of the two is delivered first, and however often.
      payment(received.data, -1n);
      return;
    default:
      return;
  }
}

/**
 * The consumers that keep the SHU bases: the settlement service subscribes them beside its
 * books consumers (their own groups, so each keeps its own offsets).
 */
export function shuActivityConsumers(
  book: MemberActivityBook,
): NonNullable<ServiceInstance['consumes']>[number][] {
  const handler = integrationEventHandler(catalog, (received) => recordActivity(book, received));
  return [
    { topic: catalog.topicOf('savings'), group: 'settlement.shu-bases-savings', handler },
    { topic: catalog.topicOf('loan'), group: 'settlement.shu-bases-loan', handler },
  ];
}
