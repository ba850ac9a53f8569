import type { SavingsProductSpec } from './federation';

/** What the simulated clients were told: every acknowledged command, and so its effect. */
export interface ModelAccount {
  accountId: string;
  coopId: string;
  memberId: string;
  product: SavingsProductSpec;
  /**
   * Σ acknowledged deposits − Σ acknowledged withdrawals, in rupiah, plus each loan paid out into
   * the account once the savings service has credited it (the payout reaches it over the bus).
   */
  balance: bigint;
  /** Acknowledged money movements: each must be in the store exactly once. */
  deposits: number;
  withdrawals: number;
}

/** A loan the clients were told was applied for, and what they were told happened to it. */
export interface ModelLoan {
  loanId: string;
  /** How the trace names the loan: its number in this run. */
  label: string;
  coopId: string;
  memberId: string;
  /** The borrower's savings account the principal is paid out into. */
  accountId: string;
  principal: bigint;
  status: 'applied' | 'approved' | 'active' | 'closed';
  /** Acknowledged disbursements (0 or 1) and the principal they paid out. */
  disbursements: number;
  disbursed: bigint;
  /** Whether the savings service has credited the payout to `accountId` (seen in its store). */
  credited: boolean;
  /** Acknowledged repayments, each in the store exactly once, and Σ their amounts. */
  repayments: number;
  repaid: bigint;
  /** The outstanding principal the last acknowledged command answered with. */
  outstanding: bigint;
}

export interface ModelMember {
  coopId: string;
  memberId: string;
  /** How the trace names the member: its number in this run. */
  label: string;
}

export class Model {
  constructor(
    /** Account ids of this run start with it: the auditor reads only this run's accounts. */
    readonly accountPrefix: string,
  ) {}

  readonly members: ModelMember[] = [];
  readonly accounts = new Map<string, ModelAccount>();
  /** Acknowledged inter-coop transfers, by settlement batch: `from>to` → Σ amount. */
  readonly batches = new Map<string, Map<string, bigint>>();
  /** Loans applied for, by loan id. */
  readonly loans = new Map<string, ModelLoan>();
  private counter = 0;

  /** A fresh number for names (persons, accounts, keys): deterministic per run. */
  next(): number {
    return ++this.counter;
  }
}
