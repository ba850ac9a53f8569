import { rejected } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { z } from 'zod';
import { Day, Method, RatePercent, READ_ROLES } from '../shared/http-schemas';
import { previewSchedule } from './preview';
import { MAX_TERM_MONTHS } from './schedule';

/** Exactly the contract of issue 7. */
export const PreviewBody = z.strictObject({
  method: Method,
  principal: z
    .string()
    .regex(/^[1-9][0-9]{0,17}$/)
    .describe('whole rupiah as a decimal string'),
  annualRatePercent: RatePercent,
  termMonths: z.int().min(1).max(MAX_TERM_MONTHS),
  disbursementDate: Day,
  graceMonths: z
    .int()
    .min(0)
    .max(MAX_TERM_MONTHS - 1)
    .default(0),
});

const Rupiah = z.string().regex(/^-?[0-9]+$/);

export const PreviewOut = z.object({
  installments: z.array(
    z.object({
      number: z.int(),
      dueDate: z.string(),
      principal: Rupiah,
      interest: Rupiah,
      total: Rupiah,
      outstandingAfter: Rupiah,
    }),
  ),
  totalInterest: Rupiah,
  effectiveAnnualRatePercent: z.string(),
});

export function scheduleRoutes(): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/schedule-previews',
      operationId: 'previewSchedule',
      summary: 'The exact schedule of a loan, without making one',
      description:
        'Monthly rate r = annual ÷ 12 ÷ 100; due dates on the disbursement day (or the month’s last day); grace months first, interest only; ANNUITY payment = round(P × r ÷ (1 − (1 + r)^−n)); EFFECTIVE principal = round(P ÷ n) with interest on the outstanding; FLAT interest round(P × r); BULLET principal at the end; the last installment takes what is left. Whole rupiah, half-up, exact. effectiveAnnualRatePercent = 12 × the monthly IRR in percent, half-up to 2 decimals.',
      tags: ['schedules'],
      request: { body: PreviewBody },
      responses: { 200: PreviewOut },
      policy: { roles: READ_ROLES, coopScope: 'federation', access: 'read' },
      handler: async ({ body }) => {
        if (body.graceMonths >= body.termMonths)
          throw rejected(
            'grace_out_of_range',
            'grace must leave at least one month to repay in',
            '/graceMonths',
          );
        const preview = previewSchedule({ ...body, principal: BigInt(body.principal) });
        return {
          status: 200,
          body: {
            installments: preview.installments.map((i) => ({
              number: i.number,
              dueDate: i.dueDate,
              principal: i.principal.toString(),
              interest: i.interest.toString(),
              total: i.total.toString(),
              outstandingAfter: i.outstandingAfter.toString(),
            })),
            totalInterest: preview.totalInterest.toString(),
            effectiveAnnualRatePercent: preview.effectiveAnnualRatePercent,
          },
        };
      },
    }),
  ];
}
