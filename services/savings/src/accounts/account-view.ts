import { z } from 'zod';
import { Decimal } from '@kopfed/money';
import { accrue, ACCRUAL_PLACES } from '../interest/accrual';
import { minimumForInterestSchedule, rateSchedule, type Product } from '../products/product';
import { addDays, businessDateOf, maxDate, type IsoDate } from '../shared/dates';
import { wire } from '../shared/money';
import { MoneyView } from '../shared/schemas';
import { availableAt, type OpenedAccount } from './account-state';
import { periodStartOf } from './rules/interest-posting';

export const AccountView = z
  .object({
    accountId: z.string(),
    coopId: z.string(),
    memberId: z.string(),
    product: z.object({
      code: z.string(),
      kind: z.string(),
      classification: z.enum(['equity', 'liability']),
      securesLoans: z.boolean(),
    }),
    status: z.enum(['open', 'closed']),
    openedOn: z.string(),
    closedOn: z.string().nullable(),
    balance: MoneyView,
    availableBalance: MoneyView.meta({
      description: 'Balance less active holds and withdrawals awaiting approval.',
    }),
    holds: z.array(
      z.object({
        holdId: z.string(),
        amount: MoneyView,
        reason: z.string(),
        expiresAt: z.string(),
      }),
    ),
    pendingWithdrawals: z.array(
      z.object({
        withdrawalId: z.string(),
        amount: MoneyView,
        requestedBy: z.string(),
        closeAccount: z.boolean(),
      }),
    ),
    interest: z
      .object({
        postedThrough: z.string(),
        accruedThrough: z.string(),
        accrued: z
          .string()
          .meta({ description: 'Unposted interest in rupiah at 6 decimal places.' }),
        carried: z.string(),
      })
      .nullable(),
    timeDeposit: z
      .object({
        maturesOn: z.string(),
        rateBasisPoints: z.int(),
        matured: z.boolean(),
        instruction: z.unknown(),
      })
      .nullable(),
    wajib: z
      .object({ requiredToDate: MoneyView, paidToDate: MoneyView, arrears: MoneyView })
      .nullable(),
  })
  .meta({ id: 'SavingsAccount' });
export type AccountView = z.input<typeof AccountView>;

const decimal = (micro: bigint) => Decimal.of(micro, ACCRUAL_PLACES).toString();

/** Interest accrued and not yet posted, through the last business date that has ended. */
function accrued(account: OpenedAccount, product: Product | undefined, today: IsoDate) {
  const interest = account.product.interest;
  if (!interest || !product) return null;
  const through = addDays(today, -1);
  const start = maxDate(
    addDays(account.interest.postedThrough, 1),
    periodStartOf(through, interest.posting),
  );
  const accrual = accrue({
    basis: interest.basis,
    breakpoints: account.interest.breakpoints,
    rates: account.timeDeposit
      ? [
          {
            from: account.timeDeposit.placedOn,
            rateBasisPoints: account.timeDeposit.rateBasisPoints,
          },
        ]
      : rateSchedule(product),
    start,
    end: through,
    minimumsForInterest: minimumForInterestSchedule(product),
  });
  return {
    postedThrough: account.interest.postedThrough,
    accruedThrough: through < start ? account.interest.postedThrough : through,
    accrued: decimal(accrual.interestMicro),
    carried: decimal(account.interest.carriedMicro),
  };
}

export function accountView(account: OpenedAccount, now: string, product?: Product): AccountView {
  const wajib = account.wajib;
  return {
    accountId: account.accountId,
    coopId: account.coopId,
    memberId: account.memberId,
    product: {
      code: account.product.code,
      kind: account.product.kind,
      classification: account.product.classification,
      securesLoans: account.product.securesLoans,
    },
    status: account.status,
    openedOn: account.openedOn,
    closedOn: account.closedOn,
    balance: wire(account.balance),
    availableBalance: wire(availableAt(account, now)),
    holds: Object.entries(account.holds).map(([holdId, h]) => ({
      holdId,
      amount: wire(h.amount),
      reason: h.reason,
      expiresAt: h.expiresAt,
    })),
    pendingWithdrawals: Object.entries(account.withdrawals).map(([withdrawalId, w]) => ({
      withdrawalId,
      amount: wire(w.amount),
      requestedBy: w.requestedBy,
      closeAccount: w.closeAccount,
    })),
    interest: accrued(account, product, businessDateOf(now)),
    timeDeposit: account.timeDeposit && {
      maturesOn: account.timeDeposit.maturesOn,
      rateBasisPoints: account.timeDeposit.rateBasisPoints,
      matured: account.timeDeposit.matured,
      instruction: account.timeDeposit.instruction,
    },
    wajib: wajib && {
      requiredToDate: wire(wajib.requiredToDate),
      paidToDate: wire(wajib.paidToDate),
      arrears: wire(
        wajib.requiredToDate > wajib.paidToDate ? wajib.requiredToDate - wajib.paidToDate : 0n,
      ),
    },
  };
}
