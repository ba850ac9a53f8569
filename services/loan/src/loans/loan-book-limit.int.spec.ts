import request from 'supertest';
import { API, COOPS, loanHarness, productBody, type LoanHarness } from '../testing/harness';
import { LOAN_BOOK_ROOM } from '../shared/streams';
import { LoanBookLimit } from './loan-book-limit';
import { LoanBookProjection } from './loan-book-projection';
import type { LoanCommand } from './loan-commands';
import { LoanRepository } from './loan-repository';

type DisburseLoan = Extract<LoanCommand, { type: 'DisburseLoan' }>;

/**
 * The room ledger with a limit of 10,000,000, so a few loans fill it. The decider keeps its own
 * limit, so each payout here records the book it is told of and pays out or not as the test says.
 */
describe('the loan book limit', () => {
  let h: LoanHarness;
  let limit: LoanBookLimit;
  let loans: LoanRepository;
  const LIMIT = 10_000_000n;
  const command = {
    type: 'DisburseLoan' as const,
    disbursedOn: '2026-01-31',
    via: { kind: 'cash' as const },
    disbursedBy: 'key-teller',
    externalId: null,
  };
  const approvedLoan = async (principal: bigint) => {
    const applied = await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loans`)
      .set(h.as(h.fx.keys.coopA))
      .send({
        memberId: 'm-a1',
        productCode: 'PINJAMAN',
        principal: { amount: principal.toString(), currency: 'IDR' },
        termMonths: 12,
      })
      .expect(201);
    const loanId = applied.body.loanId as string;
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loans/${loanId}/approval`)
      .set(h.as(h.fx.keys.treasurerP))
      .expect(200);
    return loanId;
  };
  /** Pays the loan out through the limit (or not: `payOut` false), answering the book it was told. */
  const disburse = async (loanId: string, payOut = true): Promise<bigint> => {
    let told: bigint | undefined;
    await limit.disburse(loanId, { coopId: COOPS.A }, command, async (given: DisburseLoan) => {
      told = given.bookOutstandingPrincipal;
      if (payOut) return loans.execute(loanId, given, { metadata: {}, coopId: COOPS.A });
      const { state, revision } = await loans.load(loanId);
      return { state, revision, events: [], alreadyApplied: false };
    });
    return told!;
  };
  const ledgerRevision = async () => h.store.streamRevision(LOAN_BOOK_ROOM);
  const rejectLoan = (loanId: string) =>
    request(h.app)
      .post(`${API}/coops/${COOPS.A}/loans/${loanId}/rejection`)
      .set(h.as(h.fx.keys.treasurerP))
      .send({ reason: 'withdrawn' })
      .expect(200);

  beforeEach(async () => {
    h = await loanHarness('2026-01-31');
    await h.federation();
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody())
      .expect(201);
    loans = new LoanRepository(h.store, h.store.database);
    limit = new LoanBookLimit(
      h.store,
      h.store.database,
      new LoanBookProjection(h.store),
      loans,
      LIMIT,
    );
  });
  afterEach(() => h.close());

  it('counts a loan whose payout was claimed but not made while it stays approved, and once when paid out', async () => {
    const [first, second, third, fourth] = [
      await approvedLoan(3_000_000n),
      await approvedLoan(4_000_000n),
      await approvedLoan(4_000_000n),
      await approvedLoan(3_000_000n),
    ];
    // The first payout claims its room but is not made (a crash between claim and payout).
    expect(await disburse(first, false)).toBe(0n);
    expect(await disburse(second)).toBe(3_000_000n);
    // 4 + 3 + 4 > 10: the recount still counts the first loan, approved and claimed.
    let revision = await ledgerRevision();
    expect(await disburse(third, false)).toBe(7_000_000n);
    expect(await ledgerRevision()).toBe(revision);
    // The first loan paid out after all is counted once, in the book.
    expect(await disburse(first)).toBe(7_000_000n);
    revision = await ledgerRevision();
    expect(await disburse(third, false)).toBe(7_000_000n);
    expect(await ledgerRevision()).toBe(revision);
    expect(await disburse(fourth)).toBe(7_000_000n);
    const statuses = await Promise.all(
      [first, second, third, fourth].map(async (loanId) => (await loans.load(loanId)).state.status),
    );
    expect(statuses).toEqual(['active', 'active', 'approved', 'active']);
  });

  it('carries a loan claimed and not yet paid out from recount to recount, until it is rejected', async () => {
    const [unpaid, rejected, paid, next, last] = [
      await approvedLoan(3_000_000n),
      await approvedLoan(2_000_000n),
      await approvedLoan(4_000_000n),
      await approvedLoan(3_000_000n),
      await approvedLoan(1_000_000n),
    ];
    expect(await disburse(unpaid, false)).toBe(0n);
    expect(await disburse(rejected, false)).toBe(3_000_000n);
    await rejectLoan(rejected);
    expect(await disburse(paid)).toBe(5_000_000n);
    // 9 + 3 > 10: the recount counts the book (4) and the unpaid loan (3), not the rejected one.
    expect(await disburse(next)).toBe(7_000_000n);
    // Full again: the next recount finds the unpaid loan in the last recount, not in a claim.
    const revision = await ledgerRevision();
    expect(await disburse(last, false)).toBe(10_000_000n);
    expect(await ledgerRevision()).toBe(revision);
    await rejectLoan(unpaid);
    expect(await disburse(last)).toBe(7_000_000n);
  });

  it('claims no room for a payout the decider refuses or finds made already', async () => {
    const revision = await ledgerRevision();
    const loanId = await approvedLoan(1_000_000n);
    // Of another coop: not found, nothing claimed.
    await expect(
      limit.disburse(loanId, { coopId: COOPS.B }, command, (given) =>
        loans.execute(loanId, given, { metadata: {}, coopId: COOPS.B }),
      ),
    ).rejects.toMatchObject({ code: 'loan_not_found' });
    // Dated before its approval: refused, nothing claimed.
    await expect(
      limit.disburse(
        loanId,
        { coopId: COOPS.A },
        { ...command, disbursedOn: '2025-12-31' },
        (given) => loans.execute(loanId, given, { metadata: {}, coopId: COOPS.A }),
      ),
    ).rejects.toMatchObject({ code: 'disbursed_before_approved' });
    expect(await ledgerRevision()).toBe(revision);
  });
});
