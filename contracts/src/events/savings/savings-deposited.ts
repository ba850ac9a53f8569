import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import {
  AccountHolder,
  HOLDER_EXAMPLE,
  SavingsFunds,
  SavingsProductRef,
  SUKARELA_EXAMPLE,
} from './vocabulary';

export const SavingsDepositedV1 = z.strictObject({
  ...AccountHolder,
  product: SavingsProductRef,
  amount: PositiveMoney,
  via: SavingsFunds.describe(
    'where the money came from: the books debit it and credit the product',
  ),
  businessDate: IsoDate.describe(
    'the business date the deposit is effective (a synced item keeps its own)',
  ),
  externalId: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]{1,64}$/)
    .nullable()
    .describe("the coop core's id of the transaction, when synced"),
});
export type SavingsDepositedV1 = z.output<typeof SavingsDepositedV1>;

export const SavingsDeposited = defineEvent({
  name: 'SavingsDeposited',
  service: 'savings',
  description:
    'Money was deposited into a savings account. Books: debit `via`, credit the product’s savings account (ledger movement SavingsDeposited).',
  versions: [
    {
      version: 1,
      schema: SavingsDepositedV1,
      example: {
        ...HOLDER_EXAMPLE,
        product: SUKARELA_EXAMPLE,
        amount: { amount: '1500000', currency: 'IDR' },
        via: 'cash',
        businessDate: '2026-03-02',
        externalId: null,
      },
    },
  ],
});
