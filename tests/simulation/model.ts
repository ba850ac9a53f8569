import type { SavingsProductSpec } from './federation';

/** What the simulated clients were told: every acknowledged command, and so its effect. */
export interface ModelAccount {
  accountId: string;
  coopId: string;
  memberId: string;
  product: SavingsProductSpec;
  /** Σ acknowledged deposits − Σ acknowledged withdrawals, in rupiah. */
  balance: bigint;
  /** Acknowledged money movements: each must be in the store exactly once. */
  deposits: number;
  withdrawals: number;
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
  private counter = 0;

  /** A fresh number for names (persons, accounts, keys): deterministic per run. */
  next(): number {
    return ++this.counter;
  }
}
