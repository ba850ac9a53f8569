import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { IsoDate } from '../../time';
import { AccountHolder, HOLDER_EXAMPLE, SavingsProductRef, SUKARELA_EXAMPLE } from './vocabulary';

export const SavingsAccountClosedV1 = z.strictObject({
  ...AccountHolder,
  product: SavingsProductRef,
  closedOn: IsoDate,
  reason: z
    .enum(['closed', 'matured'])
    .describe('closed on request, or a time deposit paid out at maturity'),
});
export type SavingsAccountClosedV1 = z.output<typeof SavingsAccountClosedV1>;

export const SavingsAccountClosed = defineEvent({
  name: 'SavingsAccountClosed',
  service: 'savings',
  description: 'A savings account was closed; its balance was paid out before (SavingsWithdrawn).',
  versions: [
    {
      version: 1,
      schema: SavingsAccountClosedV1,
      example: {
        ...HOLDER_EXAMPLE,
        product: SUKARELA_EXAMPLE,
        closedOn: '2026-09-30',
        reason: 'closed',
      },
    },
  ],
});
