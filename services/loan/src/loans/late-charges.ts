import { invariant } from '@kopfed/domain';
import { penaltyFor } from './close-of-day';
import { evolveLoan } from './loan-evolve';
import type { LoanEvent } from './loan-events';
import {
  isSettled,
  lateChargesKeptFrom,
  type OverdueMark,
  type PenaltyDay,
  type LoanState,
} from './loan-state';

/**
 * A repayment recorded after closes of business that charged for days on or after its date is
 * treated as if it had arrived on its date (a teller entering Saturday's payments on Monday, a
 * coop's history synced after the nightly run): it is allocated over the loan as it stood then,
 * and the late fees, penalties and overdue marks it would have prevented are waived by a
 * `LoanLateChargesWaived` of their own, so the history stays append-only.
 */
export interface ChargedFrom {
  paidOn: string;
  penalties: PenaltyDay[];
  overdue: OverdueMark[];
}

/**
 * What closes of business charged for days on or after `paidOn`, when there is any and none of
 * it was collected yet. A repayment recorded before waivers existed may have collected charges
 * for days after its own date: those are left as they were (not recomputed).
 */
export function chargedFrom(state: LoanState, paidOn: string): ChargedFrom | undefined {
  const log = state.lateCharges;
  invariant(log !== null, `loan ${state.loanId} was decided without its late charges`);
  // Older than the log's window: allocated as recorded (see LATE_CHARGES_WINDOW_DAYS).
  const keptFrom = lateChargesKeptFrom(log);
  if (keptFrom !== null && paidOn < keptFrom) return undefined;
  const penalties = log.penalties.filter((p) => p.chargedFor >= paidOn);
  const overdue = log.overdue.filter((m) => m.overdueOn >= paidOn);
  if (penalties.length === 0 && overdue.length === 0) return undefined;
  if (state.penaltyDue < sum(penalties.map((p) => p.penalty))) return undefined;
  if (state.feeDue < sum(overdue.map((m) => m.fee))) return undefined;
  return { paidOn, penalties, overdue };
}

/** The loan as it stood when the repayment arrived: no charge yet for its day or later ones. */
export function asOfPaidOn(state: LoanState, charged: ChargedFrom): LoanState {
  const marked = new Set(charged.overdue.map((m) => m.number));
  const first = charged.penalties[0];
  return {
    ...state,
    penaltyDue: state.penaltyDue - sum(charged.penalties.map((p) => p.penalty)),
    feeDue: state.feeDue - sum(charged.overdue.map((m) => m.fee)),
    penaltyAccrued: first ? first.penaltyAccruedBefore : state.penaltyAccrued,
    penaltyChargedThrough: first ? first.chargedThroughBefore : state.penaltyChargedThrough,
    installments: state.installments.map((i) =>
      marked.has(i.number) ? { ...i, overdue: false } : i,
    ),
  };
}

/**
 * The waiver once the repayment is allocated (`paid`: the loan as of its date, after it;
 * `recorded`: the loan as recorded before it). An
 * installment it settled falls overdue on none of those days: its mark and late fee go; one it
 * did not settle stays marked and charged. Each of those days' penalty is decided again on what
 * was still overdue then; the difference is waived. Nothing to waive is no event.
 */
export function waiverOf(
  paid: LoanState,
  charged: ChargedFrom,
  recorded: LoanState,
): LoanEvent | undefined {
  const withdrawn = charged.overdue.filter((m) => {
    const installment = paid.installments.find((i) => i.number === m.number);
    return installment === undefined || isSettled(installment);
  });
  let state = paid;
  const penalties: Extract<LoanEvent, { type: 'LoanLateChargesWaived' }>['data']['penalties'] = [];
  for (const day of charged.penalties) {
    const again = penaltyFor(state, day.chargedFor);
    if (!again || again.type !== 'LoanPenaltyCharged') continue;
    state = evolveLoan(state, again);
    const { chargedFor, penalty, penaltyAccrued } = again.data;
    penalties.push({ chargedFor, penalty, penaltyAccrued });
  }
  const before = sum(charged.penalties.map((p) => p.penalty));
  const after = sum(penalties.map((p) => BigInt(p.penalty)));
  // Less is overdue on each of those days with the repayment counted, never more.
  invariant(after <= before, `a back-dated repayment raised the penalties of ${charged.paidOn} on`);
  const fee = sum(withdrawn.map((m) => m.fee));
  // Each day's exact penalty is no more than before: the same running total means the same days.
  if (withdrawn.length === 0 && state.penaltyAccrued === recorded.penaltyAccrued) return undefined;
  return {
    type: 'LoanLateChargesWaived',
    data: {
      paidOn: charged.paidOn,
      penalty: (before - after).toString(),
      fee: fee.toString(),
      installments: withdrawn.map((m) => m.number),
      penalties,
      penaltyAccrued: state.penaltyAccrued,
      penaltyChargedThrough: state.penaltyChargedThrough,
    },
  };
}

/** The latest business date a close of business decided on for the loan, if any. */
export function closedThrough(state: LoanState): string | null {
  return state.lateCharges?.closedThrough ?? null;
}

const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);
