import { conflict, invariant, rejected } from '@kopfed/domain';
import { amortise } from '../schedule/schedule';
import { MonthlyRate, percentOf } from '../shared/rate';
import { Decision, provide, reclassify } from './close-of-day';
import { asOfPaidOn, chargedFrom, closedThrough, waiverOf } from './late-charges';
import type { LoanCommand } from './loan-commands';
import { evolveLoan } from './loan-evolve';
import type { AppliedToInstallment, LoanEvent, StoredInstallment } from './loan-events';
import {
  earnedUnbilledInterest,
  isSettled,
  outstandingPrincipal,
  unpaidInterest,
  unpaidPrincipal,
  type Installment,
  type LoanState,
} from './loan-state';

type Repay = Extract<LoanCommand, { type: 'RepayLoan' }>;
const min = (...values: bigint[]) => values.reduce((a, b) => (a < b ? a : b));

/**
 * A repayment of any amount. It pays what is due on `paidOn` in the product's order (penalty,
 * fee, interest and principal of the installments due by then, oldest first); what is left
 * pays the interest accrued on the installment in progress, then prepays principal, and the
 * remaining installments are recomputed by the loan's method (the one in progress keeps its
 * interest, fixed when its period began). More than the payoff amount is refused.
 *
 * Recorded after closes of business that charged for days on or after `paidOn`, it is treated
 * as if it had arrived on its date (late-charges.ts): allocated before those charges, which are
 * waived as far as it prevents them, and the class follows the loan as it now stands.
 */
export function repay(command: Repay, state: LoanState): LoanEvent[] {
  if (state.status !== 'active')
    throw conflict('loan_not_active', `the loan is ${state.status}; only an active loan is repaid`);
  const paidOn = command.paidOn;
  if (paidOn < state.disbursedOn!)
    throw rejected('paid_before_disbursed', 'a repayment comes after the disbursement', '/paidOn');
  notBeforeRecorded(state, paidOn, '/paidOn');
  const charged = chargedFrom(state, paidOn);
  const then = charged ? asOfPaidOn(state, charged) : state;
  const events = allocate(command, then);
  const waiver = charged && waiverOf(fold(then, events), charged, state);
  if (waiver) events.push(waiver);
  const repaid = fold(state, events);
  const closing = afterRepayment(repaid, paidOn);
  const d = new Decision(fold(repaid, closing));
  const closed = closedThrough(state);
  if (d.state.status === 'active' && closed !== null && closed >= paidOn) {
    // The closes of business since the payment's date classed the loan without it.
    reclassify(d, closed, command.policies);
    provide(d, closed, command.policies);
  }
  // The savings service debits only money not on hold and acts on the loan's events in order:
  // the hold shrinks (or is lifted) first, so a repayment from the held account can be debited.
  const hold = closing.filter(isHoldChange);
  return [...hold, ...events, ...closing.filter((e) => !isHoldChange(e)), ...d.events];
}

const isHoldChange = (event: LoanEvent): boolean =>
  event.type === 'LoanCollateralHoldReduced' || event.type === 'LoanCollateralHoldReleased';

/** The repayment's allocation over the loan as it stood on `paidOn`, and its recomputed schedule. */
function allocate(command: Repay, state: LoanState): LoanEvent[] {
  const paidOn = command.paidOn;
  const billed = state.installments.filter((i) => i.dueDate <= paidOn && !isSettled(i));
  const future = state.installments.filter((i) => i.dueDate > paidOn);
  const applied = new Map<number, { principal: bigint; interest: bigint }>();
  const add = (i: Installment, principal: bigint, interest: bigint) => {
    const a = applied.get(i.number) ?? { principal: 0n, interest: 0n };
    applied.set(i.number, { principal: a.principal + principal, interest: a.interest + interest });
  };
  let left = command.amount;
  const paid = { penalty: 0n, fee: 0n, interest: 0n, principal: 0n };
  for (const bucket of state.terms!.allocationOrder) {
    if (bucket === 'penalty' || bucket === 'fee') {
      const take = min(left, bucket === 'penalty' ? state.penaltyDue : state.feeDue);
      paid[bucket] += take;
      left -= take;
      continue;
    }
    for (const i of billed) {
      const take = min(left, bucket === 'interest' ? unpaidInterest(i) : unpaidPrincipal(i));
      if (take === 0n) continue;
      if (bucket === 'interest') add(i, 0n, take);
      else add(i, take, 0n);
      paid[bucket] += take;
      left -= take;
    }
  }
  const billedInterest = billed.reduce((sum, i) => sum + unpaidInterest(i), 0n);
  const inProgress = future[0];
  const unbilledAccrued = inProgress
    ? earnedUnbilledInterest(state, inProgress, billedInterest, paidOn)
    : 0n;
  const unbilledPrincipal = future.reduce((sum, i) => sum + unpaidPrincipal(i), 0n);
  const prepaidInterest = min(left, unbilledAccrued);
  left -= prepaidInterest;
  if (left > unbilledPrincipal) {
    const payoff = command.amount - left + unbilledPrincipal;
    throw rejected(
      'repayment_exceeds_payoff',
      `the loan is paid off with ${payoff}; ${command.amount} is more`,
      '/amount/amount',
      { payoffAmount: { amount: payoff.toString(), currency: 'IDR' } },
    );
  }
  const prepaid = left;
  if (inProgress && (prepaid > 0n || prepaidInterest > 0n))
    add(inProgress, prepaid, prepaidInterest);
  const interestPaid = paid.interest + prepaidInterest;
  const accruedInterest = min(interestPaid, state.interestReceivable);
  const outstandingAfter = outstandingPrincipal(state) - paid.principal - prepaid;
  const events: LoanEvent[] = [
    {
      type: 'LoanRepaid',
      data: {
        amount: command.amount.toString(),
        via: command.via,
        paidOn,
        penalty: paid.penalty.toString(),
        fee: paid.fee.toString(),
        interest: (interestPaid - accruedInterest).toString(),
        accruedInterest: accruedInterest.toString(),
        principal: (paid.principal + prepaid).toString(),
        prepaidPrincipal: prepaid.toString(),
        applied: [...applied].map(([number, a]): AppliedToInstallment => ({
          number,
          principal: a.principal.toString(),
          interest: a.interest.toString(),
        })),
        outstandingPrincipal: outstandingAfter.toString(),
        receivedBy: command.receivedBy,
        externalId: command.externalId,
      },
    },
  ];
  if (inProgress && prepaid > 0n)
    events.push(recomputed(state, future, prepaid, prepaidInterest, outstandingAfter, paidOn));
  return events;
}

/**
 * The installments after a prepayment: fewer rupiah, the same due dates. The installment in
 * progress carries what was prepaid on it (now and before) as paid principal.
 */
function recomputed(
  state: LoanState,
  future: readonly Installment[],
  prepaid: bigint,
  prepaidInterest: bigint,
  outstandingAfter: bigint,
  paidOn: string,
): LoanEvent {
  const first = future[0]!;
  const stored = (number: number, dueDate: string, principal: bigint, interest: bigint) => ({
    number,
    dueDate,
    principal: principal.toString(),
    interest: interest.toString(),
  });
  if (outstandingAfter === 0n) {
    // Paid off: the installment in progress ends here with the interest accrued so far.
    return {
      type: 'LoanScheduleRecomputed',
      data: {
        reason: 'payoff',
        fromNumber: first.number,
        installments: [
          stored(
            first.number,
            first.dueDate,
            first.paidPrincipal + prepaid,
            first.paidInterest + prepaidInterest,
          ),
        ],
        recomputedOn: paidOn,
      },
    };
  }
  const installments = amortise({
    method: state.method,
    principal: outstandingAfter,
    rate: MonthlyRate.ofAnnualPercent(state.annualRatePercent),
    count: future.length,
    graceCount: future.filter((i) => i.number <= state.lastGraceNumber).length,
    firstNumber: first.number,
    dueDateOf: (number) => future[number - first.number]!.dueDate,
  });
  const result: StoredInstallment[] = installments.map((i, index) =>
    index === 0
      ? stored(i.number, i.dueDate, i.principal + first.paidPrincipal + prepaid, first.interest)
      : stored(i.number, i.dueDate, i.principal, i.interest),
  );
  return {
    type: 'LoanScheduleRecomputed',
    data: {
      reason: 'prepayment',
      fromNumber: first.number,
      installments: result,
      recomputedOn: paidOn,
    },
  };
}

/**
 * The savings hold shrinks with the principal, but never to nothing while the loan is open (a
 * penalty or fee may still be owed when the product repays principal first, and a hold reduced
 * to 0 is lifted); a loan repaid in full releases its provision and its hold, and closes.
 */
export function afterRepayment(state: LoanState, on: string): LoanEvent[] {
  const events: LoanEvent[] = [];
  const outstanding = outstandingPrincipal(state);
  const closed =
    outstanding === 0n &&
    state.penaltyDue === 0n &&
    state.feeDue === 0n &&
    state.installments.every(isSettled);
  const collateral = state.collateral;
  if (collateral && collateral.held > 0n) {
    const needed = closed ? 0n : percentOf(outstanding, state.terms!.collateralSharePercent);
    if (closed)
      events.push({
        type: 'LoanCollateralHoldReleased',
        data: {
          holdId: collateral.holdId,
          savingsAccountId: collateral.savingsAccountId,
          released: collateral.held.toString(),
          releasedOn: on,
        },
      });
    else if (needed > 0n && needed < collateral.held)
      events.push({
        type: 'LoanCollateralHoldReduced',
        data: {
          holdId: heldBy(collateral.holdId),
          savingsAccountId: collateral.savingsAccountId,
          amount: needed.toString(),
          released: (collateral.held - needed).toString(),
          reducedOn: on,
        },
      });
  }
  if (closed && state.provision > 0n)
    events.push({
      type: 'LoanProvisionReleased',
      data: {
        amount: state.provision.toString(),
        provision: '0',
        kolektibilitas: state.kolektibilitas,
        effectiveOn: on,
      },
    });
  if (closed) events.push({ type: 'LoanClosed', data: { closedOn: on } });
  return events;
}

/**
 * A repayment or restructuring takes effect on its date, over the loan as recorded by then: one
 * dated before a repayment, schedule change or restructuring already recorded would reopen what
 * they settled (paid installments back in arrears), so it is refused. A close of business does
 * not count: a coop's history synced after it, and a payment entered the next day, still land.
 */
export function notBeforeRecorded(state: LoanState, on: string, pointer: string): void {
  const recorded = state.recordedThrough;
  if (recorded !== null && on < recorded)
    throw rejected(
      'dated_before_recorded',
      `the loan's history is recorded through ${recorded}; nothing can be dated ${on}, before it`,
      pointer,
      { recordedThrough: recorded },
    );
}

export function fold(state: LoanState, events: readonly LoanEvent[]): LoanState {
  return events.reduce(evolveLoan, state);
}

function heldBy(holdId: string | null): string {
  invariant(holdId !== null, 'a savings hold with money in it has an id');
  return holdId;
}
