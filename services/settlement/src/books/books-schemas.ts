import { z } from 'zod';
import { Minor } from '../shared/schemas';

const Line = z.object({ account: z.string(), name: z.string(), amount: Minor });
const Group = Line.extend({ level: z.int() });

export const TrialBalanceOut = z.object({
  rows: z.array(
    z.object({
      account: z.string(),
      name: z.string(),
      type: z.string(),
      currency: z.string(),
      debitTurnover: Minor,
      creditTurnover: Minor,
      debitBalance: Minor,
      creditBalance: Minor,
    }),
  ),
  totals: z.array(
    z.object({
      currency: z.string(),
      debitTurnover: Minor,
      creditTurnover: Minor,
      debitBalance: Minor,
      creditBalance: Minor,
    }),
  ),
});

export const BalanceSheetOut = z.object({
  currency: z.string(),
  assets: z.array(Line),
  liabilities: z.array(Line),
  equity: z.array(Line),
  currentResult: Minor,
  totalAssets: Minor,
  totalLiabilities: Minor,
  totalEquity: Minor,
  groups: z.array(Group),
});

export const ShuStatementOut = z.object({
  currency: z.string(),
  from: z.string(),
  to: z.string(),
  income: z.array(Line),
  expense: z.array(Line),
  totalIncome: Minor,
  totalExpense: Minor,
  result: Minor,
  groups: z.array(Group),
});

export const GeneralLedgerOut = z.object({
  account: z.string(),
  name: z.string(),
  currency: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  opening: Minor,
  closing: Minor,
  lines: z.array(
    z.object({
      entryId: z.string(),
      businessDate: z.string(),
      recordedAt: z.string(),
      description: z.string(),
      memo: z.string().nullable(),
      debit: Minor,
      credit: Minor,
      balance: Minor,
    }),
  ),
});

export const Consolidated = <T extends z.ZodType>(inner: T) =>
  z.object({ root: z.string(), coops: z.array(z.string()), statement: inner });

export const EliminationsOut = z.array(
  z.object({ coopId: z.string(), account: z.string(), currency: z.string(), eliminated: Minor }),
);
