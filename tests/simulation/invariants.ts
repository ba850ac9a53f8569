import type { RecordedEvent } from '@kopfed/eventstore';
import { SAVINGS_PRODUCTS, type Federation } from './federation';
import type { Model } from './model';
import type { World } from './world';

/** A broken invariant: the run stops and reports its seed. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

interface TrialRow {
  account: string;
  debitBalance: string;
  creditBalance: string;
}

interface TrialBalance {
  rows: TrialRow[];
  totals: {
    currency: string;
    debitTurnover: string;
    creditTurnover: string;
    debitBalance: string;
    creditBalance: string;
  }[];
}

function checkBalanced(what: string, trial: TrialBalance): void {
  for (const total of trial.totals) {
    check(
      total.debitBalance === total.creditBalance && total.debitTurnover === total.creditTurnover,
      () => `${what} do not balance in ${total.currency}: ${JSON.stringify(total)}`,
    );
  }
}

function creditBalance(rows: readonly TrialRow[], account: string): bigint {
  return rows
    .filter((r) => r.account === account)
    .reduce((sum, r) => sum + BigInt(r.creditBalance) - BigInt(r.debitBalance), 0n);
}

function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new InvariantViolation(message());
}

interface AuditedAccount {
  balance: bigint;
  deposits: number;
  withdrawals: number;
  eventIds: Set<string>;
}

interface AuditedLoan {
  disbursements: number;
  disbursed: bigint;
  repayments: number;
  repaid: bigint;
  principalRepaid: bigint;
  eventIds: Set<string>;
}

type Data = Record<string, unknown>;
const amountOf = (event: RecordedEvent) => BigInt(String((event.data as Data).amount));
const amountIn = (event: RecordedEvent, field: string) =>
  BigInt(String((event.data as Data)[field]));
/** The reference the savings service gives the credit of a loan paid out into an account. */
const PAYOUT = /^loan (\S+) disbursed$/;

/**
 * Reads each store's log as an auditor would (incrementally: only what is new since the last
 * check) and compares it with the model after every step.
 */
export class Auditor {
  private readonly accounts = new Map<string, AuditedAccount>();
  private readonly loans = new Map<string, AuditedLoan>();

  private constructor(
    private readonly world: World,
    private readonly model: Model,
    private readonly federation: Federation,
    private savingsPosition: number,
    private loanPosition: number,
  ) {}

  /** An auditor of one run: it reads the logs from where the run starts. */
  static async begin(world: World, model: Model, federation: Federation): Promise<Auditor> {
    return new Auditor(
      world,
      model,
      federation,
      await world.store('savings').headPosition(),
      await world.store('loan').headPosition(),
    );
  }

  private adminKey: string | undefined;
  private settlementPosition = -1;

  /** The key the auditor reads the books with (the federation's admin). */
  useKey(token: string): void {
    this.adminKey = token;
  }

  async checkAll(): Promise<void> {
    await this.checkLoans();
    await this.checkSavings();
    const moved = (await this.world.store('settlement').headPosition()) !== this.settlementPosition;
    await this.checkBooks();
    if (moved) await this.checkNets();
    this.checkBus();
  }

  /** Every batch's nets sum to zero, and it holds each acknowledged transfer exactly once. */
  private async checkNets(): Promise<void> {
    for (const [batchId, expected] of this.model.batches) {
      const view = await this.read(`/api/settlement/v1/settlement-batches/${batchId}/positions`);
      check(view !== undefined, () => `settlement batch ${batchId} is missing`);
      const positions = view.positions as { coopId: string; net: { amount: string } }[];
      const sum = positions.reduce((total, p) => total + BigInt(p.net.amount), 0n);
      const sumOfNets = BigInt((view.sumOfNets as { amount: string }).amount);
      check(
        sum === 0n && sumOfNets === 0n,
        () => `batch ${batchId}: nets sum to ${sum} (reported ${sumOfNets})`,
      );
      const bilateral = new Map<string, bigint>(
        (
          view.bilateral as { fromCoopId: string; toCoopId: string; amount: { amount: string } }[]
        ).map((b) => [`${b.fromCoopId}>${b.toCoopId}`, BigInt(b.amount.amount)] as const),
      );
      for (const [pair, amount] of expected) {
        check(
          bilateral.get(pair) === amount,
          () =>
            `batch ${batchId}: ${pair} holds ${bilateral.get(pair) ?? 0n}; the transfers acknowledged come to ${amount}`,
        );
      }
    }
  }

  /** Σ debit = Σ credit in every coop's books and in the consolidated books, whenever they moved. */
  private async checkBooks(): Promise<Map<string, TrialRow[]>> {
    const trials = new Map<string, TrialRow[]>();
    const head = await this.world.store('settlement').headPosition();
    if (head === this.settlementPosition || !this.adminKey) return trials;
    this.settlementPosition = head;
    for (const coopId of [...this.federation.primaries, this.federation.P]) {
      const trial = await this.read(`/api/settlement/v1/coops/${coopId}/books/trial-balance`);
      if (!trial) continue;
      checkBalanced(`${coopId}'s books`, trial as unknown as TrialBalance);
      trials.set(coopId, (trial as unknown as TrialBalance).rows);
    }
    const consolidated = await this.read(
      `/api/settlement/v1/coops/${this.federation.P}/books/consolidated/trial-balance`,
    );
    if (consolidated)
      checkBalanced('the consolidated books', consolidated.statement as TrialBalance);
    return trials;
  }

  /** The body, or undefined while the coop has no books yet (nothing was ever posted for it). */
  private async read(path: string): Promise<Record<string, unknown> | undefined> {
    const reply = await this.world.request('GET', path, this.adminKey!);
    if (reply.status === 404 && reply.body.code === 'ledger-not-found') return undefined;
    check(reply.status === 200, () => `GET ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** Balances are what the acknowledged commands put in, once each, and never below a floor. */
  private async checkSavings(): Promise<void> {
    const events = await this.world.store('savings').readAll({
      after: this.savingsPosition,
      categories: ['account'],
    });
    for (const event of events) {
      this.savingsPosition = event.position;
      const accountId = event.stream.slice('account-'.length);
      if (!accountId.startsWith(this.model.accountPrefix)) continue;
      const account = this.accounts.get(accountId) ?? {
        balance: 0n,
        deposits: 0,
        withdrawals: 0,
        eventIds: new Set<string>(),
      };
      check(
        !account.eventIds.has(event.id),
        () => `event ${event.id} stored twice in ${event.stream}`,
      );
      account.eventIds.add(event.id);
      this.accounts.set(accountId, account);
      switch (event.type) {
        case 'Deposited':
          account.balance += amountOf(event);
          account.deposits++;
          this.creditPayout(accountId, event);
          break;
        case 'Withdrawn':
          account.balance -= amountOf(event);
          account.withdrawals++;
          break;
        default:
          break;
      }
      const modelled = this.model.accounts.get(accountId);
      const floor = modelled?.product.floor;
      check(account.balance >= 0n, () => `account ${accountId} at ${account.balance}, below zero`);
      check(
        !(
          event.type === 'Withdrawn' &&
          floor !== null &&
          floor !== undefined &&
          account.balance < floor
        ),
        () =>
          `account ${accountId}: a withdrawal left ${account.balance}, below its floor ${floor}`,
      );
      check(
        !(event.type === 'Withdrawn' && floor === null),
        () =>
          `account ${accountId}: a withdrawal from ${modelled?.product.code}, which is not withdrawable`,
      );
    }
    for (const [accountId, expected] of this.model.accounts) {
      const audited = this.accounts.get(accountId);
      check(audited !== undefined, () => `account ${accountId} was acknowledged but has no events`);
      check(
        audited.balance === expected.balance &&
          audited.deposits === expected.deposits &&
          audited.withdrawals === expected.withdrawals,
        () =>
          `account ${accountId}: the store holds ${audited.balance} in ${audited.deposits} deposits and ${audited.withdrawals} withdrawals; the clients were told ${expected.balance} in ${expected.deposits} and ${expected.withdrawals}`,
      );
    }
    for (const accountId of this.accounts.keys()) {
      check(
        this.model.accounts.has(accountId),
        () => `account ${accountId} exists but no client was told it opened`,
      );
    }
  }

  /**
   * A loan paid out into a savings account reaches it over the bus: once the savings service
   * has credited it, the model's account includes it. It must be the payout of a loan the
   * clients were told was disbursed into this account, for its principal, and credited once.
   */
  private creditPayout(accountId: string, event: RecordedEvent): void {
    const reference = (event.data as Data).reference;
    const payout = typeof reference === 'string' ? PAYOUT.exec(reference) : null;
    if (!payout) return;
    const loan = this.model.loans.get(payout[1]!);
    check(
      loan !== undefined && loan.disbursements === 1,
      () => `account ${accountId} credited for loan ${payout[1]}, which was never disbursed`,
    );
    check(
      loan.accountId === accountId,
      () => `loan ${loan.label} was paid out into ${loan.accountId} but ${accountId} was credited`,
    );
    check(
      !loan.credited,
      () => `loan ${loan.label}'s payout credited twice to ${accountId} (event ${event.id})`,
    );
    check(
      amountOf(event) === loan.disbursed,
      () =>
        `loan ${loan.label} paid out ${loan.disbursed}; ${accountId} was credited ${amountOf(event)}`,
    );
    loan.credited = true;
    const account = this.model.accounts.get(accountId);
    check(account !== undefined, () => `loan ${loan.label} paid out into unknown ${accountId}`);
    account.balance += loan.disbursed;
    account.deposits++;
  }

  /**
   * Each acknowledged disbursement and repayment is in the loan store exactly once, and a
   * loan's outstanding principal is what was disbursed less the principal repaid: what the
   * store says after each repayment, what the clients were told, and never below zero.
   */
  private async checkLoans(): Promise<void> {
    const events = await this.world.store('loan').readAll({
      after: this.loanPosition,
      categories: ['loan'],
    });
    for (const event of events) {
      this.loanPosition = event.position;
      const loanId = event.stream.slice('loan-'.length);
      // Loans of other runs in a shared world go on accruing: only this run's coops' count.
      const ours =
        this.loans.has(loanId) ||
        (event.type === 'LoanApplied' &&
          this.federation.primaries.includes(String((event.data as Data).coopId)));
      if (!ours) continue;
      const modelled = this.model.loans.get(loanId);
      check(
        modelled !== undefined,
        () => `loan ${loanId} has ${event.type} but no client was told it was applied for`,
      );
      const loan = this.loans.get(loanId) ?? {
        disbursements: 0,
        disbursed: 0n,
        repayments: 0,
        repaid: 0n,
        principalRepaid: 0n,
        eventIds: new Set<string>(),
      };
      this.loans.set(loanId, loan);
      check(
        !loan.eventIds.has(event.id),
        () => `event ${event.id} stored twice in ${event.stream}`,
      );
      loan.eventIds.add(event.id);
      switch (event.type) {
        case 'LoanDisbursed':
          loan.disbursements++;
          loan.disbursed += amountIn(event, 'principal');
          break;
        case 'LoanRepaid': {
          loan.repayments++;
          loan.repaid += amountOf(event);
          // `principal` is all the principal it paid; `prepaidPrincipal` is the part of it
          // paid ahead of the schedule.
          loan.principalRepaid += amountIn(event, 'principal');
          const outstanding = loan.disbursed - loan.principalRepaid;
          check(
            outstanding >= 0n,
            () => `loan ${modelled.label}: repayments took its principal to ${outstanding}`,
          );
          check(
            amountIn(event, 'outstandingPrincipal') === outstanding,
            () =>
              `loan ${modelled.label}: a repayment says ${amountIn(event, 'outstandingPrincipal')} outstanding; disbursed ${loan.disbursed} less ${loan.principalRepaid} repaid is ${outstanding}`,
          );
          break;
        }
        default:
          break;
      }
    }
    for (const [loanId, expected] of this.model.loans) {
      const audited = this.loans.get(loanId);
      check(
        audited !== undefined,
        () => `loan ${expected.label} was acknowledged but has no events`,
      );
      const outstanding = audited.disbursed - audited.principalRepaid;
      check(
        audited.disbursements === expected.disbursements &&
          audited.disbursed === expected.disbursed &&
          audited.repayments === expected.repayments &&
          audited.repaid === expected.repaid,
        () =>
          `loan ${expected.label}: the store holds ${audited.disbursements} disbursements of ${audited.disbursed} and ${audited.repayments} repayments of ${audited.repaid}; the clients were told ${expected.disbursements} of ${expected.disbursed} and ${expected.repayments} of ${expected.repaid}`,
      );
      check(
        outstanding === expected.outstanding && outstanding >= 0n,
        () =>
          `loan ${expected.label}: ${outstanding} principal outstanding in the store; the clients were told ${expected.outstanding}`,
      );
    }
  }

  private checkBus(): void {
    const dead = this.world.bus.deadLetters;
    check(dead.length === 0, () => `dead-lettered: ${JSON.stringify(dead[0])}`);
  }

  /**
   * After the bus is drained: every member reached the savings service's directory, every
   * loan paid out reached its borrower's savings, and every coop's books hold each
   * acknowledged deposit, withdrawal and payout exactly once.
   */
  async checkDrained(): Promise<void> {
    for (const loan of this.model.loans.values()) {
      check(
        loan.disbursements === 0 || loan.credited,
        () => `loan ${loan.label}'s payout never reached savings account ${loan.accountId}`,
      );
    }
    this.settlementPosition = -1;
    const trials = await this.checkBooks();
    for (const coopId of this.federation.primaries) {
      const rows = trials.get(coopId) ?? [];
      for (const product of SAVINGS_PRODUCTS) {
        const expected = [...this.model.accounts.values()]
          .filter((a) => a.coopId === coopId && a.product.code === product.code)
          .reduce((sum, a) => sum + a.balance, 0n);
        const booked = creditBalance(rows, product.ledgerAccount);
        check(
          booked === expected,
          () =>
            `${coopId}'s books hold ${booked} in ${product.code} (${product.ledgerAccount}); the members' accounts hold ${expected}`,
        );
      }
    }
    const rows = this.world
      .store('savings')
      .database.prepare<[string, string], { coop_id: string; member_id: string }>(
        'SELECT coop_id, member_id FROM savings_members WHERE coop_id IN (?, ?)',
      )
      .all(...this.federation.primaries);
    const known = new Set(rows.map((r) => `${r.coop_id}/${r.member_id}`));
    for (const member of this.model.members) {
      check(
        known.has(`${member.coopId}/${member.memberId}`),
        () => `member ${member.memberId} never reached savings`,
      );
    }
    check(
      rows.length === this.model.members.length,
      () => `savings knows ${rows.length} members; ${this.model.members.length} joined`,
    );
    check(this.world.bus.pendingCount() === 0, () => 'messages still pending after the drain');
  }
}
