import { conflict, notFound, rejected, unreachable, type Decider } from '@kopfed/domain';
import { normalSide } from '../chart/account';
import { applyChartChanges, DEFAULT_CHART, type Chart } from '../chart/chart';
import { assertBalanceRules } from '../journal/balance-rules';
import { netChanges } from '../journal/balances';
import { ENTRY_REVERSAL, reversalOf, SHU_ROLL_FORWARD, YEAR_END_CLOSING } from '../journal/entry';
import { assertPostable } from '../journal/entry-checks';
import { yearOf, type BusinessDate } from '../period';
import type { LedgerCommand, LedgerEvent, LedgerState } from './ledger-model';
import { evolveLedger, initialLedgerState } from './ledger-state';
import { decideClose } from './year-end-close';

type Command<T extends LedgerCommand['type']> = Extract<LedgerCommand, { type: T }>;

/**
 * One coop's ledger, one stream per coop (`ledger-<coopId>`). Every entry balances, takes
 * effect in an open period, keeps every account within its balance rule, and posts its
 * source event at most once: the same source event again changes nothing.
 */
export const ledgerDecider: Decider<LedgerState, LedgerCommand, LedgerEvent> = {
  initialState: initialLedgerState,
  evolve: evolveLedger,
  decide(command, state) {
    switch (command.type) {
      case 'ConfigureChart':
        return configureChart(command, state);
      case 'PostEntry':
        return postEntry(command, state);
      case 'ReverseEntry':
        return reverseEntry(command, state);
      case 'ClosePeriod':
        return decideClose(command, state, chartOf(state, command.coopId));
      default:
        return unreachable(command, 'ledger command');
    }
  },
};

function chartOf(state: LedgerState, coopId: string): Chart {
  if (state.chart === null) {
    throw conflict('chart-not-configured', 'Configure the chart of accounts first.');
  }
  if (coopId !== state.coopId) {
    throw rejected('coop-mismatch', `This ledger belongs to coop ${state.coopId}.`, '/coopId');
  }
  return state.chart;
}

function configureChart(command: Command<'ConfigureChart'>, state: LedgerState): LedgerEvent[] {
  if (state.coopId !== null && command.coopId !== state.coopId) {
    throw rejected('coop-mismatch', `This ledger belongs to coop ${state.coopId}.`, '/coopId');
  }
  const chart = applyChartChanges(state.chart ?? DEFAULT_CHART, command.changes);
  // An account with a balance keeps its meaning: no removing, retyping or making it a header.
  for (const code of state.balances.keys()) {
    const before = state.chart?.accounts.get(code);
    const after = chart.accounts.get(code);
    const retyped =
      before !== undefined &&
      after !== undefined &&
      (before.type !== after.type || normalSide(before) !== normalSide(after));
    if (!after || !after.postable || retyped) {
      const message = `Account ${code} has a balance; it cannot be removed or retyped.`;
      throw conflict('account-in-use', message, { account: code });
    }
  }
  // The year-end close rolls forward what SHU tahun berjalan holds: moving the role away from
  // an undivided SHU would leave it there for good.
  const shuAccount = state.chart?.roles.currentYearShu;
  if (shuAccount !== undefined && chart.roles.currentYearShu !== shuAccount) {
    if (state.balances.has(shuAccount)) {
      const message = `SHU tahun berjalan ${shuAccount} holds an SHU not yet divided or carried forward; it stays the role's account.`;
      throw conflict('role-in-use', message, { account: shuAccount });
    }
  }
  return [
    {
      type: 'ChartConfigured',
      data: {
        coopId: command.coopId,
        accounts: [...chart.accounts.values()],
        roles: chart.roles,
        configuredAt: command.configuredAt,
      },
    },
  ];
}

function assertOpen(state: LedgerState, businessDate: string): void {
  if (state.closedThrough !== null && businessDate <= state.closedThrough) {
    throw conflict(
      'period-closed',
      `The books are closed through ${state.closedThrough}; date the entry later, or correct ` +
        'a closed period with a reversing entry in the open one.',
      { closedThrough: state.closedThrough, businessDate },
    );
  }
}

/**
 * An entry made by hand is dated on or before today, and not before the books could have
 * begun: the earliest date they hold, or, on books holding nothing that early, 31 December
 * ten years back (books are kept ten years, UU KUP Ps. 28(11); a coop that brings its history
 * in may post opening balances that old). A date outside is a typo.
 */
const BOOKS_KEPT_YEARS = 10;

function assertDatedInBooks(state: LedgerState, businessDate: BusinessDate, today: BusinessDate) {
  if (businessDate > today) {
    throw rejected(
      'entry-dated-ahead',
      `The entry is dated ${businessDate}, after today's business date ${today} (Asia/Jakarta).`,
      '/businessDate',
    );
  }
  const opening = `${yearOf(today) - BOOKS_KEPT_YEARS}-12-31`;
  const { earliestEntryDate } = state;
  const floor =
    earliestEntryDate !== null && earliestEntryDate < opening ? earliestEntryDate : opening;
  if (businessDate < floor) {
    throw rejected(
      'entry-before-books',
      `The entry is dated ${businessDate}, before these books begin (${floor}).`,
      '/businessDate',
    );
  }
}

function postEntry({ entry, today }: Command<'PostEntry'>, state: LedgerState): LedgerEvent[] {
  const chart = chartOf(state, entry.coopId);
  if (entry.reverses !== undefined) {
    throw rejected('use-reverse-entry', 'A reversal is made with ReverseEntry.', '/reverses');
  }
  if ([YEAR_END_CLOSING, SHU_ROLL_FORWARD, ENTRY_REVERSAL].includes(entry.source.type)) {
    throw rejected('source-type-reserved', `${entry.source.type} entries are the ledger's own.`);
  }
  if (state.posted.has(entry.source.eventId)) return [];
  assertPostable(entry, chart);
  if (today !== undefined) assertDatedInBooks(state, entry.businessDate, today);
  assertOpen(state, entry.businessDate);
  assertBalanceRules(chart, state.balances, netChanges(entry.lines));
  return [{ type: 'EntryPosted', data: { entry } }];
}

function reverseEntry(command: Command<'ReverseEntry'>, state: LedgerState): LedgerEvent[] {
  const { original } = command;
  const chart = chartOf(state, original.coopId);
  if (state.posted.has(command.sourceEventId)) return [];
  if (state.posted.get(original.source.eventId) !== original.entryId) {
    throw notFound('entry-not-found', `No entry ${original.entryId} was posted in this ledger.`);
  }
  if (original.reverses !== undefined) {
    throw rejected('reversal-not-reversible', 'A reversal is not reversed; post the entry again.');
  }
  if (original.source.type === YEAR_END_CLOSING || original.source.type === SHU_ROLL_FORWARD) {
    throw rejected('closing-entry-not-reversible', 'A year-end closing entry is not reversed.');
  }
  if (state.reversed.has(original.entryId)) {
    throw conflict('entry-already-reversed', `Entry ${original.entryId} is already reversed.`);
  }
  if (command.businessDate < original.businessDate) {
    throw rejected(
      'reversal-before-original',
      `The reversal must be dated on or after ${original.businessDate}.`,
      '/businessDate',
    );
  }
  if (command.today !== undefined) assertDatedInBooks(state, command.businessDate, command.today);
  const reversal = reversalOf(original, {
    entryId: command.reversalEntryId,
    businessDate: command.businessDate,
    recordedAt: command.recordedAt,
    sourceEventId: command.sourceEventId,
    reason: command.reason,
  });
  assertPostable(reversal, chart);
  assertOpen(state, reversal.businessDate);
  assertBalanceRules(chart, state.balances, netChanges(reversal.lines));
  return [{ type: 'EntryReversed', data: { reversal, reason: command.reason } }];
}
