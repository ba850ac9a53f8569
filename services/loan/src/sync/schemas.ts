import { ExternalId, MAX_BATCH_ITEMS, MAX_SEQUENCE } from '@kopfed/batch-sync';
import {
  LoanCollateralHoldId,
  LoanProductCode,
  MemberId,
  SavingsAccountId,
} from '@kopfed/contracts';
import { z } from 'zod';
import { Day, Funds, IdrAmount, Months } from '../shared/http-schemas';

/**
 * A batch from a primary coop that keeps its loans in its own core: loans, disbursements and
 * repayments, each with the coop's own id (external id), numbered per coop. Items of one loan
 * are applied in the order sent; items of different loans independently.
 */
const LoanItem = z.strictObject({
  kind: z.literal('loan'),
  externalId: ExternalId,
  memberId: MemberId.optional(),
  memberExternalId: ExternalId.optional().describe("the member's id in the coop's own core"),
  productCode: LoanProductCode,
  principal: IdrAmount,
  termMonths: Months.min(1),
  graceMonths: Months.default(0),
  appliedOn: Day,
  collateral: z
    .strictObject({
      savingsAccountId: SavingsAccountId,
      holdId: LoanCollateralHoldId,
      heldAmount: IdrAmount,
    })
    .optional(),
});

const DisbursementItem = z.strictObject({
  kind: z.literal('disbursement'),
  externalId: ExternalId,
  loanExternalId: ExternalId,
  disbursedOn: Day,
  via: Funds,
});

const RepaymentItem = z.strictObject({
  kind: z.literal('repayment'),
  externalId: ExternalId,
  loanExternalId: ExternalId,
  amount: IdrAmount,
  paidOn: Day,
  via: Funds,
});

export const SyncItem = z.discriminatedUnion('kind', [LoanItem, DisbursementItem, RepaymentItem]);
export type SyncItem = z.output<typeof SyncItem>;

export const SyncBatchBody = z.strictObject({
  sequence: z.int().min(1).max(MAX_SEQUENCE),
  items: z.array(SyncItem).min(1).max(MAX_BATCH_ITEMS),
});
