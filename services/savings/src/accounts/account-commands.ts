import type { MemberMonth } from '../interest/withholding-tax';
import type { Product } from '../products/product';
import type { IsoDate } from '../shared/dates';
import type { DepositFunds, FundsKind, MaturityInstruction, MemberKind } from './account-events';

/** Who holds the account, as the membership read model knows them now. */
export interface Membership {
  memberActive: boolean;
  coopStatus: 'applied' | 'active' | 'suspended' | 'exited';
}

/** What every command that moves money brings: the day, the instant, the product, the member. */
export interface Context {
  on: IsoDate;
  now: string;
  product: Product;
  membership: Membership;
  /**
   * The member's other accounts' interest and tax by month, for the tax on interest a close
   * posts (PP 15/2009 judges the member's month); absent, they count for nothing.
   */
  memberInterest?: readonly MemberMonth[];
}

export type AccountCommand =
  | ({
      type: 'OpenAccount';
      accountId: string;
      coopId: string;
      coopKind: 'primary' | 'secondary' | 'tertiary';
      memberId: string;
      memberKind: MemberKind;
      memberCoopId: string | null;
      /** The day kopfed starts keeping it (onboarded accounts keep their original opening date). */
      today: IsoDate;
      initialDeposit: { amount: bigint; via: DepositFunds } | null;
      maturityInstruction: MaturityInstruction | null;
      externalId: string | null;
    } & Context)
  | ({
      type: 'Deposit';
      amount: bigint;
      via: DepositFunds;
      reference: string | null;
      externalId: string | null;
    } & Context)
  | ({
      type: 'Withdraw';
      withdrawalId: string;
      amount: bigint;
      via: FundsKind;
      reference: string | null;
      externalId: string | null;
      requestedBy: string;
      /** Above it a second person approves; null when the coop's own core approved it (sync). */
      approvalThreshold: bigint | null;
    } & Context)
  | ({ type: 'ApproveWithdrawal'; withdrawalId: string; approvedBy: string } & Context)
  | {
      type: 'RejectWithdrawal';
      withdrawalId: string;
      rejectedBy: string;
      reason: string;
      on: IsoDate;
    }
  | ({
      type: 'PlaceHold';
      holdId: string;
      amount: bigint;
      reason: string;
      expiresAt: string;
      placedBy: string;
    } & Context)
  | ({
      type: 'CaptureHold';
      holdId: string;
      amount: bigint | null;
      via: FundsKind;
      reference: string | null;
      /**
       * The coop's withdrawal approval threshold: a capture paid out of the coop above it is
       * refused. Absent, every capture paid out of the coop is (only settlement in transit goes).
       */
      approvalThreshold?: bigint;
    } & Context)
  | { type: 'ReleaseHold'; holdId: string; on: IsoDate }
  /** A hold shrinks to `amount` (a loan's collateral as its principal is repaid); 0 lifts it. */
  | { type: 'ReduceHold'; holdId: string; amount: bigint; on: IsoDate }
  | ({
      type: 'TransferOut';
      transferId: string;
      toAccountId: string;
      toProductCode: string;
      amount: bigint;
    } & Context)
  | ({
      type: 'TransferIn';
      transferId: string;
      fromAccountId: string;
      fromProduct: {
        code: string;
        kind: Product['kind'];
        classification: Product['classification'];
      };
      amount: bigint;
    } & Context)
  | { type: 'SettleTransfer'; transferId: string; on: IsoDate }
  | { type: 'ReverseTransfer'; transferId: string; on: IsoDate; reason: string }
  | ({
      type: 'CloseAccount';
      withdrawalId: string;
      via: FundsKind;
      requestedBy: string;
      approvalThreshold: bigint | null;
    } & Context)
  | {
      type: 'CloseBusinessDay';
      date: IsoDate;
      product: Product;
      /** The day the account's member left its coop; null while a member. */
      memberLeftOn: IsoDate | null;
      /** The member's other accounts' interest by month (see `Context`); absent, none counts. */
      memberInterest?: readonly MemberMonth[];
    };

export type AccountCommandType = AccountCommand['type'];
