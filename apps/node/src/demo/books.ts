import type { DemoClient } from './http';
import { idr } from './http';
import type { CoopPlan, PlannedTransfer } from './world';

/** The demo's savings products by kind, and its one loan product (coop-sync.ts opens them). */
export type SavingsKind = 'pokok' | 'wajib' | 'sukarela' | 'berjangka';
export const LOAN_PRODUCT = 'PINJAMAN';

/**
 * Where each kind of simpanan sits in the default chart (packages/ledger default-chart.ts):
 * pokok and wajib are equity, sukarela and berjangka liabilities (BRIEF §5).
 */
const SAVINGS_ACCOUNT: Record<SavingsKind, string> = {
  pokok: '3-100',
  wajib: '3-200',
  sukarela: '2-110',
  berjangka: '2-120',
};

/** Cadangan: the equity an opening balance sheet balances against, here. */
const RESERVE = '3-300';

/** Opening balances are round figures, as on the balance sheet a coop brings from its old books. */
const ROUND_TO_MINOR = 10_000_000n;

const roundUp = (minor: bigint) =>
  ((minor + ROUND_TO_MINOR - 1n) / ROUND_TO_MINOR) * ROUND_TO_MINOR;

/**
 * The kas (1-110) and bank (1-120) a coop holds when kopfed starts keeping its books. The
 * ledger holds those accounts at or above zero judged on what it has posted so far, and it
 * reads the savings, loan and settlement feeds separately, so a disbursement may reach it
 * before the deposits that funded it: the opening kas covers every loan the plan disburses
 * and every withdrawal, and the opening bank every transfer the coop sends (its net settles
 * through the bank), whatever order they arrive in.
 */
export function openingBalances(
  coop: CoopPlan,
  transferRounds: readonly (readonly PlannedTransfer[])[],
): { cashMinor: bigint; bankMinor: bigint } {
  let cashOut = 0n;
  for (const loan of coop.loans) cashOut += BigInt(loan.principal);
  for (const item of coop.savings)
    if (item.type === 'withdrawal') cashOut += BigInt(item.amount.amount);
  let bankOut = 0n;
  for (const t of transferRounds.flat())
    if (t.fromCoopId === coop.coopId) bankOut += BigInt(t.amount);
  return { cashMinor: roundUp(cashOut), bankMinor: roundUp(bankOut) };
}

interface GlMappingView {
  coopId: string;
  cash: string;
  bank: string;
  effectiveFrom: string;
  memberClearing: Record<string, string>;
  savings: Record<string, unknown>;
  loans: Record<string, unknown>;
}

/**
 * The coop sets up its books before its system syncs anything: a GL mapping from its founding
 * that names every savings product the demo opens, and its opening balance sheet, dated its
 * founding, so every money event after it posts.
 */
export async function openBooks(
  coop: DemoClient,
  plan: CoopPlan,
  products: readonly { code: string; kind: SavingsKind }[],
  transferRounds: readonly (readonly PlannedTransfer[])[],
  foundedOn: string,
): Promise<void> {
  const base = `/api/settlement/v1/coops/${plan.coopId}`;
  const current = await coop.get<GlMappingView>(`${base}/gl-mapping?on=${foundedOn}`);
  const { coopId: _coop, effectiveFrom: _from, memberClearing: _members, ...mapping } = current;
  const savings = Object.fromEntries(
    products.map((p) => [
      p.code,
      {
        account: SAVINGS_ACCOUNT[p.kind],
        interestExpense: '5-110',
        feeIncome: '4-120',
        penaltyIncome: '4-130',
      },
    ]),
  );
  const set = await coop.write<GlMappingView>(
    'PUT',
    `${base}/gl-mapping/${foundedOn}`,
    `gl-mapping:${plan.coopId}`,
    { ...mapping, savings: { ...mapping.savings, ...savings } },
    [200],
  );
  const unmapped = products.map((p) => p.code).filter((c) => !set.savings[c]);
  if (!set.loans[LOAN_PRODUCT]) unmapped.push(LOAN_PRODUCT);
  if (unmapped.length > 0)
    throw new Error(`${plan.coopId}: products without a GL mapping: ${unmapped.join(', ')}`);

  const { cashMinor, bankMinor } = openingBalances(plan, transferRounds);
  await coop.write(
    'POST',
    `${base}/journal-entries`,
    `opening:${plan.coopId}`,
    {
      entryId: `opening-${plan.coopId}`,
      businessDate: foundedOn,
      description: 'Saldo awal (opening balance)',
      lines: [
        { account: set.cash, debit: idr(cashMinor) },
        ...(bankMinor > 0n ? [{ account: set.bank, debit: idr(bankMinor) }] : []),
        { account: RESERVE, credit: idr(cashMinor + bankMinor) },
      ],
    },
    [201],
  );
}
