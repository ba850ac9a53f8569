import { unreachable, type Decider, type DomainEvent } from '@kopfed/domain';
import { parseMoney, toJson } from '@kopfed/money';
import { accountCode, type Account, type BalanceRule } from '../chart/account';
import type { ChartRoles } from '../chart/chart';
import type { JournalEntry, JournalLine } from '../journal/entry';
import { coopId, entryId } from '../ids';
import type { Period } from '../period';
import type { LedgerCommand, LedgerEvent, LedgerState } from '../ledger/ledger-model';

/**
 * The ledger's events as the event store keeps them: plain JSON, money as
 * `{ "amount": "1500000", "currency": "IDR" }` (BRIEF §4), no bigint, no undefined.
 */
type MoneyJson = { amount: string; currency: string };
type StoredLine = { account: string; debit?: MoneyJson; credit?: MoneyJson; memo?: string };
type StoredEntry = Omit<JournalEntry, 'entryId' | 'coopId' | 'lines' | 'reverses'> & {
  entryId: string;
  coopId: string;
  lines: StoredLine[];
  reverses?: string;
};
type StoredRule =
  | { kind: 'none' | 'not_below_zero' }
  | { kind: 'floor'; floor: MoneyJson }
  | { kind: 'ceiling'; ceiling: MoneyJson };
type StoredAccount = Omit<Account, 'code' | 'parent' | 'balanceRule' | 'clearing'> & {
  code: string;
  parent?: string;
  balanceRule: StoredRule;
  clearing?: { counterparty?: string };
};

export type StoredLedgerEvent =
  | DomainEvent<
      'ChartConfigured',
      {
        coopId: string;
        accounts: StoredAccount[];
        roles: { currentYearShu: string; retainedShu: string };
        configuredAt: string;
      }
    >
  | DomainEvent<'EntryPosted', { entry: StoredEntry }>
  | DomainEvent<'EntryReversed', { reversal: StoredEntry; reason: string }>
  | DomainEvent<
      'PeriodClosed',
      { coopId: string; period: Period; closedThrough: string; closedAt: string }
    >;

function encodeLine(line: JournalLine): StoredLine {
  const memo = line.memo === undefined ? {} : { memo: line.memo };
  return line.debit !== undefined
    ? { account: line.account, debit: toJson(line.debit), ...memo }
    : { account: line.account, credit: toJson(line.credit), ...memo };
}

function decodeLine(line: StoredLine): JournalLine {
  const account = accountCode(line.account);
  const memo = line.memo === undefined ? {} : { memo: line.memo };
  return line.debit !== undefined
    ? { account, debit: parseMoney(line.debit), ...memo }
    : { account, credit: parseMoney(line.credit!), ...memo };
}

function encodeEntry({ reverses, lines, ...entry }: JournalEntry): StoredEntry {
  return {
    ...entry,
    lines: lines.map(encodeLine),
    ...(reverses === undefined ? {} : { reverses }),
  };
}

function decodeEntry({ reverses, lines, ...entry }: StoredEntry): JournalEntry {
  return {
    ...entry,
    entryId: entryId(entry.entryId),
    coopId: coopId(entry.coopId),
    lines: lines.map(decodeLine),
    ...(reverses === undefined ? {} : { reverses: entryId(reverses) }),
  };
}

function encodeRule(rule: BalanceRule): StoredRule {
  switch (rule.kind) {
    case 'none':
    case 'not_below_zero':
      return { kind: rule.kind };
    case 'floor':
      return { kind: 'floor', floor: toJson(rule.floor) };
    case 'ceiling':
      return { kind: 'ceiling', ceiling: toJson(rule.ceiling) };
  }
}

function decodeRule(rule: StoredRule): BalanceRule {
  switch (rule.kind) {
    case 'none':
    case 'not_below_zero':
      return { kind: rule.kind };
    case 'floor':
      return { kind: 'floor', floor: parseMoney(rule.floor) };
    case 'ceiling':
      return { kind: 'ceiling', ceiling: parseMoney(rule.ceiling) };
  }
}

function encodeAccount({ parent, clearing, balanceRule, ...account }: Account): StoredAccount {
  const counterparty = clearing?.counterparty;
  return {
    ...account,
    balanceRule: encodeRule(balanceRule),
    ...(parent === undefined ? {} : { parent }),
    ...(clearing === undefined
      ? {}
      : { clearing: counterparty === undefined ? {} : { counterparty } }),
  };
}

function decodeAccount({ parent, clearing, balanceRule, ...account }: StoredAccount): Account {
  const counterparty = clearing?.counterparty;
  return {
    ...account,
    code: accountCode(account.code),
    balanceRule: decodeRule(balanceRule),
    ...(parent === undefined ? {} : { parent: accountCode(parent) }),
    ...(clearing === undefined
      ? {}
      : { clearing: counterparty === undefined ? {} : { counterparty: coopId(counterparty) } }),
  };
}

export function encodeLedgerEvent(event: LedgerEvent): StoredLedgerEvent {
  switch (event.type) {
    case 'ChartConfigured':
      return {
        type: event.type,
        data: { ...event.data, accounts: event.data.accounts.map(encodeAccount) },
      };
    case 'EntryPosted':
      return { type: event.type, data: { entry: encodeEntry(event.data.entry) } };
    case 'EntryReversed':
      return {
        type: event.type,
        data: { ...event.data, reversal: encodeEntry(event.data.reversal) },
      };
    case 'PeriodClosed':
      return { type: event.type, data: event.data };
    default:
      return unreachable(event, 'ledger event');
  }
}

export function decodeLedgerEvent(event: StoredLedgerEvent): LedgerEvent {
  switch (event.type) {
    case 'ChartConfigured': {
      const { roles } = event.data;
      const decodedRoles: ChartRoles = {
        currentYearShu: accountCode(roles.currentYearShu),
        retainedShu: accountCode(roles.retainedShu),
      };
      return {
        type: event.type,
        data: {
          ...event.data,
          coopId: coopId(event.data.coopId),
          accounts: event.data.accounts.map(decodeAccount),
          roles: decodedRoles,
        },
      };
    }
    case 'EntryPosted':
      return { type: event.type, data: { entry: decodeEntry(event.data.entry) } };
    case 'EntryReversed':
      return {
        type: event.type,
        data: { ...event.data, reversal: decodeEntry(event.data.reversal) },
      };
    case 'PeriodClosed':
      return { type: event.type, data: { ...event.data, coopId: coopId(event.data.coopId) } };
    default:
      return unreachable(event, 'stored ledger event');
  }
}

/** The ledger decider over stored (JSON) events: what `handleCommand` appends and replays. */
export function storedEventsDecider(
  decider: Decider<LedgerState, LedgerCommand, LedgerEvent>,
): Decider<LedgerState, LedgerCommand, StoredLedgerEvent> {
  return {
    initialState: decider.initialState,
    evolve: (state, event) => decider.evolve(state, decodeLedgerEvent(event)),
    decide: (command, state) => decider.decide(command, state).map(encodeLedgerEvent),
  };
}
