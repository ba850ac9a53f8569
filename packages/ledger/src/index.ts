export {
  coopId,
  entryId,
  productCode,
  type Brand,
  type CoopId,
  type EntryId,
  type ProductCode,
} from './ids';
export {
  isBusinessDate,
  isInstant,
  periodEnd,
  periodStart,
  yearOf,
  type BusinessDate,
  type Period,
} from './period';

export {
  accountCode,
  compareCodes,
  isAccountCode,
  normalSide,
  toNormal,
  typeOfCode,
  type Account,
  type AccountCode,
  type AccountType,
  type BalanceRule,
  type Side,
} from './chart/account';
export {
  ancestorsOf,
  applyChartChanges,
  chartOf,
  chartProblems,
  DEFAULT_CHART,
  type Chart,
  type ChartChanges,
  type ChartRoles,
} from './chart/chart';
export { DEFAULT_ACCOUNTS, DEFAULT_ROLES } from './chart/default-chart';

export {
  amountOf,
  credit,
  debit,
  ENTRY_REVERSAL,
  reversalOf,
  SHU_ROLL_FORWARD,
  sideOf,
  signedMinor,
  totalsByCurrency,
  YEAR_END_CLOSING,
  type JournalEntry,
  type JournalLine,
  type ReversalOptions,
  type SourceRef,
} from './journal/entry';
export { assertPostable, MAX_LINES_PER_ENTRY } from './journal/entry-checks';
export { assertBalanceRules } from './journal/balance-rules';
export {
  applyLines,
  balanceOf,
  balancesToRecord,
  combine,
  netByCurrency,
  netChanges,
  NO_BALANCES,
  type Balances,
} from './journal/balances';

export { ledgerDecider } from './ledger/ledger.decider';
export { balancesAtYearEnd, evolveLedger, initialLedgerState } from './ledger/ledger-state';
export { journalOf } from './ledger/journal';
export type {
  ChartConfigured,
  EntryPosted,
  EntryReversed,
  LedgerCommand,
  LedgerEvent,
  LedgerState,
  PeriodClosed,
} from './ledger/ledger-model';

export type { Funds, Movement, MovementType } from './posting/movements';
export {
  DEFAULT_LOAN_GL,
  DEFAULT_SHU_SLOTS,
  defaultGlMapping,
  glMappingOn,
  glMappingProblems,
  savingsGl,
  type GlMapping,
  type GlSlots,
  type LoanProductGl,
  type SavingsProductGl,
} from './posting/gl-mapping';
export {
  POSTING_RULES,
  type AccountRef,
  type LineRule,
  type PostingRule,
  type PostingRules,
} from './posting/posting-rules';
export { journalEntryFor, postingFor, type MoneyEvent } from './posting/posting-for';

export { entriesAsOf, entriesBetween, type AsOf } from './books/as-of';
export {
  balancesOf,
  trialBalance,
  type TrialBalance,
  type TrialBalanceRow,
  type TrialBalanceTotals,
} from './books/trial-balance';
export {
  generalLedger,
  type GeneralLedger,
  type GeneralLedgerLine,
  type GeneralLedgerOptions,
} from './books/general-ledger';
export { balanceSheet, type BalanceSheet } from './books/balance-sheet';
export { shuStatement, type ShuStatement, type ShuStatementOptions } from './books/shu-statement';
export type { StatementGroup, StatementLine } from './books/statement-lines';
export {
  CLEARING_DIFFERENCE,
  consolidatedTrialBalance,
  groupEntries,
  groupOf,
  mergeCharts,
  type ConsolidatedTrialBalance,
  type ConsolidationOptions,
  type CoopBooks,
  type Elimination,
  type FederationNode,
} from './books/consolidation';

export {
  decodeLedgerEvent,
  encodeLedgerEvent,
  storedEventsDecider,
  type StoredLedgerEvent,
} from './codec/stored-events';
