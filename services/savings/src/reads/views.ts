import { z } from 'zod';
import { PRODUCT_KINDS } from '../products/product';
import { MoneyView } from '../shared/schemas';

export const AccountSummary = z.object({
  accountId: z.string(),
  memberId: z.string(),
  productCode: z.string(),
  kind: z.enum(PRODUCT_KINDS),
  classification: z.enum(['equity', 'liability']),
  status: z.enum(['open', 'closed']),
  balance: MoneyView,
  availableBalance: MoneyView,
  openedOn: z.string(),
});
export const Balance = z
  .object({
    accountId: z.string(),
    basis: z.enum(['now', 'recorded_at', 'effective_on']),
    at: z.string(),
    balance: MoneyView,
    availableBalance: MoneyView,
  })
  .meta({ id: 'SavingsBalance' });
export const Statement = z
  .object({
    accountId: z.string(),
    from: z.string(),
    to: z.string(),
    openingBalance: MoneyView,
    closingBalance: MoneyView,
    lines: z.array(
      z.object({
        revision: z.int(),
        businessDate: z.string(),
        recordedAt: z.string(),
        type: z.string(),
        amount: MoneyView,
        balance: MoneyView,
        reference: z.string().nullable(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'SavingsStatement' });
