import type {
  BalanceSheet,
  GeneralLedger,
  JournalEntry,
  ShuStatement,
  StatementGroup,
  StatementLine,
  TrialBalance,
} from '@kopfed/ledger';

/** The books in JSON: every bigint as a decimal string (BRIEF §4). */
const s = (minor: bigint): string => minor.toString();

export const trialBalanceJson = (tb: TrialBalance) => ({
  rows: tb.rows.map((r) => ({
    account: r.account,
    name: r.name,
    type: r.type,
    currency: r.currency,
    debitTurnover: s(r.debitTurnoverMinor),
    creditTurnover: s(r.creditTurnoverMinor),
    debitBalance: s(r.debitBalanceMinor),
    creditBalance: s(r.creditBalanceMinor),
  })),
  totals: tb.totals.map((t) => ({
    currency: t.currency,
    debitTurnover: s(t.debitTurnoverMinor),
    creditTurnover: s(t.creditTurnoverMinor),
    debitBalance: s(t.debitBalanceMinor),
    creditBalance: s(t.creditBalanceMinor),
  })),
});

const lines = (items: readonly StatementLine[]) =>
  items.map((l) => ({ account: l.account, name: l.name, amount: s(l.amountMinor) }));
const groups = (items: readonly StatementGroup[]) =>
  items.map((g) => ({
    account: g.account,
    name: g.name,
    level: g.level,
    amount: s(g.amountMinor),
  }));

export const balanceSheetJson = (b: BalanceSheet) => ({
  currency: b.currency,
  assets: lines(b.assets),
  liabilities: lines(b.liabilities),
  equity: lines(b.equity),
  currentResult: s(b.currentResultMinor),
  totalAssets: s(b.totalAssetsMinor),
  totalLiabilities: s(b.totalLiabilitiesMinor),
  totalEquity: s(b.totalEquityMinor),
  groups: groups(b.groups),
});

export const shuStatementJson = (st: ShuStatement) => ({
  currency: st.currency,
  from: st.from,
  to: st.to,
  income: lines(st.income),
  expense: lines(st.expense),
  totalIncome: s(st.totalIncomeMinor),
  totalExpense: s(st.totalExpenseMinor),
  result: s(st.resultMinor),
  groups: groups(st.groups),
});

export const generalLedgerJson = (gl: GeneralLedger) => ({
  account: gl.account,
  name: gl.name,
  currency: gl.currency,
  from: gl.from ?? null,
  to: gl.to ?? null,
  opening: s(gl.openingMinor),
  closing: s(gl.closingMinor),
  lines: gl.lines.map((l) => ({
    entryId: l.entryId,
    businessDate: l.businessDate,
    recordedAt: l.recordedAt,
    description: l.description,
    memo: l.memo ?? null,
    debit: s(l.debitMinor),
    credit: s(l.creditMinor),
    balance: s(l.balanceMinor),
  })),
});

const money = (m: { amountMinor: bigint; currency: string }) => ({
  amount: s(m.amountMinor),
  currency: m.currency,
});

export const entryJson = (e: JournalEntry) => ({
  entryId: e.entryId,
  coopId: e.coopId,
  businessDate: e.businessDate,
  recordedAt: e.recordedAt,
  description: e.description,
  lines: e.lines.map((l) => ({
    account: l.account,
    ...(l.debit ? { debit: money(l.debit) } : {}),
    ...(l.credit ? { credit: money(l.credit) } : {}),
    ...(l.memo === undefined ? {} : { memo: l.memo }),
  })),
  source: e.source,
  ...(e.reverses === undefined ? {} : { reverses: e.reverses }),
});
