import { jakartaBusinessDate } from '@kopfed/eventstore';
import { idr, LOAN_PRODUCT, SAVINGS_PRODUCTS, type Federation, type Keys } from './federation';
import { InvariantViolation } from './invariants';
import type { Model, ModelAccount, ModelLoan } from './model';
import type { Prng } from './prng';
import type { Reply, World } from './world';

export const STEP_WEIGHTS = [
  ['deliver', 40],
  ['join', 6],
  ['open', 9],
  ['deposit', 12],
  ['withdraw', 10],
  ['conflicting-deposit', 4],
  ['transfer', 6],
  ['originate', 4],
  ['repay', 4],
  ['duplicate', 5],
  ['delay', 4],
  ['crash-consumer', 4],
  ['restart', 0.4],
  ['advance-clock', 4],
] as const;
export type StepKind = (typeof STEP_WEIGHTS)[number][0];

/** Fails the run on a 5xx or an answer the model did not allow. */
function expectStatus(what: string, reply: Reply, allowed: readonly number[]): void {
  if (!allowed.includes(reply.status)) {
    throw new InvariantViolation(
      `${what}: got ${reply.status} (expected ${allowed.join(' or ')}): ${JSON.stringify(reply.body)}`,
    );
  }
}

const savingsPath = (coopId: string, rest = '') => `/api/savings/v1/coops/${coopId}${rest}`;
const loanPath = (coopId: string, rest = '') => `/api/loan/v1/coops/${coopId}/loans${rest}`;
const amountIn = (body: Record<string, unknown>, field: string) =>
  BigInt((body[field] as { amount: string }).amount);

/** One scheduler step: a client command, a delivery or a fault, chosen by the PRNG. */
export class Steps {
  constructor(
    private readonly world: World,
    private readonly federation: Federation,
    private readonly model: Model,
    private readonly keys: Keys,
    private readonly prng: Prng,
  ) {}

  async run(chosen: StepKind): Promise<string> {
    const kind = this.possible(chosen);
    switch (kind) {
      case 'deliver':
        return (await this.world.bus.deliverOne(this.prng)) ?? 'deliver: nothing pending';
      case 'join':
        return this.join();
      case 'open':
        return this.open();
      case 'deposit':
        return this.deposit();
      case 'withdraw':
        return this.withdraw();
      case 'conflicting-deposit':
        return this.conflictingDeposit();
      case 'transfer':
        return this.transfer();
      case 'originate':
        return this.originate();
      case 'repay':
        return this.repay();
      case 'duplicate':
      case 'delay':
      case 'crash-consumer':
        return this.world.bus.inject(kind, this.prng) ?? `${kind}: nothing to do`;
      case 'restart':
        await this.world.restart();
        return 'restart: the process crashed and came back';
      case 'advance-clock':
        return this.advanceClock();
      default:
        return kind satisfies never;
    }
  }

  /** A step that has nothing to work on yet gives way to the one that makes it something. */
  private possible(kind: StepKind): StepKind {
    const accounts = this.model.accounts.size > 0;
    switch (kind) {
      case 'deposit':
      case 'withdraw':
      case 'conflicting-deposit':
        return accounts ? kind : this.possible('open');
      case 'open':
        return this.model.members.length > 0 ? kind : 'join';
      case 'originate':
        return this.borrowingAccounts().length > 0 ? kind : this.possible('open');
      case 'repay':
        return this.activeLoans().length > 0 ? kind : this.possible('originate');
      case 'deliver':
        return this.world.bus.canDeliver() ? kind : this.possible('open');
      default:
        return kind;
    }
  }

  private async join(): Promise<string> {
    const coopId = this.prng.pick(this.federation.primaries);
    const n = this.model.next();
    const reply = await this.world.request(
      'POST',
      `/api/member/v1/coops/${coopId}/members`,
      this.token(coopId),
      {
        body: {
          kind: 'person',
          memberNumber: `M-${n}`,
          joinedOn: jakartaBusinessDate(this.world.clock.now()),
          person: this.federation.person(n),
        },
        idempotencyKey: `join-${n}`,
      },
    );
    expectStatus(`join ${coopId}`, reply, [201]);
    const label = `m${n}`;
    this.model.members.push({ coopId, memberId: String(reply.body.memberId), label });
    return `join ${this.federation.label(coopId)} ${label}: ${reply.status}`;
  }

  /** Succeeds exactly when the savings service has heard that the member and its coop are active. */
  private async open(): Promise<string> {
    if (this.model.members.length === 0) return 'open: no members yet';
    const member = this.prng.pick(this.model.members);
    const product = this.prng.pick(SAVINGS_PRODUCTS);
    const accountId = `${this.model.accountPrefix}${this.model.next()}`;
    const initial = this.prng.chance(0.5) ? BigInt(this.prng.int(20, 500) * 1_000) : 0n;
    const known = this.world
      .store('savings')
      .database.prepare<[string, string], { active: number; status: string }>(
        `SELECT m.active, c.status FROM savings_members m JOIN savings_coops c ON c.coop_id = m.coop_id
          WHERE m.coop_id = ? AND m.member_id = ?`,
      )
      .get(member.coopId, member.memberId);
    const allowed = known?.active === 1 && known.status === 'active';
    // Equity savings (pokok, wajib) are one account per member; sukarela may be several.
    const duplicate =
      product.floor === null &&
      [...this.model.accounts.values()].some(
        (a) => a.memberId === member.memberId && a.product.code === product.code,
      );
    const reply = await this.world.request(
      'POST',
      savingsPath(member.coopId, '/accounts'),
      this.token(member.coopId),
      {
        body: {
          accountId,
          memberId: member.memberId,
          productCode: product.code,
          ...(initial > 0n ? { initialDeposit: { amount: idr(initial) } } : {}),
        },
      },
    );
    expectStatus(
      `open ${accountId} (member ${allowed ? 'known' : 'not yet known'} to savings${duplicate ? ', has one' : ''})`,
      reply,
      !allowed ? [422] : duplicate ? [409] : [201],
    );
    if (reply.status === 201) {
      this.model.accounts.set(accountId, {
        accountId,
        coopId: member.coopId,
        memberId: member.memberId,
        product,
        balance: initial,
        deposits: initial > 0n ? 1 : 0,
        withdrawals: 0,
      });
    }
    return `open ${this.label(accountId)} ${product.code} for ${member.label} with ${initial}: ${reply.status}`;
  }

  private token(coopId: string): string {
    const token = this.keys.coop[coopId];
    if (!token) throw new Error(`no key for ${coopId}`);
    return token;
  }

  /** The account as the trace names it, the same in every run of a seed. */
  private label(accountId: string): string {
    return accountId.slice(this.model.accountPrefix.length - 'acc-'.length);
  }

  private pickAccount(): ModelAccount | undefined {
    const accounts = [...this.model.accounts.values()];
    return accounts.length === 0 ? undefined : this.prng.pick(accounts);
  }

  /** A deposit, sometimes sent twice with one Idempotency-Key (a client retrying): one effect. */
  private async deposit(): Promise<string> {
    const account = this.pickAccount();
    if (!account) return 'deposit: no accounts yet';
    const amount = BigInt(this.prng.int(1, 300) * 1_000);
    const key = `deposit-${this.model.next()}`;
    const send = () =>
      this.world.request(
        'POST',
        savingsPath(account.coopId, `/accounts/${account.accountId}/deposits`),
        this.token(account.coopId),
        {
          body: { amount: idr(amount) },
          idempotencyKey: key,
        },
      );
    const reply = await send();
    expectStatus(`deposit ${amount} into ${account.accountId}`, reply, [200]);
    account.balance += amount;
    account.deposits++;
    const retried = this.prng.chance(0.3);
    if (retried) {
      const again = await send();
      expectStatus(`retried deposit ${key}`, again, [200]);
    }
    return `deposit ${amount} into ${this.label(account.accountId)}${retried ? ' (sent twice)' : ''}: ${reply.status}`;
  }

  /** Allowed exactly when the product is withdrawable and the floor stays covered. */
  private async withdraw(): Promise<string> {
    const account = this.pickAccount();
    if (!account) return 'withdraw: no accounts yet';
    const amount = BigInt(this.prng.int(1, Number(account.balance / 1_000n) + 50) * 1_000);
    const floor = account.product.floor;
    const allowed = floor !== null && account.balance - amount >= floor;
    const reply = await this.world.request(
      'POST',
      savingsPath(account.coopId, `/accounts/${account.accountId}/withdrawals`),
      this.token(account.coopId),
      { body: { amount: idr(amount) } },
    );
    expectStatus(
      `withdraw ${amount} of ${account.balance} from ${account.accountId} (${account.product.code})`,
      reply,
      allowed ? [200] : [422],
    );
    if (reply.status === 200) {
      account.balance -= amount;
      account.withdrawals++;
    }
    return `withdraw ${amount} from ${this.label(account.accountId)}: ${reply.status}`;
  }

  /**
   * Two processes deposit into one account at once: the second process's deposit lands
   * between this one's read and its append, whose expected revision is then stale.
   */
  private async conflictingDeposit(): Promise<string> {
    const account = this.pickAccount();
    if (!account) return 'conflicting deposit: no accounts yet';
    const path = savingsPath(account.coopId, `/accounts/${account.accountId}/deposits`);
    const token = this.token(account.coopId);
    const theirs = BigInt(this.prng.int(1, 100) * 1_000);
    const ours = BigInt(this.prng.int(1, 100) * 1_000);
    const store = this.world.store('savings');
    const before = store.conflicts;
    store.armConflict({
      stream: (name) => name === `account-${account.accountId}`,
      writer: async () => {
        const reply = await this.world.request('POST', path, token, {
          body: { amount: idr(theirs) },
          other: true,
        });
        expectStatus(`the other process's deposit into ${account.accountId}`, reply, [200]);
        account.balance += theirs;
        account.deposits++;
      },
    });
    const reply = await this.world.request('POST', path, token, { body: { amount: idr(ours) } });
    store.disarm();
    expectStatus(`deposit ${ours} racing another process into ${account.accountId}`, reply, [200]);
    account.balance += ours;
    account.deposits++;
    if (store.conflicts !== before + 1)
      throw new InvariantViolation(`the conflicting append on ${account.accountId} never happened`);
    return `deposit ${ours} into ${this.label(account.accountId)} racing ${theirs} from another process: ${reply.status}`;
  }

  /**
   * An inter-coop transfer between the two primaries, cleared by their parent; sometimes sent
   * twice with the same transfer id (deduplicated for ever). Refused only for a limit.
   */
  private async transfer(): Promise<string> {
    const [from, to] = this.prng.chance(0.5)
      ? this.federation.primaries
      : [this.federation.primaries[1], this.federation.primaries[0]];
    const amount = BigInt(this.prng.int(1, 200) * 1_000);
    const transferId = `t${this.federation.tenant}-tr-${this.model.next()}`;
    const send = () =>
      this.world.request('POST', '/api/settlement/v1/transfers', this.keys.admin, {
        body: { transferId, fromCoopId: from, toCoopId: to, amount: idr(amount) },
      });
    const reply = await send();
    expectStatus(`transfer ${amount} ${from} → ${to}`, reply, [201, 422]);
    const retried = this.prng.chance(0.3);
    if (retried) {
      const again = await send();
      expectStatus(`transfer ${transferId} sent again`, again, [reply.status === 201 ? 200 : 422]);
    }
    const label = `${this.federation.label(from)} → ${this.federation.label(to)}`;
    if (reply.status !== 201)
      return `transfer ${amount} ${label}: ${reply.status} ${String(reply.body.code)}`;
    const batchId = reply.body.batchId;
    if (typeof batchId !== 'string')
      throw new InvariantViolation(`transfer ${transferId} posted in no settlement batch`);
    const bilateral = this.model.batches.get(batchId) ?? new Map<string, bigint>();
    const pair = `${from}>${to}`;
    bilateral.set(pair, (bilateral.get(pair) ?? 0n) + amount);
    this.model.batches.set(batchId, bilateral);
    return `transfer ${amount} ${label}${retried ? ' (sent twice)' : ''}: ${reply.status}`;
  }

  /** Sukarela accounts: where a loan is paid out (equity savings take no payout). */
  private borrowingAccounts(): ModelAccount[] {
    return [...this.model.accounts.values()].filter((a) => a.product.floor !== null);
  }

  private activeLoans(): ModelLoan[] {
    return [...this.model.loans.values()].filter((l) => l.status === 'active');
  }

  /**
   * A loan from application to payout: the coop's key applies, a second key approves (maker-
   * checker), and the principal is paid out into the borrower's sukarela account, which the
   * savings service credits when the loan's event reaches it over the bus. The application is
   * allowed exactly when the loan service has heard that the member and its coop are active.
   */
  private async originate(): Promise<string> {
    const accounts = this.borrowingAccounts();
    if (accounts.length === 0) return 'originate: no sukarela accounts yet';
    const account = this.prng.pick(accounts);
    const n = this.model.next();
    const label = `L${n}`;
    const principal = BigInt(
      this.prng.int(
        Number(LOAN_PRODUCT.minPrincipal / 1_000n),
        Number(LOAN_PRODUCT.maxPrincipal / 1_000n),
      ) * 1_000,
    );
    const termMonths = this.prng.int(LOAN_PRODUCT.minTermMonths, LOAN_PRODUCT.maxTermMonths);
    const known = this.world
      .store('loan')
      .database.prepare<[string, string], { status: string; left_on: string | null }>(
        `SELECT c.status, m.left_on FROM loan_party_members m JOIN loan_party_coops c ON c.coop_id = m.coop_id
          WHERE m.coop_id = ? AND m.member_id = ?`,
      )
      .get(account.coopId, account.memberId);
    const allowed = known?.status === 'active' && known.left_on === null;
    const maker = this.token(account.coopId);
    const applied = await this.world.request('POST', loanPath(account.coopId), maker, {
      body: {
        memberId: account.memberId,
        productCode: LOAN_PRODUCT.code,
        principal: idr(principal),
        termMonths,
      },
    });
    expectStatus(
      `apply for ${label} of ${principal} (member ${allowed ? 'known' : 'not yet known'} to loan)`,
      applied,
      allowed ? [201] : [422],
    );
    const what = `originate ${label} ${principal} over ${termMonths} months into ${this.label(account.accountId)}`;
    if (applied.status !== 201) return `${what}: ${applied.status} ${String(applied.body.code)}`;
    const loanId = applied.body.loanId;
    if (typeof loanId !== 'string')
      throw new InvariantViolation(`loan ${label} applied for without a loan id`);
    const loan: ModelLoan = {
      loanId,
      label,
      coopId: account.coopId,
      memberId: account.memberId,
      accountId: account.accountId,
      principal,
      status: 'applied',
      disbursements: 0,
      disbursed: 0n,
      credited: false,
      repayments: 0,
      repaid: 0n,
      outstanding: 0n,
    };
    this.model.loans.set(loanId, loan);
    const refused = await this.world.request(
      'POST',
      loanPath(account.coopId, `/${loanId}/approval`),
      maker,
    );
    expectStatus(`${label} approved by the key that applied`, refused, [422]);
    const approved = await this.world.request(
      'POST',
      loanPath(account.coopId, `/${loanId}/approval`),
      this.keys.checker[account.coopId]!,
    );
    expectStatus(`approve ${label}`, approved, [200]);
    loan.status = 'approved';
    const disburse = () =>
      this.world.request('POST', loanPath(account.coopId, `/${loanId}/disbursement`), maker, {
        body: {
          via: {
            kind: 'savings',
            savingsAccountId: account.accountId,
            productCode: account.product.code,
          },
        },
      });
    const disbursed = await disburse();
    expectStatus(`disburse ${label} into ${account.accountId}`, disbursed, [200]);
    loan.status = 'active';
    loan.disbursements++;
    loan.disbursed += principal;
    loan.outstanding = amountIn(disbursed.body, 'outstandingPrincipal');
    if (loan.outstanding !== principal)
      throw new InvariantViolation(
        `${label} disbursed ${principal} but answers ${loan.outstanding} outstanding`,
      );
    // A client that lost the answer and disburses again: the loan is already active.
    const retried = this.prng.chance(0.3);
    if (retried) {
      const again = await disburse();
      expectStatus(`${label} disbursed again`, again, [409, 422]);
    }
    return `${what}: ${applied.status}, approved, disbursed${retried ? ' (sent twice)' : ''}`;
  }

  /**
   * Any amount on an active loan, up to a little more than the payoff amount, which is refused;
   * sometimes sent twice with one Idempotency-Key (one effect). The payoff closes the loan.
   */
  private async repay(): Promise<string> {
    const loans = this.activeLoans();
    if (loans.length === 0) return 'repay: no active loans';
    const loan = this.prng.pick(loans);
    const path = loanPath(loan.coopId, `/${loan.loanId}`);
    const token = this.token(loan.coopId);
    const view = await this.world.request('GET', path, token);
    expectStatus(`read ${loan.label}`, view, [200]);
    const payoff = amountIn(view.body, 'payoffAmount');
    const amount = this.prng.chance(0.15)
      ? payoff
      : BigInt(this.prng.int(1, Number((payoff * 11n) / 10n / 1_000n) + 1) * 1_000);
    const key = `repay-${this.model.next()}`;
    const send = () =>
      this.world.request('POST', `${path}/repayments`, token, {
        body: { amount: idr(amount), via: { kind: 'cash' } },
        idempotencyKey: key,
      });
    const reply = await send();
    const allowed = amount <= payoff;
    expectStatus(
      `repay ${amount} of ${loan.label} (payoff ${payoff})`,
      reply,
      allowed ? [200] : [422],
    );
    const what = `repay ${amount} of ${loan.label}`;
    if (reply.status !== 200) return `${what}: ${reply.status} ${String(reply.body.code)}`;
    loan.repayments++;
    loan.repaid += amount;
    loan.outstanding = amountIn(reply.body, 'outstandingPrincipal');
    if (reply.body.status === 'closed') loan.status = 'closed';
    const retried = this.prng.chance(0.3);
    if (retried) {
      const again = await send();
      expectStatus(`retried repayment ${key}`, again, [200]);
    }
    return `${what}${retried ? ' (sent twice)' : ''}: ${reply.status}${loan.status === 'closed' ? ', paid off' : ''}`;
  }

  /** Time passes; crossing midnight in Jakarta runs the close of business, as the node does. */
  private async advanceClock(): Promise<string> {
    const before = jakartaBusinessDate(this.world.clock.now());
    const minutes = this.prng.int(10, 12 * 60);
    this.world.clock.advance(minutes * 60_000);
    const after = jakartaBusinessDate(this.world.clock.now());
    if (before === after) return `clock +${minutes} min`;
    await this.world.closeOfBusiness(before);
    return `clock +${minutes} min, past midnight: close of business`;
  }
}
