import { MemberId, SavingsAccountId } from '@kopfed/contracts';
import { z } from 'zod';
import { LoanCollateralHoldId, LoanProductCode } from '@kopfed/contracts';
import {
  Day,
  Funds,
  IdrAmount,
  IdrNonNegative,
  Method,
  Months,
  RatePercent,
  Reason,
} from '../shared/http-schemas';

export const ApplyBody = z.strictObject({
  memberId: MemberId,
  productCode: LoanProductCode,
  principal: IdrAmount,
  termMonths: Months.min(1),
  graceMonths: Months.default(0),
  collateral: z
    .strictObject({ savingsAccountId: SavingsAccountId })
    .optional()
    .describe("the borrower's savings account to hold, when the product requires security"),
});

export const RejectBody = z.strictObject({ reason: Reason });

export const HoldBody = z.strictObject({
  holdId: LoanCollateralHoldId,
  savingsAccountId: SavingsAccountId,
  amount: IdrAmount,
  placedOn: Day.optional(),
});

export const DisburseBody = z.strictObject({
  via: Funds.describe(
    "where the payout goes: the borrower's savings account (a member coop's account at its parent), cash or bank",
  ),
  disbursedOn: Day.optional().describe("today's business date when absent"),
});

export const RepayBody = z.strictObject({
  amount: IdrAmount,
  via: Funds.describe(
    'where the money came from; a savings account is debited by the savings service',
  ),
  paidOn: Day.optional().describe("today's business date when absent"),
});

export const RestructureBody = z.strictObject({
  installments: Months.min(1).describe('installments in the new schedule'),
  graceMonths: Months.default(0),
  method: Method.optional().describe("a new method (restructure); the loan's own when absent"),
  annualRatePercent: RatePercent.optional().describe(
    "a new rate (restructure); the loan's own when absent",
  ),
  fee: IdrNonNegative.optional(),
  restructuredOn: Day.optional(),
});

export const WriteOffBody = z.strictObject({ reason: Reason, writtenOffOn: Day.optional() });

export const RecoveryBody = z.strictObject({
  amount: IdrAmount,
  via: Funds,
  recoveredOn: Day.optional(),
});
