import type { EventData } from '@kopfed/contracts';
import { coopId, productCode, type Funds, type Movement } from '@kopfed/ledger';
import { money, type Money } from '@kopfed/money';
import type { MoneyEventToPost } from './money-event-to-post';

type LoanName =
  | 'LoanDisbursed'
  | 'LoanInterestAccrued'
  | 'LoanRepaid'
  | 'LoanProvisionAdded'
  | 'LoanProvisionReleased'
  | 'LoanWrittenOff'
  | 'LoanRecovered'
  | 'LoanRepaymentReversed'
  | 'LoanRecoveryReversed';
export type LoanMoneyEvent = { [N in LoanName]: { name: N; data: EventData<N> } }[LoanName];

export const LOAN_MONEY_EVENTS: readonly LoanName[] = [
  'LoanDisbursed',
  'LoanInterestAccrued',
  'LoanRepaid',
  'LoanProvisionAdded',
  'LoanProvisionReleased',
  'LoanWrittenOff',
  'LoanRecovered',
  'LoanRepaymentReversed',
  'LoanRecoveryReversed',
];

const m = (wire: { amount: string; currency: string }): Money =>
  money(BigInt(wire.amount), wire.currency);

/**
 * A loan's funds in the lender's books. Money paid into or taken from a savings account is
 * posted against settlement funds in transit: the savings service credits or debits the
 * account and publishes that side itself (SavingsDeposited / SavingsWithdrawn via
 * settlement_in_transit), so the savings balance is never posted twice.
 */
function funds(via: EventData<'LoanDisbursed'>['via']): Funds {
  return via.kind === 'savings' ? { kind: 'settlement_in_transit' } : { kind: via.kind };
}

interface Posting {
  movement: Movement;
  businessDate: string;
  ifClosedPostOn?: string;
}

function posting(event: LoanMoneyEvent): Posting {
  const product = productCode(event.data.productCode);
  switch (event.name) {
    case 'LoanDisbursed': {
      const d = event.data;
      return {
        movement: {
          type: 'LoanDisbursed',
          product,
          principal: m(d.principal),
          fee: m(d.fee),
          via: funds(d.via),
        },
        businessDate: d.disbursedOn,
      };
    }
    case 'LoanInterestAccrued':
      return {
        movement: { type: 'LoanInterestAccrued', product, interest: m(event.data.interest) },
        businessDate: event.data.accruedThrough,
      };
    case 'LoanRepaid': {
      const d = event.data;
      return {
        movement: {
          type: 'LoanRepaid',
          product,
          via: funds(d.via),
          principal: m(d.principal),
          interest: m(d.interest),
          accruedInterest: m(d.accruedInterest),
          penalty: m(d.penalty),
          fee: m(d.fee),
        },
        businessDate: d.paidOn,
      };
    }
    case 'LoanProvisionAdded':
      return {
        movement: { type: 'LoanProvisionAdded', product, amount: m(event.data.amount) },
        businessDate: event.data.effectiveOn,
      };
    case 'LoanProvisionReleased':
      return {
        movement: { type: 'LoanProvisionReleased', product, amount: m(event.data.amount) },
        businessDate: event.data.effectiveOn,
      };
    case 'LoanWrittenOff': {
      const d = event.data;
      return {
        movement: {
          type: 'LoanWrittenOff',
          product,
          principal: m(d.principal),
          accruedInterest: m(d.accruedInterest),
        },
        businessDate: d.writtenOffOn,
      };
    }
    case 'LoanRecovered': {
      const d = event.data;
      return {
        movement: { type: 'LoanRecovered', product, amount: m(d.amount), via: funds(d.via) },
        businessDate: d.recoveredOn,
      };
    }
    // The money never came (savings refused the debit): the mirror of what it takes back, on
    // that one's date, so the two cancel in every report that spans it; on the day it was
    // taken back if that date's period has closed meanwhile (it could never post there).
    case 'LoanRepaymentReversed': {
      const d = event.data;
      return {
        movement: {
          type: 'LoanRepaymentReversed',
          product,
          via: funds(d.via),
          principal: m(d.principal),
          interest: m(d.interest),
          accruedInterest: m(d.accruedInterest),
          penalty: m(d.penalty),
          fee: m(d.fee),
        },
        businessDate: d.paidOn,
        ifClosedPostOn: d.reversedOn,
      };
    }
    case 'LoanRecoveryReversed': {
      const d = event.data;
      return {
        movement: {
          type: 'LoanRecoveryReversed',
          product,
          amount: m(d.amount),
          via: funds(d.via),
        },
        businessDate: d.recoveredOn,
        ifClosedPostOn: d.reversedOn,
      };
    }
  }
}

/** The entry a loan money event posts in the lending coop's books (posting-rules.ts). */
export function loanPosting(
  event: LoanMoneyEvent,
  eventId: string,
  recordedAt: string,
): MoneyEventToPost {
  const { movement, businessDate, ifClosedPostOn } = posting(event);
  return {
    eventId,
    eventType: event.name,
    coopId: coopId(event.data.coopId),
    businessDate,
    ...(ifClosedPostOn === undefined ? {} : { ifClosedPostOn }),
    recordedAt,
    movement,
    reference: event.data.loanId,
  };
}
