import { Decimal } from '@kopfed/money';
import {
  classify,
  KOLEKTIBILITAS_POLICIES,
  NON_PERFORMING,
  policyOn,
  provisionFor,
  worseOf,
  type KolektibilitasPolicy,
} from '../policies/kolektibilitas';
import { daysBetween } from '../shared/dates';
import { interestEarnedThrough } from './accrual';
import { evolveLoan } from './loan-evolve';
import type { LoanEvent } from './loan-events';
import {
  isSettled,
  oldestUnpaidBefore,
  outstandingPrincipal,
  unpaidInterest,
  unpaidPrincipal,
  type Installment,
  type LoanState,
} from './loan-state';

/** Exact penalties are kept to this many decimal places (BRIEF §4: 6 or more). */
const PENALTY_SCALE = 10;
/** Installments paid under a restructured schedule before its class floor lifts. */
const PAID_TO_LIFT_FLOOR = 3;

/**
 * One loan's close of business for `businessDate`, in order: installments that fell past due
 * (and their late fee), the day's penalty on what is overdue, the kolektibilitas under the
 * policy table in force, interest accrued (performing loans only: KL, D and M earn interest
 * when it is paid, not before), and the provision the class requires. Running it twice for
 * the same day decides nothing the second time.
 */
export function closeBusinessDay(
  state: LoanState,
  businessDate: string,
  policies: readonly KolektibilitasPolicy[] = KOLEKTIBILITAS_POLICIES,
): LoanEvent[] {
  return closeBusinessDayOf(state, businessDate, policies).events;
}

/** `closeBusinessDay` with the state its events lead to (evolved as they were decided). */
export function closeBusinessDayOf(
  state: LoanState,
  businessDate: string,
  policies: readonly KolektibilitasPolicy[] = KOLEKTIBILITAS_POLICIES,
): { events: LoanEvent[]; state: LoanState } {
  if (state.status !== 'active' || state.disbursedOn === null || state.disbursedOn > businessDate)
    return { events: [], state };
  const d = new Decision(state);
  markOverdue(d, businessDate);
  const penalty = penaltyFor(d.state, businessDate);
  if (penalty) d.emit(penalty);
  reclassify(d, businessDate, policies);
  if (!NON_PERFORMING.has(d.state.kolektibilitas)) {
    const interest =
      interestEarnedThrough(d.state.installments, businessDate) - d.state.interestRecognised;
    if (interest > 0n)
      d.emit({
        type: 'LoanInterestAccrued',
        data: { interest: interest.toString(), accruedThrough: businessDate },
      });
  }
  provide(d, businessDate, policies);
  return { events: d.events, state: d.state };
}

/**
 * Installments that fell past due by `businessDate` and are not marked yet, each with the
 * product's late fee. `reversalOf` names a repayment taken back whose date's closes had counted
 * them paid (repayment-reversal.ts).
 */
export function markOverdue(d: Decision, businessDate: string, reversalOf?: string): void {
  const lateFee = d.state.terms!.lateFee;
  for (const i of d.state.installments) {
    if (i.dueDate >= businessDate) break;
    if (i.overdue || isSettled(i)) continue;
    d.emit({
      type: 'LoanInstallmentOverdue',
      data: {
        number: i.number,
        dueDate: i.dueDate,
        principal: unpaidPrincipal(i).toString(),
        interest: unpaidInterest(i).toString(),
        overdueOn: businessDate,
        ...(reversalOf === undefined ? {} : { reversalOf }),
      },
    });
    if (BigInt(lateFee) > 0n)
      d.emit({
        type: 'LoanFeeCharged',
        data: { fee: lateFee, reason: 'late_installment', chargedOn: businessDate },
      });
  }
}

/**
 * The kolektibilitas by the days past due on `businessDate` under the table then in force, no
 * better than a restructuring's floor while it holds; a change is recorded.
 */
export function reclassify(
  d: Decision,
  businessDate: string,
  policies: readonly KolektibilitasPolicy[] = KOLEKTIBILITAS_POLICIES,
): void {
  const policy = policyOn(businessDate, policies);
  const oldest = oldestUnpaidBefore(d.state, businessDate);
  const daysPastDue = oldest ? daysBetween(oldest.dueDate, businessDate) : 0;
  const byDays = classify(policy, daysPastDue);
  const kolektibilitas =
    d.state.classFloor && floorHolds(d.state) ? worseOf(byDays, d.state.classFloor) : byDays;
  if (kolektibilitas !== d.state.kolektibilitas)
    d.emit({
      type: 'LoanReclassified',
      data: {
        from: d.state.kolektibilitas,
        to: kolektibilitas,
        daysPastDue,
        outstandingPrincipal: outstandingPrincipal(d.state).toString(),
        policyVersion: policy.version,
        reclassifiedOn: businessDate,
      },
    });
}

/** The provision (PPAP) the loan's class requires on `businessDate`; a change is recorded. */
export function provide(
  d: Decision,
  businessDate: string,
  policies: readonly KolektibilitasPolicy[] = KOLEKTIBILITAS_POLICIES,
): void {
  const policy = policyOn(businessDate, policies);
  const required = provisionFor(
    policy,
    d.state.kolektibilitas,
    outstandingPrincipal(d.state),
    d.state.collateral?.held ?? 0n,
  );
  if (required !== d.state.provision)
    d.emit({
      type: required > d.state.provision ? 'LoanProvisionAdded' : 'LoanProvisionReleased',
      data: {
        amount: (required > d.state.provision
          ? required - d.state.provision
          : d.state.provision - required
        ).toString(),
        provision: required.toString(),
        kolektibilitas: d.state.kolektibilitas,
        effectiveOn: businessDate,
      },
    });
}

/** The events decided so far, each evolved into the state as it is decided. */
export class Decision {
  readonly events: LoanEvent[] = [];
  constructor(public state: LoanState) {}

  emit(event: LoanEvent): void {
    this.events.push(event);
    this.state = evolveLoan(this.state, event);
  }
}

/** The day's denda on overdue principal and interest; the fraction of a rupiah is carried. */
export function penaltyFor(s: LoanState, businessDate: string): LoanEvent | undefined {
  if (s.penaltyChargedThrough !== null && s.penaltyChargedThrough >= businessDate) return undefined;
  const overdue = overdueOn(s.installments, businessDate);
  if (overdue === 0n) return undefined;
  const rate = s.terms!.penaltyPercentPerDay;
  if (Decimal.parse(rate).isZero()) return undefined;
  return penaltyCharged(s, businessDate, overdue, dayPenalty(overdue, rate));
}

/** Principal and interest of the installments due before `businessDate` still unpaid. */
export function overdueOn(installments: readonly Installment[], businessDate: string): bigint {
  let overdue = 0n;
  for (const i of installments) {
    if (i.dueDate >= businessDate) break;
    overdue += unpaidPrincipal(i) + unpaidInterest(i);
  }
  return overdue;
}

/** A day's exact penalty on `overdue` rupiah at `ratePercent` a day. */
export function dayPenalty(overdue: bigint, ratePercent: string): Decimal {
  return Decimal.integer(overdue)
    .times(Decimal.parse(ratePercent))
    .dividedBy(Decimal.integer(100), PENALTY_SCALE);
}

/** `exact` more penalty for `businessDate`: the whole rupiah it brings the running total to. */
export function penaltyCharged(
  s: LoanState,
  businessDate: string,
  overdue: bigint,
  exact: Decimal,
  reversalOf?: string,
): LoanEvent {
  const before = Decimal.parse(s.penaltyAccrued);
  const after = before.plus(exact).rescale(PENALTY_SCALE);
  return {
    type: 'LoanPenaltyCharged',
    data: {
      penalty: (after.roundHalfUp() - before.roundHalfUp()).toString(),
      overdueAmount: overdue.toString(),
      chargedFor: businessDate,
      penaltyAccrued: after.toString(),
      ...(reversalOf === undefined ? {} : { reversalOf }),
    },
  };
}

/** Whether a restructuring's class floor still holds: fewer than three new installments paid. */
export function floorHolds(s: LoanState): boolean {
  const from = s.restructuredFromNumber ?? 0;
  const paid = s.installments.filter((i) => i.number >= from && isSettled(i)).length;
  return paid < PAID_TO_LIFT_FLOOR;
}
