import { DomainError } from '@kopfed/domain';
import { money, type Money } from '@kopfed/money';
import { accountCode, type AccountCode } from '../chart/account';
import { DEFAULT_CHART } from '../chart/chart';
import type { JournalEntry, JournalLine } from '../journal/entry';
import { coopId, entryId, type CoopId } from '../ids';
import type { LedgerCommand, LedgerEvent, LedgerState } from '../ledger/ledger-model';
import { ledgerDecider } from '../ledger/ledger.decider';

/** Test data shared by the ledger's specs. */
export const COOP = coopId('KSP-A');

export const code = (text: string): AccountCode => accountCode(text);
export const idr = (amount: number | bigint): Money => money(BigInt(amount));

export const KAS = code('1-110');
export const BANK = code('1-120');
export const PINJAMAN = code('1-140');
export const PPAP = code('1-141');
export const KLIRING = code('1-160');
export const SUKARELA = code('2-110');
export const UTANG_PAJAK = code('2-130');
export const POKOK = code('3-100');
export const SHU_DITAHAN = code('3-400');
export const SHU_BERJALAN = code('3-500');
export const BUNGA_PINJAMAN = code('4-110');
export const BEBAN_BUNGA = code('5-110');
export const BEBAN_PENYISIHAN = code('5-120');
export const BEBAN_UMUM = code('5-210');

export function chartConfigured(coop: CoopId = COOP): LedgerEvent {
  return {
    type: 'ChartConfigured',
    data: {
      coopId: coop,
      accounts: [...DEFAULT_CHART.accounts.values()],
      roles: DEFAULT_CHART.roles,
      configuredAt: '2026-01-01T00:00:00.000Z',
    },
  };
}

export function entry(
  id: string,
  businessDate: string,
  lines: JournalLine[],
  extra: Partial<JournalEntry> = {},
): JournalEntry {
  return {
    entryId: entryId(id),
    coopId: COOP,
    businessDate,
    recordedAt: `${businessDate}T03:00:00.000Z`,
    description: `entry ${id}`,
    lines,
    source: { eventId: `src-${id}`, type: 'Test' },
    ...extra,
  };
}

export const posted = (e: JournalEntry): LedgerEvent => ({
  type: 'EntryPosted',
  data: { entry: e },
});

export const given = (events: readonly LedgerEvent[]): LedgerState =>
  events.reduce(ledgerDecider.evolve, ledgerDecider.initialState());

/** Decides each command on the state so far; refused commands are skipped and counted. */
export function run(
  commands: readonly LedgerCommand[],
  start: readonly LedgerEvent[] = [],
): { state: LedgerState; events: LedgerEvent[]; refused: number } {
  let state = given(start);
  const events: LedgerEvent[] = [...start];
  let refused = 0;
  for (const command of commands) {
    try {
      const decided = ledgerDecider.decide(command, state);
      state = decided.reduce(ledgerDecider.evolve, state);
      events.push(...decided);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused++;
    }
  }
  return { state, events, refused };
}

/** `[kind, code]` of the DomainError `fn` throws, `['none']` when it throws nothing. */
export function refusal(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return [error.kind, error.code];
    throw error;
  }
  return ['none'];
}
