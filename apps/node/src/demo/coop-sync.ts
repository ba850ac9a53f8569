import { LOAN_PRODUCT } from './books';
import type { DemoClient } from './http';
import { silentProgress, type Progress } from './progress';
import { inPool, StreamSender } from './sync';
import { idr } from './http';
import type { CoopPlan, DemoPlan, PlannedLoan } from './world';

const CONCURRENCY = 3;
const NONE: ReadonlySet<string> = new Set();

/** Each primary coop's system sends its members in bulk, as its own core would. */
export async function syncMembers(
  coop: DemoClient,
  plan: CoopPlan,
  progress: Progress,
): Promise<Map<string, string>> {
  const base = `/api/member/v1/coops/${plan.coopId}`;
  const sender = new StreamSender(
    coop,
    {
      path: `${base}/member-batches`,
      statusPath: `${base}/sync-status`,
      label: `members:${plan.coopId}`,
      notYet: NONE,
    },
    progress,
  );
  return sender.send(
    plan.persons.map((p) => ({
      externalId: p.externalId,
      memberNumber: p.memberNumber,
      kind: 'person',
      person: p.person,
      joinedOn: p.joinedOn,
    })),
  );
}

/** Simpanan pokok, wajib, sukarela and berjangka (BRIEF §5), as in the savings service's tests. */
export function savingsProducts(effectiveFrom: string) {
  return [
    {
      code: 'POKOK',
      name: 'Simpanan Pokok',
      kind: 'pokok' as const,
      terms: { effectiveFrom, pokokAmount: idr(100_000) },
    },
    {
      code: 'WAJIB',
      name: 'Simpanan Wajib',
      kind: 'wajib' as const,
      securesLoans: true,
      terms: { effectiveFrom, wajibMonthlyAmount: idr(50_000) },
    },
    {
      code: 'SUKARELA',
      name: 'Simpanan Sukarela',
      kind: 'sukarela' as const,
      interest: { basis: 'daily_balance', posting: 'monthly' },
      terms: { effectiveFrom, rateBasisPoints: 365, minimumBalance: idr(10_000) },
    },
    {
      code: 'BERJANGKA_3',
      name: 'Simpanan Berjangka 3 bulan',
      kind: 'berjangka' as const,
      securesLoans: true,
      termMonths: 3,
      interest: { basis: 'daily_balance', posting: 'monthly' },
      terms: {
        effectiveFrom,
        rateBasisPoints: 730,
        earlyWithdrawalPenaltyBasisPoints: 100,
        minimumPlacement: idr(1_000_000),
      },
    },
  ];
}

/** Products, then the accounts' opening, then a year of deposits and withdrawals. */
export async function syncSavings(
  coop: DemoClient,
  plan: CoopPlan,
  foundedOn: string,
  progress: Progress,
): Promise<void> {
  const base = `/api/savings/v1/coops/${plan.coopId}`;
  for (const product of savingsProducts(foundedOn))
    await coop.write(
      'POST',
      `${base}/products`,
      `savings-product:${plan.coopId}:${product.code}`,
      product,
      [201],
    );
  const sender = new StreamSender(
    coop,
    {
      path: `${base}/sync/transactions`,
      statusPath: `${base}/sync/transactions`,
      label: `savings:${plan.coopId}`,
      notYet: new Set(['member-not-found']),
    },
    progress,
  );
  // Accounts first: their owners may still be on their way from the member service.
  await sender.send(plan.savings.filter((item) => item.type === 'open'));
  await sender.send(plan.savings.filter((item) => item.type !== 'open'));
}

interface Instalment {
  number: number;
  dueDate: string;
  total: string;
}

/** Loans from the coop's core with their disbursement and the instalments paid on time. */
export async function syncLoans(
  coop: DemoClient,
  plan: CoopPlan,
  foundedOn: string,
  progress: Progress,
): Promise<void> {
  const base = `/api/loan/v1/coops/${plan.coopId}`;
  await coop.write(
    'POST',
    `${base}/loan-products/${LOAN_PRODUCT}/versions`,
    `loan-product:${plan.coopId}`,
    {
      effectiveFrom: foundedOn,
      terms: {
        name: 'Pinjaman produktif',
        method: 'ANNUITY',
        annualRatePercent: '12',
        minTermMonths: 1,
        maxTermMonths: 60,
        maxGraceMonths: 3,
        minPrincipal: idr(1_000_000),
        maxPrincipal: idr(500_000_000),
        disbursementFeePercent: '1',
        lateFee: idr(25_000),
        penaltyPercentPerDay: '0.1',
      },
    },
    [201],
  );
  const sender = new StreamSender(
    coop,
    {
      path: `${base}/loan-sync-batches`,
      statusPath: `${base}/loan-sync-status`,
      label: `loans:${plan.coopId}`,
      notYet: new Set(['borrower_not_member']),
    },
    progress,
  );
  await sender.send(
    plan.loans.map((loan) => ({
      kind: 'loan',
      externalId: loan.externalId,
      memberExternalId: loan.memberExternalId,
      productCode: LOAN_PRODUCT,
      principal: idr(loan.principal),
      termMonths: loan.termMonths,
      appliedOn: loan.disbursedOn,
    })),
  );
  // Each loan's items stay in order (disbursement first); loans keep the plan's order.
  const servicing: { externalId: string }[][] = [];
  await inPool([...plan.loans.keys()], CONCURRENCY, async (index) => {
    servicing[index] = await loanServicing(coop, plan.loans[index]!);
    progress.tick();
  });
  await sender.send(servicing.flat(), silentProgress);
}

/** The disbursement, then each instalment due before `paidBefore`, paid on its due date. */
async function loanServicing(coop: DemoClient, loan: PlannedLoan) {
  const preview = await coop.write<{ installments: Instalment[] }>(
    'POST',
    '/api/loan/v1/schedule-previews',
    `preview:${loan.externalId}`,
    {
      method: 'ANNUITY',
      principal: String(loan.principal),
      annualRatePercent: '12',
      termMonths: loan.termMonths,
      disbursementDate: loan.disbursedOn,
    },
    [200],
  );
  const paid = preview.installments.filter((i) => i.dueDate < loan.paidBefore);
  return [
    {
      kind: 'disbursement',
      externalId: `${loan.externalId}-CAIR`,
      loanExternalId: loan.externalId,
      disbursedOn: loan.disbursedOn,
      via: { kind: 'cash' },
    },
    ...paid.map((i) => ({
      kind: 'repayment',
      externalId: `${loan.externalId}-BAYAR-${String(i.number).padStart(2, '0')}`,
      loanExternalId: loan.externalId,
      amount: idr(BigInt(i.total)),
      paidOn: i.dueDate,
      via: { kind: 'cash' },
    })),
  ];
}

/** The progress steps the books take: one per member, savings item, loan and loan's servicing. */
export function bookSteps(plan: DemoPlan): number {
  return plan.coops.reduce(
    (sum, c) => sum + c.persons.length + c.savings.length + c.loans.length * 2,
    0,
  );
}
