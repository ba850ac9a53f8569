import type Database from 'better-sqlite3';
import { Decimal } from '@kopfed/money';
import type { MemberBasis } from '../allocation';
import type { ShuBasesSource } from '../shu-routes';

export type SavingsKind = 'pokok' | 'wajib' | 'sukarela' | 'berjangka';
export type LoanPaymentPart = 'interest' | 'accruedInterest' | 'fee' | 'penalty';

/**
 * Which balances and transactions count for SHU (BRIEF §5: configurable). By default jasa modal
 * follows the average daily balance of simpanan pokok + wajib over the financial year, and
 * jasa usaha the loan interest and fees the member paid in it.
 */
export interface ShuBasesConfig {
  capitalKinds: readonly SavingsKind[];
  businessParts: readonly LoanPaymentPart[];
}

export const DEFAULT_SHU_BASES: ShuBasesConfig = {
  capitalKinds: ['pokok', 'wajib'],
  businessParts: ['interest', 'accruedInterest', 'fee'],
};

/** A change of one member's savings balance in one product kind, on a business date. */
export interface SavingsChange {
  /** The integration event and the leg of it: recorded once however often delivered. */
  sourceId: string;
  coopId: string;
  memberId: string;
  kind: SavingsKind;
  businessDate: string;
  deltaMinor: bigint;
}

/**
 * The parts of one loan repayment (positive), or of its reversal (negative, dated as the
 * repayment it takes back).
 */
export interface LoanPayment {
  sourceId: string;
  coopId: string;
  memberId: string;
  businessDate: string;
  parts: Readonly<Record<LoanPaymentPart, bigint>>;
}

const DDL = `
CREATE TABLE IF NOT EXISTS shu_savings_changes (
  source_id TEXT PRIMARY KEY, coop_id TEXT NOT NULL, member_id TEXT NOT NULL, kind TEXT NOT NULL,
  business_date TEXT NOT NULL, delta TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS shu_savings_by_coop ON shu_savings_changes (coop_id, business_date);
CREATE TABLE IF NOT EXISTS shu_loan_payments (
  source_id TEXT NOT NULL, part TEXT NOT NULL, coop_id TEXT NOT NULL, member_id TEXT NOT NULL,
  business_date TEXT NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (source_id, part)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS shu_loan_by_coop ON shu_loan_payments (coop_id, business_date);
`;

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/**
 * Each member's savings movements and loan payments as the settlement service receives them
 * (a read model in its read-model database), and the SHU bases they give for a year. Amounts
 * are kept as decimal text: SQLite integers would overflow long before bigint does.
 */
export class MemberActivityBook implements ShuBasesSource {
  private readonly insertChange;
  private readonly insertPayment;

  constructor(
    private readonly db: Database.Database,
    private readonly config: ShuBasesConfig = DEFAULT_SHU_BASES,
  ) {
    db.exec(DDL);
    this.insertChange = db.prepare<[string, string, string, string, string, string]>(
      'INSERT OR IGNORE INTO shu_savings_changes VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertPayment = db.prepare<[string, string, string, string, string, string]>(
      'INSERT OR IGNORE INTO shu_loan_payments VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  recordSavings(change: SavingsChange): void {
    const { sourceId, coopId, memberId, kind, businessDate, deltaMinor } = change;
    this.insertChange.run(sourceId, coopId, memberId, kind, businessDate, deltaMinor.toString());
  }

  recordLoanPayment(payment: LoanPayment): void {
    this.db.transaction(() => {
      for (const [part, amount] of Object.entries(payment.parts))
        if (amount !== 0n)
          this.insertPayment.run(
            payment.sourceId,
            part,
            payment.coopId,
            payment.memberId,
            payment.businessDate,
            amount.toString(),
          );
    })();
  }

  /**
   * capitalBasis = Σ over the year's days of the member's balance in the capital kinds ÷ days
   * in the year (the average daily balance, 6 places); businessBasis = Σ of the counted loan
   * payment parts dated in the year. `null` when no member of the coop has either.
   */
  basesFor(coopId: string, financialYear: number): Promise<MemberBasis[] | null> {
    const start = `${financialYear}-01-01`;
    const end = `${financialYear}-12-31`;
    const days = BigInt(dayNumber(end) - dayNumber(start) + 1);
    const capital = new Map<string, bigint>();
    const kinds = this.config.capitalKinds;
    const changes = this.db
      .prepare<string[], { member_id: string; business_date: string; delta: string }>(
        `SELECT member_id, business_date, delta FROM shu_savings_changes
         WHERE coop_id = ? AND business_date <= ? AND kind IN (${kinds.map(() => '?').join(', ')})`,
      )
      .all(coopId, end, ...kinds);
    for (const c of changes) {
      // A change counts for every day from its date to the year's end (the whole year if earlier).
      const daysHeld =
        c.business_date < start ? days : BigInt(dayNumber(end) - dayNumber(c.business_date) + 1);
      capital.set(c.member_id, (capital.get(c.member_id) ?? 0n) + BigInt(c.delta) * daysHeld);
    }
    const business = new Map<string, bigint>();
    const parts = this.config.businessParts;
    const payments = this.db
      .prepare<string[], { member_id: string; amount: string }>(
        `SELECT member_id, amount FROM shu_loan_payments
         WHERE coop_id = ? AND business_date BETWEEN ? AND ? AND part IN (${parts.map(() => '?').join(', ')})`,
      )
      .all(coopId, start, end, ...parts);
    for (const p of payments)
      business.set(p.member_id, (business.get(p.member_id) ?? 0n) + BigInt(p.amount));
    // A reversal delivered before its repayment leaves a member below zero for a while: none.
    for (const [memberId, paid] of business) if (paid < 0n) business.set(memberId, 0n);

    const members = [...new Set([...capital.keys(), ...business.keys()])].sort();
    const bases = members
      .map((memberId) => ({
        memberId,
        capitalBasis: average(capital.get(memberId) ?? 0n, days),
        businessBasis: (business.get(memberId) ?? 0n).toString(),
      }))
      .filter((b) => b.capitalBasis !== '0.000000' || b.businessBasis !== '0');
    return Promise.resolve(bases.length === 0 ? null : bases);
  }
}

/** Balance-days ÷ days at 6 places; a member whose balance went negative counts as zero. */
function average(balanceDays: bigint, days: bigint): string {
  if (balanceDays <= 0n) return '0.000000';
  return Decimal.integer(balanceDays).dividedBy(Decimal.integer(days), 6).toString();
}
