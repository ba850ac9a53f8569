import type { LoanEvent } from './loan-events';

/**
 * A borrower's statement: the money that moved on the loan, in order, with the principal
 * outstanding after each line. A penalty is charged each day a loan is overdue, so the
 * penalties of a month are one line.
 */
export interface StatementLine {
  date: string;
  kind:
    | 'disbursement'
    | 'repayment'
    /** A repayment from savings the savings service refused: taken back as of its date. */
    | 'repayment_reversed'
    | 'fee'
    | 'penalty'
    | 'waiver'
    | 'restructuring'
    | 'write_off'
    | 'recovery'
    /** A recovery from savings the savings service refused: taken back as of its date. */
    | 'recovery_reversed';
  amount: bigint;
  principal: bigint;
  interest: bigint;
  penalty: bigint;
  fee: bigint;
  outstandingPrincipal: bigint;
}

export interface Statement {
  openingPrincipal: bigint;
  lines: StatementLine[];
  closingPrincipal: bigint;
}

type Amounts = Partial<Omit<StatementLine, 'date' | 'kind' | 'outstandingPrincipal'>>;

export function statementOf(
  events: readonly (LoanEvent & { businessDate: string })[],
  from: string,
  to: string,
): Statement {
  let outstanding = 0n;
  let opening = 0n;
  let closing = 0n;
  const lines: StatementLine[] = [];
  for (const event of events) {
    const entry = lineOf(event, outstanding);
    if (!entry) continue;
    outstanding = entry.outstanding;
    const { date } = entry;
    if (date < from) opening = outstanding;
    if (date <= to) closing = outstanding;
    if (date < from || date > to) continue;
    const previous = lines[lines.length - 1];
    const month = date.slice(0, 7);
    if (
      entry.kind === 'penalty' &&
      previous?.kind === 'penalty' &&
      previous.date.slice(0, 7) === month
    ) {
      previous.amount += entry.amounts.amount ?? 0n;
      previous.penalty += entry.amounts.penalty ?? 0n;
      previous.date = date;
      continue;
    }
    lines.push({
      date,
      kind: entry.kind,
      amount: 0n,
      principal: 0n,
      interest: 0n,
      penalty: 0n,
      fee: 0n,
      ...entry.amounts,
      outstandingPrincipal: outstanding,
    });
  }
  return { openingPrincipal: opening, lines, closingPrincipal: closing };
}

function lineOf(
  event: LoanEvent,
  outstanding: bigint,
):
  { date: string; kind: StatementLine['kind']; amounts: Amounts; outstanding: bigint } | undefined {
  switch (event.type) {
    case 'LoanDisbursed': {
      const principal = event.data.installments.reduce((sum, i) => sum + BigInt(i.principal), 0n);
      return {
        date: event.data.disbursedOn,
        kind: 'disbursement',
        amounts: { amount: principal, principal, fee: BigInt(event.data.fee) },
        outstanding: outstanding + principal,
      };
    }
    case 'LoanRepaid': {
      const d = event.data;
      return {
        date: d.paidOn,
        kind: 'repayment',
        amounts: {
          amount: BigInt(d.amount),
          principal: BigInt(d.principal),
          interest: BigInt(d.interest) + BigInt(d.accruedInterest),
          penalty: BigInt(d.penalty),
          fee: BigInt(d.fee),
        },
        outstanding: BigInt(d.outstandingPrincipal),
      };
    }
    case 'LoanRepaymentReversed': {
      const d = event.data;
      return {
        date: d.paidOn,
        kind: 'repayment_reversed',
        amounts: {
          amount: BigInt(d.amount),
          principal: BigInt(d.principal),
          interest: BigInt(d.interest) + BigInt(d.accruedInterest),
          penalty: BigInt(d.penalty),
          fee: BigInt(d.fee),
        },
        outstanding: BigInt(d.outstandingPrincipal),
      };
    }
    case 'LoanFeeCharged': {
      const fee = BigInt(event.data.fee);
      return {
        date: event.data.chargedOn,
        kind: 'fee',
        amounts: { amount: fee, fee },
        outstanding,
      };
    }
    case 'LoanPenaltyCharged': {
      const penalty = BigInt(event.data.penalty);
      if (penalty === 0n) return undefined;
      return {
        date: event.data.chargedFor,
        kind: 'penalty',
        amounts: { amount: penalty, penalty },
        outstanding,
      };
    }
    case 'LoanLateChargesWaived': {
      // Charged for days a repayment dated before them had covered: taken back as of its date.
      const penalty = BigInt(event.data.penalty);
      const fee = BigInt(event.data.fee);
      if (penalty === 0n && fee === 0n) return undefined;
      return {
        date: event.data.paidOn,
        kind: 'waiver',
        amounts: { amount: penalty + fee, penalty, fee },
        outstanding,
      };
    }
    case 'LoanRestructured':
      return { date: event.data.restructuredOn, kind: 'restructuring', amounts: {}, outstanding };
    case 'LoanWrittenOff': {
      const principal = BigInt(event.data.principal);
      return {
        date: event.data.writtenOffOn,
        kind: 'write_off',
        amounts: { amount: principal, principal },
        outstanding: 0n,
      };
    }
    case 'LoanRecovered':
      return {
        date: event.data.recoveredOn,
        kind: 'recovery',
        amounts: { amount: BigInt(event.data.amount) },
        outstanding,
      };
    case 'LoanRecoveryReversed':
      return {
        date: event.data.recoveredOn,
        kind: 'recovery_reversed',
        amounts: { amount: BigInt(event.data.amount) },
        outstanding,
      };
    default:
      return undefined;
  }
}
