import { invariant, rejected } from '@kopfed/domain';
import { money, type Money } from '@kopfed/money';
import type { AccountCode } from '../chart/account';
import {
  credit,
  debit,
  totalsByCurrency,
  type JournalEntry,
  type JournalLine,
} from '../journal/entry';
import { own, type CoopId, type EntryId } from '../ids';
import type { BusinessDate } from '../period';
import {
  glMappingOn,
  type GlMapping,
  type GlSlots,
  type LoanProductGl,
  type SavingsProductGl,
} from './gl-mapping';
import { POSTING_RULES } from './posting-rules';
import type { Funds, Movement } from './movements';

/** A money event of one coop's books, already in the ledger's movement language. */
export interface MoneyEvent {
  /** The integration event's id: the entry's source, posted at most once per ledger. */
  eventId: string;
  eventType: string;
  coopId: CoopId;
  businessDate: BusinessDate;
  recordedAt: string;
  movement: Movement;
  /** The savings account, loan or transfer it concerns: written in each line's memo. */
  reference?: string;
}

/** A rule seen at run time: typed against its movement in POSTING_RULES, read by name here. */
type SlotRef =
  | { gl: keyof GlSlots }
  | { savings: keyof SavingsProductGl }
  | { loan: keyof LoanProductGl }
  | { funds: string }
  | { memberClearing: string };
interface RuleAtRunTime {
  description: string;
  lines: readonly { side: 'debit' | 'credit'; account: SlotRef; amount: readonly string[] }[];
}

/** Reads a movement field by the name a rule gives; rules are typed against the movement. */
function field(movement: Movement, name: string): unknown {
  return (movement as unknown as Record<string, unknown>)[name];
}

function isMoney(value: unknown): value is Money {
  return (
    typeof value === 'object' && value !== null && 'amountMinor' in value && 'currency' in value
  );
}

function product(movement: Movement): string {
  const value = field(movement, 'product');
  invariant(typeof value === 'string', `${movement.type} has no product`);
  return value;
}

function savingsOf(mapping: GlMapping, code: string): SavingsProductGl {
  const gl = own(mapping.savings, code);
  if (gl) return gl;
  throw rejected('product-not-mapped', `Savings product ${code} has no GL mapping.`, '/product');
}

function loanOf(mapping: GlMapping, code: string): LoanProductGl {
  const gl = own(mapping.loans, code);
  if (gl) return gl;
  throw rejected('product-not-mapped', `Loan product ${code} has no GL mapping.`, '/product');
}

function fundsAccount(mapping: GlMapping, funds: Funds): AccountCode {
  switch (funds.kind) {
    case 'cash':
      return mapping.cash;
    case 'bank':
      return mapping.bank;
    case 'deposit_with_parent':
      return mapping.depositWithParent;
    case 'settlement_in_transit':
      return mapping.settlementInTransit;
    case 'shu_payable':
      return mapping.shuPayable;
    case 'savings':
      return savingsOf(mapping, funds.product).account;
  }
}

function resolve(ref: SlotRef, movement: Movement, mapping: GlMapping): AccountCode {
  if ('gl' in ref) return mapping[ref.gl];
  if ('savings' in ref) return savingsOf(mapping, product(movement))[ref.savings];
  if ('loan' in ref) return loanOf(mapping, product(movement))[ref.loan];
  if ('funds' in ref) return fundsAccount(mapping, field(movement, ref.funds) as Funds);
  const coop = field(movement, ref.memberClearing);
  invariant(typeof coop === 'string', `${movement.type}.${ref.memberClearing} is not a coop id`);
  const account = own(mapping.memberClearing, coop);
  if (!account) {
    throw rejected('member-clearing-not-mapped', `No clearing account for member coop ${coop}.`);
  }
  return account;
}

/** The movement's Money fields: ≥ 0 and all of one currency. */
function currencyOf(movement: Movement): string {
  const amounts = Object.entries(movement).filter(([, value]) => isMoney(value)) as [
    string,
    Money,
  ][];
  for (const [name, amount] of amounts) {
    if (amount.amountMinor < 0n) {
      throw rejected(
        'movement-amount-negative',
        `${name} must not be negative.`,
        `/movement/${name}`,
      );
    }
  }
  const currencies = new Set(amounts.map(([, amount]) => amount.currency));
  if (currencies.size !== 1) {
    throw rejected(
      'movement-currency-mixed',
      `${movement.type} mixes ${[...currencies].join(', ')}.`,
    );
  }
  return [...currencies][0]!;
}

/** The journal lines of a movement under a coop's GL mapping; zero lines are left out. */
export function postingFor(movement: Movement, mapping: GlMapping, memo?: string): JournalLine[] {
  const currency = currencyOf(movement);
  const rule: RuleAtRunTime = POSTING_RULES[movement.type];
  const lines = rule.lines.flatMap((lineRule) => {
    const total = lineRule.amount.reduce((sum, name) => {
      const value = field(movement, name);
      return isMoney(value) ? sum + value.amountMinor : sum;
    }, 0n);
    if (total === 0n) return [];
    const account = resolve(lineRule.account, movement, mapping);
    const amount = money(total, currency);
    return [
      lineRule.side === 'debit' ? debit(account, amount, memo) : credit(account, amount, memo),
    ];
  });
  if (lines.length === 0) {
    throw rejected('movement-empty', `${movement.type} moves no money.`, '/movement');
  }
  for (const t of totalsByCurrency(lines).values()) {
    invariant(t.debitMinor === t.creditMinor, `posting rule ${movement.type} does not balance`);
  }
  return lines;
}

/** The entry to post for a money event: its coop's mapping in force on its business date. */
export function journalEntryFor(
  event: MoneyEvent,
  mappings: readonly GlMapping[],
  entryId: EntryId,
): JournalEntry {
  const mapping = glMappingOn(mappings, event.coopId, event.businessDate);
  const { description } = POSTING_RULES[event.movement.type];
  const productCode = field(event.movement, 'product');
  const what = typeof productCode === 'string' ? `${description} ${productCode}` : description;
  return {
    entryId,
    coopId: event.coopId,
    businessDate: event.businessDate,
    recordedAt: event.recordedAt,
    description: event.reference === undefined ? what : `${what} — ${event.reference}`,
    lines: postingFor(event.movement, mapping, event.reference),
    source: { eventId: event.eventId, type: event.eventType },
  };
}
