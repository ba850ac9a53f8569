import { Decimal } from '@kopfed/money';
import { effectiveAnnualRatePercent } from './effective-rate';
import { buildSchedule, type ScheduledInstallment, type ScheduleTerms } from './schedule';

export interface PreviewInstallment extends ScheduledInstallment {
  total: bigint;
  outstandingAfter: bigint;
}

export interface SchedulePreview {
  installments: PreviewInstallment[];
  totalInterest: bigint;
  effectiveAnnualRatePercent: string;
}

/** A schedule with running balances, its total interest and its effective annual rate. */
export function previewSchedule(terms: ScheduleTerms): SchedulePreview {
  const schedule = buildSchedule(terms);
  return {
    installments: withBalances(terms.principal, schedule),
    totalInterest: schedule.reduce((sum, i) => sum + i.interest, 0n),
    effectiveAnnualRatePercent: effectiveRateOf(terms, schedule),
  };
}

export function withBalances(
  principal: bigint,
  schedule: readonly ScheduledInstallment[],
): PreviewInstallment[] {
  let outstanding = principal;
  return schedule.map((installment) => {
    outstanding -= installment.principal;
    return {
      ...installment,
      total: installment.principal + installment.interest,
      outstandingAfter: outstanding,
    };
  });
}

/** The effective annual rate of a schedule, with a search start near the answer. */
export function effectiveRateOf(
  terms: Pick<ScheduleTerms, 'method' | 'principal' | 'annualRatePercent' | 'termMonths'>,
  schedule: readonly ScheduledInstallment[],
): string {
  const nominalHundredths = Number(Decimal.parse(terms.annualRatePercent).rescale(2).units);
  // A flat rate charges interest on the whole principal: its IRR is near 2n ÷ (n + 1) times it.
  const guess =
    terms.method === 'FLAT'
      ? Math.trunc((nominalHundredths * 2 * terms.termMonths) / (terms.termMonths + 1))
      : nominalHundredths;
  return effectiveAnnualRatePercent(terms.principal, schedule, guess);
}
