import { z } from 'zod';
import { MoneyOut, money } from '../shared/http-schemas';
import { daysBetween } from '../shared/dates';
import {
  billedUnpaid,
  collateralShortfall,
  earnedUnbilledInterest,
  isSettled,
  oldestUnpaidBefore,
  outstandingPrincipal,
  unpaidInterest,
  unpaidPrincipal,
  type Installment,
  type LoanState,
} from './loan-state';

export const LoanOut = z.object({
  loanId: z.string(),
  coopId: z.string(),
  memberId: z.string(),
  borrower: z.object({
    kind: z.enum(['person', 'coop']),
    memberCoopId: z.string().optional(),
    agreementId: z.string().optional(),
  }),
  productCode: z.string(),
  status: z.enum(['applied', 'approved', 'rejected', 'active', 'closed', 'written_off']),
  origin: z.enum(['kopfed', 'sync']),
  externalId: z.string().nullable(),
  principal: MoneyOut,
  termMonths: z.int(),
  graceMonths: z.int(),
  method: z.string(),
  annualRatePercent: z.string(),
  appliedOn: z.string(),
  approvedOn: z.string().nullable(),
  disbursedOn: z.string().nullable(),
  maturityDate: z.string().nullable(),
  outstandingPrincipal: MoneyOut,
  due: z
    .object({ principal: MoneyOut, interest: MoneyOut, penalty: MoneyOut, fee: MoneyOut })
    .describe('what is due today and unpaid'),
  payoffAmount: MoneyOut.describe('what pays the loan off today'),
  daysPastDue: z.int(),
  kolektibilitas: z.enum(['L', 'DPK', 'KL', 'D', 'M']),
  provision: MoneyOut,
  accruedInterest: MoneyOut.describe('interest accrued and not yet paid'),
  collateral: z
    .object({
      savingsAccountId: z.string(),
      required: MoneyOut,
      held: MoneyOut,
      holdId: z.string().nullable(),
      refused: z
        .object({ reason: z.string(), detail: z.string(), refusedOn: z.string() })
        .nullable()
        .describe(
          'the savings service refused the hold (e.g. insufficient-funds): the loan is not secured and is not disbursed',
        ),
      shortfall: MoneyOut.describe(
        "what an active loan's share of its outstanding principal needs held beyond what is held: the hold a repayment savings refused had shrunk or released, or one savings ended on its own; 0 when fully secured",
      ),
    })
    .nullable(),
  nextInstallment: z.object({ number: z.int(), dueDate: z.string(), amount: MoneyOut }).nullable(),
  failedRepayments: z
    .array(
      z.object({
        kind: z.enum(['repayment', 'recovery']),
        repaymentId: z
          .string()
          .describe('the LoanRepaid (or LoanRecovered) event savings answered'),
        amount: MoneyOut,
        paidOn: z.string(),
        reason: z.string(),
        detail: z.string(),
        refusedOn: z.string(),
        reversed: z.boolean(),
      }),
    )
    .describe(
      'repayments (and recoveries) from savings the savings service refused to debit (e.g. insufficient-funds): reversed, they are owed again; not reversed (later history built on them), staff settle them',
    ),
  closedOn: z.string().nullable(),
  writtenOff: z
    .object({ writtenOffOn: z.string(), claim: MoneyOut, recovered: MoneyOut })
    .nullable(),
});
export type LoanOut = z.input<typeof LoanOut>;

export function loanView(state: LoanState, today: string): LoanOut {
  const status = state.status === 'none' ? 'applied' : state.status;
  const active = state.status === 'active';
  const billed = active ? billedUnpaid(state, today) : { principal: 0n, interest: 0n };
  const oldest = active ? oldestUnpaidBefore(state, today) : undefined;
  const next = active
    ? state.installments.find((i) => i.dueDate >= today && !isSettled(i))
    : undefined;
  const last = state.installments[state.installments.length - 1];
  return {
    loanId: state.loanId,
    coopId: state.coopId,
    memberId: state.memberId,
    borrower: state.borrower,
    productCode: state.productCode,
    status,
    origin: state.origin,
    externalId: state.externalId,
    principal: money(state.principal),
    termMonths: state.termMonths,
    graceMonths: state.graceMonths,
    method: state.method,
    annualRatePercent: state.annualRatePercent,
    appliedOn: state.appliedOn,
    approvedOn: state.approvedOn,
    disbursedOn: state.disbursedOn,
    maturityDate: last?.dueDate ?? null,
    outstandingPrincipal: money(active ? outstandingPrincipal(state) : 0n),
    due: {
      principal: money(billed.principal),
      interest: money(billed.interest),
      penalty: money(state.penaltyDue),
      fee: money(state.feeDue),
    },
    payoffAmount: money(active ? payoffAmount(state, today) : 0n),
    daysPastDue: oldest ? daysBetween(oldest.dueDate, today) : 0,
    kolektibilitas: state.kolektibilitas,
    provision: money(state.provision),
    accruedInterest: money(state.interestReceivable),
    collateral: state.collateral && {
      savingsAccountId: state.collateral.savingsAccountId,
      required: money(state.collateral.required),
      held: money(state.collateral.held),
      holdId: state.collateral.holdId,
      refused: state.collateral.refused,
      shortfall: money(collateralShortfall(state)),
    },
    nextInstallment: next
      ? {
          number: next.number,
          dueDate: next.dueDate,
          amount: money(unpaidPrincipal(next) + unpaidInterest(next)),
        }
      : null,
    failedRepayments: state.failedRepayments.map((f) => ({
      ...f,
      amount: money(BigInt(f.amount)),
    })),
    closedOn: state.closedOn,
    writtenOff: state.writtenOff && {
      writtenOffOn: state.writtenOff.writtenOffOn,
      claim: money(state.writtenOff.claim),
      recovered: money(state.writtenOff.recovered),
    },
  };
}

/** Everything due, the interest accrued on the installment in progress, and all principal. */
export function payoffAmount(state: LoanState, on: string): bigint {
  const billed = billedUnpaid(state, on);
  const inProgress = state.installments.find((i) => i.dueDate > on);
  const unbilledInterest = inProgress
    ? earnedUnbilledInterest(state, inProgress, billed.interest, on)
    : 0n;
  return (
    state.penaltyDue +
    state.feeDue +
    billed.interest +
    unbilledInterest +
    outstandingPrincipal(state)
  );
}

export const ScheduleOut = z.object({
  loanId: z.string(),
  installments: z.array(
    z.object({
      number: z.int(),
      dueDate: z.string(),
      principal: MoneyOut,
      interest: MoneyOut,
      total: MoneyOut,
      paidPrincipal: MoneyOut,
      paidInterest: MoneyOut,
      outstandingAfter: MoneyOut,
      status: z.enum(['paid', 'partly_paid', 'overdue', 'due', 'upcoming']),
    }),
  ),
  totalInterest: MoneyOut,
});

export function scheduleView(state: LoanState, today: string): z.input<typeof ScheduleOut> {
  let outstanding = state.installments.reduce((sum, i) => sum + i.principal, 0n);
  return {
    loanId: state.loanId,
    installments: state.installments.map((i) => {
      outstanding -= i.principal;
      return {
        number: i.number,
        dueDate: i.dueDate,
        principal: money(i.principal),
        interest: money(i.interest),
        total: money(i.principal + i.interest),
        paidPrincipal: money(i.paidPrincipal),
        paidInterest: money(i.paidInterest),
        outstandingAfter: money(outstanding),
        status: installmentStatus(i, today),
      };
    }),
    totalInterest: money(state.installments.reduce((sum, i) => sum + i.interest, 0n)),
  };
}

function installmentStatus(i: Installment, today: string) {
  if (isSettled(i)) return 'paid' as const;
  if (i.dueDate < today) return 'overdue' as const;
  if (i.dueDate === today) return 'due' as const;
  return i.paidPrincipal > 0n || i.paidInterest > 0n
    ? ('partly_paid' as const)
    : ('upcoming' as const);
}
