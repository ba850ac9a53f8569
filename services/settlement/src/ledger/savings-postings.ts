import type { EventData } from '@kopfed/contracts';
import { coopId, productCode, type Funds, type MoneyEvent, type Movement } from '@kopfed/ledger';
import { money, type Money } from '@kopfed/money';

type SavingsName =
  | 'SavingsDeposited'
  | 'SavingsWithdrawn'
  | 'SavingsTransferred'
  | 'SavingsInterestPosted'
  | 'SavingsInterestTaxWithheld'
  | 'SavingsCharged';
/** A savings event as the consumer received it (latest version). */
export type SavingsMoneyEvent = {
  [N in SavingsName]: { name: N; data: EventData<N> };
}[SavingsName];

export const SAVINGS_MONEY_EVENTS: readonly SavingsName[] = [
  'SavingsDeposited',
  'SavingsWithdrawn',
  'SavingsTransferred',
  'SavingsInterestPosted',
  'SavingsInterestTaxWithheld',
  'SavingsCharged',
];

const m = (wire: { amount: string; currency: string }): Money =>
  money(BigInt(wire.amount), wire.currency);
const funds = (
  via: 'cash' | 'bank' | 'deposit_with_parent' | 'settlement_in_transit' | 'shu_payable',
): Funds => ({ kind: via });

function movementOf(event: SavingsMoneyEvent): Movement {
  switch (event.name) {
    case 'SavingsDeposited': {
      const d = event.data;
      return {
        type: 'SavingsDeposited',
        product: productCode(d.product.code),
        amount: m(d.amount),
        via: funds(d.via),
      };
    }
    case 'SavingsWithdrawn': {
      const d = event.data;
      return {
        type: 'SavingsWithdrawn',
        product: productCode(d.product.code),
        amount: m(d.amount),
        via: funds(d.via),
      };
    }
    case 'SavingsTransferred': {
      // Between two of the member's own accounts: one entry, from product to product.
      const d = event.data;
      const to: Funds = { kind: 'savings', product: productCode(d.to.product.code) };
      return {
        type: 'SavingsWithdrawn',
        product: productCode(d.from.product.code),
        amount: m(d.amount),
        via: to,
      };
    }
    case 'SavingsInterestPosted': {
      const d = event.data;
      return {
        type: 'SavingsInterestPosted',
        product: productCode(d.product.code),
        interest: m(d.interest),
      };
    }
    case 'SavingsInterestTaxWithheld': {
      const d = event.data;
      const tax = m(d.tax);
      return {
        type: 'SavingsInterestPosted',
        product: productCode(d.product.code),
        interest: money(0n, tax.currency),
        tax,
      };
    }
    case 'SavingsCharged': {
      const d = event.data;
      return {
        type: 'SavingsCharged',
        product: productCode(d.product.code),
        fee: m(d.fee),
        penalty: m(d.penalty),
      };
    }
  }
}

const referenceOf = (event: SavingsMoneyEvent): string =>
  event.name === 'SavingsTransferred'
    ? `${event.data.from.accountId} → ${event.data.to.accountId}`
    : event.data.accountId;

/** The entry a savings money event posts in its coop's books (posting-rules.ts). */
export function savingsPosting(
  event: SavingsMoneyEvent,
  eventId: string,
  recordedAt: string,
): MoneyEvent {
  return {
    eventId,
    eventType: event.name,
    coopId: coopId(event.data.coopId),
    businessDate: event.data.businessDate,
    recordedAt,
    movement: movementOf(event),
    reference: referenceOf(event),
  };
}

/**
 * How a member coop's deposit with its parent moves: its liquidity cover (BRIEF §6). The
 * cover is the balance of the coop's savings at the parent in the products the parent counts
 * (all when it names none). Holds are not subtracted: a hold moves no money.
 */
export function coverChange(
  event: SavingsMoneyEvent,
  counts: (product: string) => boolean,
): { memberCoopId: string; change: Money } | undefined {
  const { memberCoopId } = event.data;
  if (memberCoopId === null) return undefined;
  const signed = (product: string, amount: Money, sign: 1n | -1n) =>
    counts(product)
      ? money(sign * amount.amountMinor, amount.currency)
      : money(0n, amount.currency);
  let change: Money;
  switch (event.name) {
    case 'SavingsDeposited':
      change = signed(event.data.product.code, m(event.data.amount), 1n);
      break;
    case 'SavingsWithdrawn':
      change = signed(event.data.product.code, m(event.data.amount), -1n);
      break;
    case 'SavingsTransferred': {
      const amount = m(event.data.amount);
      const out = signed(event.data.from.product.code, amount, -1n).amountMinor;
      const into = signed(event.data.to.product.code, amount, 1n).amountMinor;
      change = money(out + into, amount.currency);
      break;
    }
    case 'SavingsInterestPosted':
      change = signed(event.data.product.code, m(event.data.interest), 1n);
      break;
    case 'SavingsInterestTaxWithheld':
      change = signed(event.data.product.code, m(event.data.tax), -1n);
      break;
    case 'SavingsCharged': {
      const charged = m(event.data.fee).amountMinor + m(event.data.penalty).amountMinor;
      change = signed(event.data.product.code, money(charged, event.data.fee.currency), -1n);
      break;
    }
  }
  return change.amountMinor === 0n ? undefined : { memberCoopId, change };
}
