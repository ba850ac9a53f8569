/**
 * Posting rules: how a money movement becomes a journal entry, as data.
 *
 * The books consume every money event of the savings, loan and settlement services and post
 * the matching entry once. Those services' integration events are mapped (by the service
 * hosting the ledger) onto this package's own small language of *movements*
 * (./movements.ts), so the ledger never depends on another service's event shapes:
 *
 *   savings   SavingsDeposited, SavingsWithdrawn, SavingsInterestPosted (gross interest and
 *             the withheld tax, PP 15/2009), SavingsCharged (fee, early-withdrawal penalty)
 *   loans     LoanDisbursed (fee deducted), LoanInterestAccrued, LoanRepaid (principal,
 *             interest, accrued interest, penalty, fee), LoanProvisionAdded/Released (PPAP),
 *             LoanWrittenOff, LoanRecovered; LoanRepaymentReversed and LoanRecoveryReversed (a
 *             repayment or recovery whose money never came, each the mirror of what it takes back)
 *   clearing  InterCoopTransferSent (at the paying coop), InterCoopTransferReceived (at the
 *             receiving coop), InterCoopTransferCleared (at their parent), NetPositionPaid /
 *             NetPositionReceived (a member coop settles with its parent),
 *             MemberNetPositionReceived / MemberNetPositionPaid (the parent's side of it)
 *   year end  ShuDistributed (the RAT's division of the SHU: the members' pools become owed
 *             to them, the reserve pool goes to the reserve); each member's share then
 *             reaches their savings as a SavingsDeposited from `shu_payable`, so the coop's
 *             cash does not grow from it
 *   other     FundsMoved (cash to bank, bank to settlement in transit, …)
 *
 * One integration event may post in several coops' books — an inter-coop transfer posts at
 * the payer, the payee and their parent, each a MoneyEvent with the same source event id in
 * its own coop's ledger.
 *
 * A rule names accounts by *slot*, never by code: `{ gl: 'cash' }`, `{ savings: 'account' }`
 * and `{ loan: 'principal' }` of the movement's product, `{ funds: 'via' }` (where the
 * money came from or went to), `{ memberClearing: 'payerCoop' }` (a parent's clearing
 * sub-account for that member). A coop's GlMapping (./gl-mapping.ts) — data, versioned by
 * effective date — turns slots into its account codes. A line's amount is the sum of the
 * named movement fields; lines that come to zero are left out.
 *
 * Amounts are posted gross where a member's statement shows them so: interest is credited in
 * full and the tax debited from it; a disbursement pays out the principal and takes the fee
 * back. At the parent a transfer from A to B debits its clearing with A (A now owes it) and
 * credits its clearing with B; at A and B the same transfer credits and debits their own
 * clearing, so in consolidation every pair cancels (books/consolidation.ts).
 */
import type { Money } from '@kopfed/money';
import type { Side } from '../chart/account';
import type { CoopId, ProductCode } from '../ids';
import type { GlSlots, LoanProductGl, SavingsProductGl } from './gl-mapping';
import type { Funds, Movement, MovementType } from './movements';

type FieldOf<M, T> = { [K in keyof M]-?: NonNullable<M[K]> extends T ? K : never }[keyof M] &
  string;

export type AccountRef<M> =
  | { gl: keyof GlSlots }
  | (M extends { product: ProductCode }
      ? { savings: keyof SavingsProductGl } | { loan: keyof LoanProductGl }
      : never)
  | { funds: FieldOf<M, Funds> }
  | { memberClearing: FieldOf<M, CoopId> };

export interface LineRule<M> {
  side: Side;
  account: AccountRef<M>;
  /** The movement's Money fields summed; an absent field counts as zero. */
  amount: readonly FieldOf<M, Money>[];
}

export interface PostingRule<M> {
  /** The entry's description (Indonesian, with the English gloss). */
  description: string;
  lines: readonly LineRule<M>[];
}

export type PostingRules = {
  readonly [T in MovementType]: PostingRule<Extract<Movement, { type: T }>>;
};

const dr = <M>(account: AccountRef<M>, ...amount: FieldOf<M, Money>[]): LineRule<M> => ({
  side: 'debit',
  account,
  amount,
});
const cr = <M>(account: AccountRef<M>, ...amount: FieldOf<M, Money>[]): LineRule<M> => ({
  side: 'credit',
  account,
  amount,
});

export const POSTING_RULES: PostingRules = {
  SavingsDeposited: {
    description: 'Setoran simpanan (savings deposit)',
    lines: [dr({ funds: 'via' }, 'amount'), cr({ savings: 'account' }, 'amount')],
  },
  SavingsWithdrawn: {
    description: 'Penarikan simpanan (savings withdrawal)',
    lines: [dr({ savings: 'account' }, 'amount'), cr({ funds: 'via' }, 'amount')],
  },
  SavingsInterestPosted: {
    description: 'Bunga simpanan dan pajaknya (savings interest and withholding tax)',
    lines: [
      dr({ savings: 'interestExpense' }, 'interest'),
      cr({ savings: 'account' }, 'interest'),
      dr({ savings: 'account' }, 'tax'),
      cr({ gl: 'taxPayable' }, 'tax'),
    ],
  },
  SavingsCharged: {
    description: 'Biaya dan denda simpanan (savings fee and penalty)',
    lines: [
      dr({ savings: 'account' }, 'fee', 'penalty'),
      cr({ savings: 'feeIncome' }, 'fee'),
      cr({ savings: 'penaltyIncome' }, 'penalty'),
    ],
  },
  LoanDisbursed: {
    description: 'Pencairan pinjaman (loan disbursement)',
    lines: [
      dr({ loan: 'principal' }, 'principal'),
      cr({ funds: 'via' }, 'principal'),
      dr({ funds: 'via' }, 'fee'),
      cr({ loan: 'feeIncome' }, 'fee'),
    ],
  },
  LoanInterestAccrued: {
    description: 'Bunga pinjaman yang masih harus diterima (loan interest accrued)',
    lines: [
      dr({ loan: 'interestReceivable' }, 'interest'),
      cr({ loan: 'interestIncome' }, 'interest'),
    ],
  },
  LoanRepaid: {
    description: 'Angsuran pinjaman (loan repayment)',
    lines: [
      dr({ funds: 'via' }, 'principal', 'interest', 'accruedInterest', 'penalty', 'fee'),
      cr({ loan: 'principal' }, 'principal'),
      cr({ loan: 'interestIncome' }, 'interest'),
      cr({ loan: 'interestReceivable' }, 'accruedInterest'),
      cr({ loan: 'penaltyIncome' }, 'penalty'),
      cr({ loan: 'feeIncome' }, 'fee'),
    ],
  },
  LoanProvisionAdded: {
    description: 'Pembentukan PPAP (loan-loss provision)',
    lines: [dr({ loan: 'provisionExpense' }, 'amount'), cr({ loan: 'allowance' }, 'amount')],
  },
  LoanProvisionReleased: {
    description: 'Pemulihan PPAP (loan-loss provision released)',
    lines: [dr({ loan: 'allowance' }, 'amount'), cr({ loan: 'provisionExpense' }, 'amount')],
  },
  LoanWrittenOff: {
    description: 'Penghapusbukuan pinjaman (loan write-off)',
    lines: [
      dr({ loan: 'allowance' }, 'principal'),
      cr({ loan: 'principal' }, 'principal'),
      dr({ loan: 'interestIncome' }, 'accruedInterest'),
      cr({ loan: 'interestReceivable' }, 'accruedInterest'),
    ],
  },
  LoanRecovered: {
    description: 'Penerimaan pinjaman yang telah dihapusbukukan (recovery)',
    lines: [dr({ funds: 'via' }, 'amount'), cr({ loan: 'recoveryIncome' }, 'amount')],
  },
  LoanRepaymentReversed: {
    description: 'Pembatalan angsuran pinjaman (loan repayment reversed: the money never came)',
    lines: [
      cr({ funds: 'via' }, 'principal', 'interest', 'accruedInterest', 'penalty', 'fee'),
      dr({ loan: 'principal' }, 'principal'),
      dr({ loan: 'interestIncome' }, 'interest'),
      dr({ loan: 'interestReceivable' }, 'accruedInterest'),
      dr({ loan: 'penaltyIncome' }, 'penalty'),
      dr({ loan: 'feeIncome' }, 'fee'),
    ],
  },
  LoanRecoveryReversed: {
    description: 'Pembatalan penerimaan pinjaman yang telah dihapusbukukan (recovery reversed)',
    lines: [cr({ funds: 'via' }, 'amount'), dr({ loan: 'recoveryIncome' }, 'amount')],
  },
  InterCoopTransferSent: {
    description: 'Transfer antar koperasi keluar (inter-coop transfer sent)',
    lines: [dr({ funds: 'from' }, 'amount'), cr({ gl: 'clearing' }, 'amount')],
  },
  InterCoopTransferReceived: {
    description: 'Transfer antar koperasi masuk (inter-coop transfer received)',
    lines: [dr({ gl: 'clearing' }, 'amount'), cr({ funds: 'to' }, 'amount')],
  },
  InterCoopTransferCleared: {
    description: 'Kliring transfer antar koperasi anggota (inter-coop transfer cleared)',
    lines: [
      dr({ memberClearing: 'payerCoop' }, 'amount'),
      cr({ memberClearing: 'payeeCoop' }, 'amount'),
    ],
  },
  NetPositionPaid: {
    description: 'Penyelesaian posisi neto ke koperasi induk (net position paid)',
    lines: [dr({ gl: 'clearing' }, 'amount'), cr({ funds: 'via' }, 'amount')],
  },
  NetPositionReceived: {
    description: 'Penyelesaian posisi neto dari koperasi induk (net position received)',
    lines: [dr({ funds: 'via' }, 'amount'), cr({ gl: 'clearing' }, 'amount')],
  },
  MemberNetPositionReceived: {
    description: 'Penyelesaian posisi neto dari koperasi anggota (member net position received)',
    lines: [dr({ funds: 'via' }, 'amount'), cr({ memberClearing: 'memberCoop' }, 'amount')],
  },
  MemberNetPositionPaid: {
    description: 'Penyelesaian posisi neto ke koperasi anggota (member net position paid)',
    lines: [dr({ memberClearing: 'memberCoop' }, 'amount'), cr({ funds: 'via' }, 'amount')],
  },
  FundsMoved: {
    description: 'Pemindahan dana (funds moved)',
    lines: [dr({ funds: 'to' }, 'amount'), cr({ funds: 'from' }, 'amount')],
  },
  ShuDistributed: {
    description: 'Pembagian SHU hasil keputusan RAT (SHU distributed as the RAT decided)',
    lines: [
      dr({ gl: 'undividedShu' }, 'members', 'reserve'),
      cr({ gl: 'shuPayable' }, 'members'),
      cr({ gl: 'reserve' }, 'reserve'),
    ],
  },
};
