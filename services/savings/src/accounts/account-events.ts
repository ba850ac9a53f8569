import type { InterestBasis } from '../interest/accrual';
import type { Classification, InterestPosting, ProductKind } from '../products/product';

/**
 * The events of a savings account (stream `account-<accountId>`). Money is whole rupiah as a
 * decimal string, interest residue micro-rupiah as a decimal string; every money event has
 * `on`, its business date (Asia/Jakarta), which is also the stored event's business date.
 */
export const FUNDS_KINDS = [
  'cash',
  'bank',
  'deposit_with_parent',
  'settlement_in_transit',
] as const;
/** Where money came from or went to, outside the member's own savings. */
export type FundsKind = (typeof FUNDS_KINDS)[number];
/**
 * Where a deposit came from: money paid in, or (`shu_payable`) a member's share of the SHU the
 * RAT divided — credited by the SHU distribution only, never chosen by a client.
 */
export type DepositFunds = FundsKind | 'shu_payable';

export type MaturityInstruction =
  | { kind: 'pay_out'; via: FundsKind }
  | { kind: 'roll_over' }
  | { kind: 'move_to_account'; accountId: string };

export interface AccountProduct {
  code: string;
  kind: ProductKind;
  classification: Classification;
  securesLoans: boolean;
  interest: { basis: InterestBasis; posting: InterestPosting } | null;
  termMonths: number | null;
}

export type MemberKind = 'person' | 'coop';

export interface AccountOpenedData {
  accountId: string;
  coopId: string;
  memberId: string;
  memberKind: MemberKind;
  memberCoopId: string | null;
  product: AccountProduct;
  openedOn: string;
  /** Interest accrues from this day: the day kopfed first keeps the account. */
  accrualFrom: string;
  timeDeposit: {
    rateBasisPoints: number;
    maturesOn: string;
    instruction: MaturityInstruction;
  } | null;
  externalId: string | null;
}

type Money = string;
type Source = { reference: string | null; externalId: string | null };

export type AccountEvent =
  | { type: 'AccountOpened'; data: AccountOpenedData }
  | {
      /**
       * A pokok or wajib opening under this account id was refused, written before its claim
       * on the member's product is given back: an opening that expected the stream as it was
       * then can no longer be appended under that claim. The account stays unopened.
       */
      type: 'AccountOpeningRefused';
      data: { accountId: string; memberId: string; productCode: string; on: string; code: string };
    }
  | { type: 'Deposited'; data: { amount: Money; on: string; via: DepositFunds } & Source }
  | {
      type: 'Withdrawn';
      data: {
        amount: Money;
        on: string;
        via: FundsKind;
        reason: 'withdrawal' | 'closed' | 'matured';
        withdrawalId: string | null;
        approvedBy: string | null;
      } & Source;
    }
  | {
      type: 'WithdrawalRequested';
      data: {
        withdrawalId: string;
        amount: Money;
        via: FundsKind;
        on: string;
        requestedBy: string;
        closeAccount: boolean;
      };
    }
  | { type: 'WithdrawalApproved'; data: { withdrawalId: string; on: string; approvedBy: string } }
  | {
      type: 'WithdrawalRejected';
      data: { withdrawalId: string; on: string; rejectedBy: string; reason: string };
    }
  | {
      type: 'HoldPlaced';
      data: {
        holdId: string;
        amount: Money;
        reason: string;
        expiresAt: string;
        on: string;
        placedBy: string;
      };
    }
  | {
      type: 'HoldCaptured';
      data: {
        holdId: string;
        amount: Money;
        released: Money;
        via: FundsKind;
        on: string;
        reference: string | null;
      };
    }
  | {
      type: 'HoldReduced';
      /** The hold from now on is `amount`; `released` went back to the available balance. */
      data: { holdId: string; amount: Money; released: Money; on: string };
    }
  | {
      type: 'HoldReleased';
      data: { holdId: string; amount: Money; on: string; reason: 'released' | 'expired' };
    }
  | {
      type: 'TransferredOut';
      data: {
        transferId: string;
        toAccountId: string;
        toProductCode: string | null;
        amount: Money;
        on: string;
      };
    }
  | {
      type: 'TransferredIn';
      data: {
        transferId: string;
        fromAccountId: string;
        fromProduct: { code: string; kind: ProductKind; classification: Classification };
        amount: Money;
        on: string;
      };
    }
  | { type: 'TransferSettled'; data: { transferId: string; on: string } }
  | {
      type: 'TransferReversed';
      data: { transferId: string; amount: Money; on: string; reason: string };
    }
  | {
      type: 'InterestPosted';
      data: {
        periodStart: string;
        periodEnd: string;
        on: string;
        basis: InterestBasis;
        rateBasisPoints: number;
        days: number;
        accruedMicro: string;
        carriedInMicro: string;
        carriedOutMicro: string;
        amount: Money;
        /** Interest and tax of each month this posting touched, including earlier postings in it. */
        months: { month: string; gross: Money; tax: Money }[];
      };
    }
  | {
      type: 'InterestTaxWithheld';
      data: {
        amount: Money;
        on: string;
        periodEnd: string;
        rateBasisPoints: number;
        monthlyThreshold: Money;
        source: string;
        months: { month: string; gross: Money; tax: Money }[];
        /**
         * The member's gross in each month, on all its accounts (with what they post alongside),
         * and its tax: what the threshold was judged on. Absent when no other account counted.
         */
        memberMonths?: { month: string; gross: Money; tax: Money }[];
      };
    }
  | {
      type: 'PenaltyCharged';
      data: { amount: Money; on: string; reason: 'early_withdrawal'; basisPoints: number };
    }
  | { type: 'TimeDepositMatured'; data: { on: string; instruction: MaturityInstruction } }
  | {
      type: 'TimeDepositRolledOver';
      data: { on: string; principal: Money; rateBasisPoints: number; maturesOn: string };
    }
  | {
      type: 'WajibMonthClosed';
      data: {
        month: string;
        on: string;
        required: Money;
        requiredToDate: Money;
        paidToDate: Money;
        arrears: Money;
      };
    }
  | {
      type: 'AccountClosed';
      data: { on: string; reason: 'closed' | 'matured'; forfeitedInterestMicro: string };
    };

export type AccountEventType = AccountEvent['type'];

export const ACCOUNT_EVENT_TYPES: readonly AccountEventType[] = [
  'AccountOpened',
  'AccountOpeningRefused',
  'Deposited',
  'Withdrawn',
  'WithdrawalRequested',
  'WithdrawalApproved',
  'WithdrawalRejected',
  'HoldPlaced',
  'HoldCaptured',
  'HoldReduced',
  'HoldReleased',
  'TransferredOut',
  'TransferredIn',
  'TransferSettled',
  'TransferReversed',
  'InterestPosted',
  'InterestTaxWithheld',
  'PenaltyCharged',
  'TimeDepositMatured',
  'TimeDepositRolledOver',
  'WajibMonthClosed',
  'AccountClosed',
];

/** The signed change each event makes to the balance (0 for events that move no money). */
export function balanceChange(event: AccountEvent): bigint {
  switch (event.type) {
    case 'Deposited':
    case 'TransferredIn':
    case 'TransferReversed':
    case 'InterestPosted':
      return BigInt(event.data.amount);
    case 'Withdrawn':
    case 'HoldCaptured':
    case 'TransferredOut':
    case 'InterestTaxWithheld':
    case 'PenaltyCharged':
      return -BigInt(event.data.amount);
    case 'AccountOpened':
    case 'AccountOpeningRefused':
    case 'WithdrawalRequested':
    case 'WithdrawalApproved':
    case 'WithdrawalRejected':
    case 'HoldPlaced':
    case 'HoldReduced':
    case 'HoldReleased':
    case 'TransferSettled':
    case 'TimeDepositMatured':
    case 'TimeDepositRolledOver':
    case 'WajibMonthClosed':
    case 'AccountClosed':
      return 0n;
  }
}
