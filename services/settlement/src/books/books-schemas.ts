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

/** Every report tells what it leaves out: money events refused by a ledger, not posted yet. */
export const UnpostedSummaryOut = z
  .object({
    count: z.int().min(0).describe('money events waiting to post'),
    oldestBusinessDate: z
      .string()
      .nullable()
      .describe('the earliest business date among them; null when none waits'),
    coops: z
      .array(z.string())
      .describe('the coops with events waiting: GET /coops/{coopId}/books/unposted lists them'),
  })
  .describe(
    'Money events the ledger refused (books/unposted) and close of business retries: what waits now, whatever the as-of asked. The report leaves them out, so while count > 0 the books are incomplete.',
  );

/** A report of one coop's books, with what waits to post into them. */
export const CoopReport = <T extends z.ZodObject>(inner: T) =>
  inner.extend({ unposted: UnpostedSummaryOut });

/** A report of a coop and every coop below it; `unposted` covers them all. */
export const Consolidated = <T extends z.ZodType>(inner: T) =>
  z.object({
    root: z.string(),
    coops: z.array(z.string()),
    statement: inner,
    unposted: UnpostedSummaryOut,
  });

export const EliminationsOut = z.array(
  z.object({ coopId: z.string(), account: z.string(), currency: z.string(), eliminated: Minor }),
);
