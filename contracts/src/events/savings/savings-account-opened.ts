import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { IsoDate } from '../../time';
import { AccountHolder, HOLDER_EXAMPLE, SavingsProductRef, SUKARELA_EXAMPLE } from './vocabulary';

export const SavingsAccountOpenedV1 = z.strictObject({
  ...AccountHolder,
  product: SavingsProductRef.extend({
    securesLoans: z.boolean().describe('whether a hold on this balance may secure a loan'),
  }),
  openedOn: IsoDate,
});
export type SavingsAccountOpenedV1 = z.output<typeof SavingsAccountOpenedV1>;

export const SavingsAccountOpened = defineEvent({
  name: 'SavingsAccountOpened',
  service: 'savings',
  description: 'A member opened a savings account under one of its coop’s products.',
  versions: [
    {
      version: 1,
      schema: SavingsAccountOpenedV1,
      example: {
        ...HOLDER_EXAMPLE,
        product: { ...SUKARELA_EXAMPLE, securesLoans: true },
        openedOn: '2026-03-02',
      },
    },
  ],
});
