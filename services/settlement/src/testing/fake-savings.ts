import type Database from 'better-sqlite3';
import type { PortOutcome, SavingsPort } from '../payments/savings-port';

/**
 * The savings service as the payment saga sees it, kept in SQLite so that the crash test's
 * killed processes share it (in memory for the saga's own tests). Accounts have a balance;
 * holds reduce what is available until captured or released. Every call is idempotent on
 * its id, as the savings service's own are. `refuse` makes an account refuse the next calls.
 */
export class FakeSavings implements SavingsPort {
  readonly refusals = new Map<string, { step: 'hold' | 'credit'; code: string }>();
  /** Calls that fail as a network would: the n-th call of that kind rejects once. */
  readonly outages = new Map<'hold' | 'capture' | 'release' | 'credit', number>();
  private readonly calls = new Map<string, number>();

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS fake_accounts (coop_id TEXT, account_id TEXT, balance INTEGER NOT NULL, PRIMARY KEY (coop_id, account_id));
      CREATE TABLE IF NOT EXISTS fake_holds (hold_id TEXT PRIMARY KEY, coop_id TEXT, account_id TEXT, amount INTEGER, status TEXT);
      CREATE TABLE IF NOT EXISTS fake_credits (credit_id TEXT PRIMARY KEY, coop_id TEXT, account_id TEXT, amount INTEGER);`);
  }

  open(coopId: string, accountId: string, balance: number): void {
    this.db
      .prepare('INSERT OR REPLACE INTO fake_accounts VALUES (?, ?, ?)')
      .run(coopId, accountId, balance);
  }

  balance(coopId: string, accountId: string): number {
    return (
      this.db
        .prepare<[string, string], { balance: number }>(
          'SELECT balance FROM fake_accounts WHERE coop_id = ? AND account_id = ?',
        )
        .get(coopId, accountId)?.balance ?? 0
    );
  }

  totalBalance(): number {
    return this.db
      .prepare<[], { total: number }>(
        'SELECT coalesce(sum(balance), 0) AS total FROM fake_accounts',
      )
      .get()!.total;
  }

  activeHolds(): number {
    return this.db
      .prepare<[], { n: number }>("SELECT count(*) AS n FROM fake_holds WHERE status = 'active'")
      .get()!.n;
  }

  /** Every hold ever placed, released and captured ones too. */
  holdsPlaced(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM fake_holds').get()!.n;
  }

  /** Lets a hold lapse, as its expiry does: it can no longer be captured. */
  expire(holdId: string): void {
    this.db.prepare("UPDATE fake_holds SET status = 'expired' WHERE hold_id = ?").run(holdId);
  }

  private outage(kind: 'hold' | 'capture' | 'release' | 'credit'): void {
    const n = (this.calls.get(kind) ?? 0) + 1;
    this.calls.set(kind, n);
    if (this.outages.get(kind) === n)
      throw new Error(`savings service unreachable (${kind} call ${n})`);
  }

  private available(coopId: string, accountId: string): number | undefined {
    const account = this.db
      .prepare<[string, string], { balance: number }>(
        'SELECT balance FROM fake_accounts WHERE coop_id = ? AND account_id = ?',
      )
      .get(coopId, accountId);
    if (!account) return undefined;
    const held = this.db
      .prepare<[string, string], { held: number }>(
        "SELECT coalesce(sum(amount), 0) AS held FROM fake_holds WHERE coop_id = ? AND account_id = ? AND status = 'active'",
      )
      .get(coopId, accountId)!.held;
    return account.balance - held;
  }

  async hold(input: Parameters<SavingsPort['hold']>[0]): Promise<PortOutcome> {
    this.outage('hold');
    const refusal = this.refusals.get(`${input.coopId}/${input.accountId}`);
    if (refusal?.step === 'hold') return { ok: false, code: refusal.code, detail: 'refused' };
    return this.db.transaction((): PortOutcome => {
      const existing = this.db
        .prepare<[string], { status: string }>('SELECT status FROM fake_holds WHERE hold_id = ?')
        .get(input.holdId);
      if (existing)
        return existing.status === 'released'
          ? { ok: false, code: 'hold-released', detail: 'released before' }
          : { ok: true };
      const available = this.available(input.coopId, input.accountId);
      if (available === undefined)
        return { ok: false, code: 'account-not-found', detail: input.accountId };
      if (available < Number(input.amount.amount))
        return { ok: false, code: 'insufficient-funds', detail: `available ${available}` };
      this.db
        .prepare("INSERT INTO fake_holds VALUES (?, ?, ?, ?, 'active')")
        .run(input.holdId, input.coopId, input.accountId, Number(input.amount.amount));
      return { ok: true };
    })();
  }

  async capture(input: Parameters<SavingsPort['capture']>[0]): Promise<PortOutcome> {
    this.outage('capture');
    return this.db.transaction((): PortOutcome => {
      const hold = this.db
        .prepare<[string], { status: string; amount: number }>(
          'SELECT status, amount FROM fake_holds WHERE hold_id = ?',
        )
        .get(input.holdId);
      if (hold?.status === 'captured') return { ok: true };
      if (hold?.status === 'expired')
        return { ok: false, code: 'hold-expired', detail: `${input.holdId} expired` };
      if (hold?.status !== 'active')
        return { ok: false, code: 'hold-not-found', detail: input.holdId };
      this.db
        .prepare("UPDATE fake_holds SET status = 'captured' WHERE hold_id = ?")
        .run(input.holdId);
      this.db
        .prepare(
          'UPDATE fake_accounts SET balance = balance - ? WHERE coop_id = ? AND account_id = ?',
        )
        .run(Number(input.amount.amount), input.coopId, input.accountId);
      return { ok: true };
    })();
  }

  async release(input: Parameters<SavingsPort['release']>[0]): Promise<PortOutcome> {
    this.outage('release');
    return this.db.transaction((): PortOutcome => {
      const hold = this.db
        .prepare<[string], { status: string }>('SELECT status FROM fake_holds WHERE hold_id = ?')
        .get(input.holdId);
      if (hold?.status === 'captured')
        return { ok: false, code: 'hold-captured', detail: input.holdId };
      // A release before the hold arrives leaves a tombstone: the late hold is refused.
      if (!hold)
        this.db
          .prepare("INSERT INTO fake_holds VALUES (?, ?, ?, 0, 'released')")
          .run(input.holdId, input.coopId, input.accountId);
      else
        this.db
          .prepare("UPDATE fake_holds SET status = 'released' WHERE hold_id = ?")
          .run(input.holdId);
      return { ok: true };
    })();
  }

  async credit(input: Parameters<SavingsPort['credit']>[0]): Promise<PortOutcome> {
    this.outage('credit');
    const refusal = this.refusals.get(`${input.coopId}/${input.accountId}`);
    if (refusal?.step === 'credit') return { ok: false, code: refusal.code, detail: 'refused' };
    return this.db.transaction((): PortOutcome => {
      if (
        this.db
          .prepare<[string], { one: number }>(
            'SELECT 1 AS one FROM fake_credits WHERE credit_id = ?',
          )
          .get(input.creditId)
      )
        return { ok: true };
      if (this.available(input.coopId, input.accountId) === undefined)
        return { ok: false, code: 'account-not-found', detail: input.accountId };
      this.db
        .prepare('INSERT INTO fake_credits VALUES (?, ?, ?, ?)')
        .run(input.creditId, input.coopId, input.accountId, Number(input.amount.amount));
      this.db
        .prepare(
          'UPDATE fake_accounts SET balance = balance + ? WHERE coop_id = ? AND account_id = ?',
        )
        .run(Number(input.amount.amount), input.coopId, input.accountId);
      return { ok: true };
    })();
  }
}
