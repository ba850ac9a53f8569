import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import {
  AccountHolder,
  HOLDER_EXAMPLE,
  SavingsDepositFunds,
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

/** v2: a deposit may also come from the SHU the RAT divided (`via: shu_payable`), not only from money paid in. */
export const SavingsDepositedV2 = SavingsDepositedV1.extend({
  via: SavingsDepositFunds.describe(
    'where the money came from: the books debit it (shu_payable: utang SHU anggota) and credit the product',
  ),
});
export type SavingsDepositedV2 = z.output<typeof SavingsDepositedV2>;

const EXAMPLE = {
  ...HOLDER_EXAMPLE,
  product: SUKARELA_EXAMPLE,
  amount: { amount: '1500000', currency: 'IDR' },
  via: 'cash',
  businessDate: '2026-03-02',
  externalId: null,
} as const;

export const SavingsDeposited = defineEvent({
  name: 'SavingsDeposited',
  service: 'savings',
  description:
    'Money was deposited into a savings account, or a member’s SHU share credited to it. Books: debit `via`, credit the product’s savings account (ledger movement SavingsDeposited).',
  versions: [
    { version: 1, schema: SavingsDepositedV1, example: EXAMPLE },
    {
      version: 2,
      schema: SavingsDepositedV2,
      example: {
        ...EXAMPLE,
        amount: { amount: '1250000', currency: 'IDR' },
        via: 'shu_payable',
        businessDate: '2027-03-15',
      },
      // Every v1 source is a v2 source.
      upcast: (v1: SavingsDepositedV1) => v1,
    },
  ],
});
