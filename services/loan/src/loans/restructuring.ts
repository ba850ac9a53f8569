import { conflict, rejected } from '@kopfed/domain';
import { worseOf } from '../policies/kolektibilitas';
import { loanExceedsCap, rateCapOn } from '../policies/rate-cap';
import { effectiveRateOf } from '../schedule/preview';
import { amortise } from '../schedule/schedule';
import { monthlyDueDates } from '../shared/dates';
import { MonthlyRate } from '../shared/rate';
import { floorHolds } from './close-of-day';
import type { LoanCommand } from './loan-commands';
import type { LoanEvent } from './loan-events';
import {
  interestEarnedOn,
  outstandingPrincipal,
  unpaidInterest,
  type LoanState,
} from './loan-state';
import { notBeforeRecorded } from './repayment';

type Restructure = Extract<LoanCommand, { type: 'RestructureLoan' }>;

/**
 * Reschedule (a new term) or restructure (a new rate or method) from `restructuredOn`: all
 * principal still owed is repaid by a new schedule whose due dates fall on that day of month;
 * interest in arrears and the interest earned so far on the installment in progress are added
 * to the first new installment, so nothing earned is lost and nothing is charged twice. The
 * new terms must respect the rate cap. The loan's kolektibilitas becomes a floor that lifts
 * once three installments of the new schedule are paid (after POJK 40/2019's rule for
 * restructured loans).
 */
export function restructure(command: Restructure, state: LoanState): LoanEvent[] {
  if (state.status !== 'active')
    throw conflict(
      'loan_not_active',
      `the loan is ${state.status}; only an active loan is restructured`,
    );
  const on = command.restructuredOn;
  if (on < state.disbursedOn!)
    throw rejected(
      'restructured_before_disbursed',
      'a loan is restructured after its disbursement',
      '/restructuredOn',
    );
  notBeforeRecorded(state, on, '/restructuredOn');
  const principal = outstandingPrincipal(state);
  if (principal === 0n) throw conflict('nothing_to_restructure', 'no principal is outstanding');
  if (command.graceMonths >= command.installments)
    throw rejected(
      'grace_out_of_range',
      'grace must leave at least one month to repay in',
      '/graceMonths',
    );
  const method = command.method ?? state.method;
  const annualRatePercent = command.annualRatePercent ?? state.annualRatePercent;
  const past = state.installments.filter((i) => i.dueDate <= on);
  const inProgress = state.installments.find((i) => i.dueDate > on);
  const fromNumber = inProgress?.number ?? (past[past.length - 1]?.number ?? 0) + 1;
  const arrearsInterest = past.reduce((sum, i) => sum + unpaidInterest(i), 0n);
  const earnedInProgress = inProgress ? interestEarnedOn(state, inProgress, on) : 0n;
  const dueDate = monthlyDueDates(on);
  const schedule = amortise({
    method,
    principal,
    rate: MonthlyRate.ofAnnualPercent(annualRatePercent),
    count: command.installments,
    graceCount: command.graceMonths,
    firstNumber: fromNumber,
    dueDateOf: (number) => dueDate(number - fromNumber + 1),
  });
  const rate = effectiveRateOf(
    { method, principal, annualRatePercent, termMonths: command.installments },
    schedule,
  );
  const cap = rateCapOn(on, command.rateCaps, '/restructuredOn');
  const contract = {
    method,
    annualRatePercent,
    termMonths: command.installments,
    graceMonths: command.graceMonths,
  };
  if (loanExceedsCap(contract, cap))
    throw rejected(
      'rate_cap_exceeded',
      `the new terms have an effective annual rate of ${rate}% (rounded), above the ${cap.maxEffectiveAnnualRatePercent}% cap (${cap.version})`,
      '/annualRatePercent',
      { effectiveAnnualRatePercent: rate, capPercent: cap.maxEffectiveAnnualRatePercent },
    );
  const events: LoanEvent[] = [
    {
      type: 'LoanRestructured',
      data: {
        kind:
          method === state.method && annualRatePercent === state.annualRatePercent
            ? 'reschedule'
            : 'restructure',
        method,
        annualRatePercent,
        graceMonths: command.graceMonths,
        fromNumber,
        installments: schedule.map((i, index) => ({
          number: i.number,
          dueDate: i.dueDate,
          principal: i.principal.toString(),
          interest: (index === 0
            ? i.interest + arrearsInterest + earnedInProgress
            : i.interest
          ).toString(),
        })),
        carriedPaidInterest: (inProgress?.paidInterest ?? 0n).toString(),
        carriedInterest: (arrearsInterest + earnedInProgress).toString(),
        carriedPaidPrincipal: (inProgress?.paidPrincipal ?? 0n).toString(),
        outstandingPrincipal: principal.toString(),
        // An earlier restructuring's floor counts only while it still holds; once lifted it is
        // history, and the class today is the new floor.
        classFloor:
          state.classFloor && floorHolds(state)
            ? worseOf(state.classFloor, state.kolektibilitas)
            : state.kolektibilitas,
        restructuredOn: on,
        restructuredBy: command.restructuredBy,
      },
    },
  ];
  if (command.fee > 0n)
    events.push({
      type: 'LoanFeeCharged',
      data: { fee: command.fee.toString(), reason: 'restructuring', chargedOn: on },
    });
  return events;
}
