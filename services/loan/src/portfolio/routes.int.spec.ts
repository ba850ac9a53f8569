import request from 'supertest';
import {
  activeLoan,
  API,
  COOPS,
  loanHarness,
  productBody,
  type LoanHarness,
} from '../testing/harness';

describe('the loan portfolio', () => {
  let h: LoanHarness;
  beforeAll(async () => {
    h = await loanHarness('2026-01-31');
    await h.federation();
    await h.memberEvent('CooperationAgreementSigned', 'agr-1', {
      agreementId: 'agr-1',
      coopId: COOPS.P,
      partnerCoopId: COOPS.A,
      validFrom: '2026-01-01',
      validUntil: '2027-12-31',
    });
    await activeLoan(h); // A lends 10,000,000 to m-a1: never repaid.
    await activeLoan(h, {
      coopId: COOPS.B,
      memberId: 'm-b1',
      principal: '30000000',
      maker: h.fx.keys.coopB,
    });
    await activeLoan(h, {
      coopId: COOPS.P,
      memberId: 'm-pa',
      principal: '60000000',
      maker: h.fx.keys.admin,
    });
    h.setToday('2026-04-10');
    // Nobody pays: on 9 April every loan is 40 days past due. Close every day to then.
    await h.closeDays('2026-01-31', '2026-04-09');
  }, 60_000);
  afterAll(() => h.close());

  const get = (coopId: string, token: string, consolidated = false) =>
    request(h.app)
      .get(`${API}/coops/${coopId}/portfolio?consolidated=${consolidated}`)
      .set(h.as(token))
      .expect(200);

  it('consolidates the federation subtree: by class, NPL ratio, provisions, ageing', async () => {
    const p = (await get(COOPS.P, h.fx.keys.treasurerP, true)).body;
    expect(p.asOf).toBe('2026-04-09');
    expect(p.coopIds).toEqual([COOPS.A, COOPS.B, COOPS.P].sort());
    expect(p.loans).toBe(3);
    expect(p.outstandingPrincipal.amount).toBe('100000000');
    const dpk = p.byKolektibilitas.find(
      (k: { kolektibilitas: string }) => k.kolektibilitas === 'DPK',
    );
    expect(dpk).toMatchObject({ loans: 3, outstandingPrincipal: { amount: '100000000' } });
    expect(p.nplRatioPercent).toBe('0.00');
    expect(p.healthy).toBe(true);
    expect(p.provisionRequired.amount).toBe('3000000');
    expect(p.interCoopOutstanding.amount).toBe('60000000');
    const ageing = Object.fromEntries(
      p.ageing.map((b: { bucket: string; loans: number }) => [b.bucket, b.loans]),
    );
    expect(ageing).toMatchObject({ current: 0, '31-60': 3 });
    expect(p.byCoop.map((c: { coopId: string }) => c.coopId)).toEqual(
      [COOPS.A, COOPS.B, COOPS.P].sort(),
    );
  });

  it('shows a coop its own loans only', async () => {
    const a = (await get(COOPS.A, h.fx.keys.coopA, true)).body;
    expect(a.coopIds).toEqual([COOPS.A]);
    expect(a.outstandingPrincipal.amount).toBe('10000000');
    await request(h.app)
      .get(`${API}/coops/${COOPS.P}/portfolio`)
      .set(h.as(h.fx.keys.coopA))
      .expect(403);
  });

  it('consolidates only the coops the credential reaches: its totals are its coops’ sum', async () => {
    // A secondary's own system (role coop) reaches the secondary, not its member coops.
    const coopP = (await h.fx.registry.create({ role: 'coop', coopId: COOPS.P, createdBy: 'test' }))
      .token;
    const p = (await get(COOPS.P, coopP, true)).body;
    expect(p.coopIds).toEqual([COOPS.P]);
    expect(p.byCoop.map((c: { coopId: string }) => c.coopId)).toEqual([COOPS.P]);
    expect(p.loans).toBe(1);
    expect(p.outstandingPrincipal.amount).toBe('60000000');
    expect(p.provisionRequired.amount).toBe(p.byCoop[0].provision.amount);
    expect(p.interCoopOutstanding.amount).toBe('0');
    expect(p.ageing.reduce((n: number, b: { loans: number }) => n + b.loans, 0)).toBe(1);
    // The same figures as P's own portfolio, not consolidated.
    const own = (await get(COOPS.P, coopP, false)).body;
    expect({ ...p, consolidated: false }).toEqual(own);
  });

  it('publishes the federation’s figures without credentials: sums only, equal to the root’s consolidation', async () => {
    const open = await request(h.app).get(`${API}/public/portfolio`).expect(200);
    const root = (await get(COOPS.P, h.fx.keys.treasurerP, true)).body;
    expect(open.body).toEqual({
      asOf: root.asOf,
      loans: root.loans,
      outstandingPrincipal: root.outstandingPrincipal,
      byKolektibilitas: root.byKolektibilitas.map(
        (k: { kolektibilitas: string; loans: number; outstandingPrincipal: unknown }) => ({
          kolektibilitas: k.kolektibilitas,
          loans: k.loans,
          outstandingPrincipal: k.outstandingPrincipal,
        }),
      ),
      nplOutstanding: root.nplOutstanding,
      nplRatioPercent: root.nplRatioPercent,
      healthy: root.healthy,
    });
    expect(open.body.loans).toBe(3);
    const text = JSON.stringify(open.body);
    for (const id of [COOPS.A, COOPS.B, COOPS.P, 'm-a1', 'm-b1']) expect(text).not.toContain(id);
  });
});

describe('a loan book at 18 digits', () => {
  let h: LoanHarness;
  const publicPortfolio = () => request(h.app).get(`${API}/public/portfolio`);
  const coopPortfolio = () =>
    request(h.app).get(`${API}/coops/${COOPS.A}/portfolio`).set(h.as(h.fx.keys.coopA));
  const BIG = { amount: '999999999999999999', currency: 'IDR' };
  /** The loan that fills the book to the limit. */
  let filledLoanId = '';
  /** Applies for and approves a loan of coop A or B, not yet disbursed. */
  const approvedLoan = async (coop: 'A' | 'B', principal: string) => {
    const [coopId, memberId, maker] =
      coop === 'A' ? [COOPS.A, 'm-a2', h.fx.keys.coopA] : [COOPS.B, 'm-b1', h.fx.keys.coopB];
    const applied = await request(h.app)
      .post(`${API}/coops/${coopId}/loans`)
      .set(h.as(maker))
      .send({
        memberId,
        productCode: 'PINJAMAN',
        principal: { ...BIG, amount: principal },
        termMonths: 12,
      })
      .expect(201);
    const loanId = applied.body.loanId as string;
    await request(h.app)
      .post(`${API}/coops/${coopId}/loans/${loanId}/approval`)
      .set(h.as(h.fx.keys.treasurerP))
      .expect(200);
    const disburse = () =>
      request(h.app)
        .post(`${API}/coops/${coopId}/loans/${loanId}/disbursement`)
        .set(h.as(maker))
        .send({ via: { kind: 'cash' } });
    return { loanId, disburse };
  };
  beforeAll(async () => {
    h = await loanHarness('2026-01-31');
    await h.federation();
    for (const [coopId, key] of [
      [COOPS.A, h.fx.keys.coopA],
      [COOPS.B, h.fx.keys.coopB],
    ] as const)
      await request(h.app)
        .post(`${API}/coops/${coopId}/loan-products/PINJAMAN/versions`)
        .set(h.as(key))
        .send(productBody({ maxPrincipal: BIG }))
        .expect(201);
  }, 60_000);
  afterAll(() => h.close());

  it('adds loans of 18 digits exactly', async () => {
    await activeLoan(h, { principal: '400000000123456789' });
    await activeLoan(h, { principal: '500000000987654321' });
    const p = (await coopPortfolio().expect(200)).body;
    expect(p.outstandingPrincipal.amount).toBe('900000001111111110');
    expect((await publicPortfolio().expect(200)).body.outstandingPrincipal.amount).toBe(
      '900000001111111110',
    );
  });

  it('refuses a disbursement that would take the book past 18 digits, in any coop, and changes nothing', async () => {
    // The book's room to the last rupiah: this loan fills it exactly.
    const last = await approvedLoan('B', '99999998888888889');
    await last.disburse().expect(200);
    filledLoanId = last.loanId;
    expect((await publicPortfolio().expect(200)).body.outstandingPrincipal.amount).toBe(
      '999999999999999999',
    );
    const one = await approvedLoan('A', '1000000');
    const before = await h.store.headPosition();
    const refused = await one.disburse().expect(422);
    expect(refused.body).toMatchObject({
      code: 'loan_book_limit_exceeded',
      details: {
        limit: '999999999999999999',
        bookOutstandingPrincipal: '999999999999999999',
        principal: '1000000',
      },
    });
    expect(refused.body.detail).toContain('999999999999999999');
    expect(await h.store.headPosition()).toBe(before);
    const loan = await request(h.app)
      .get(`${API}/coops/${COOPS.A}/loans/${one.loanId}`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(loan.body.status).toBe('approved');
    // The portfolio still reads, at the limit.
    expect((await coopPortfolio().expect(200)).body.outstandingPrincipal.amount).toBe(
      '900000001111111110',
    );
    expect((await publicPortfolio().expect(200)).body.outstandingPrincipal.amount).toBe(
      '999999999999999999',
    );
  });

  it('pays out again once a repayment has made room', async () => {
    const waiting = await approvedLoan('A', '2000000');
    await waiting.disburse().expect(422);
    const repaid = await request(h.app)
      .post(`${API}/coops/${COOPS.B}/loans/${filledLoanId}/repayments`)
      .set(h.as(h.fx.keys.coopB))
      .send({ amount: { amount: '5000000', currency: 'IDR' }, via: { kind: 'cash' } })
      .expect(200);
    expect(BigInt(repaid.body.outstandingPrincipal.amount)).toBeLessThanOrEqual(
      99_999_998_888_888_889n - 2_000_000n,
    );
    await waiting.disburse().expect(200);
    const total = BigInt((await publicPortfolio().expect(200)).body.outstandingPrincipal.amount);
    expect(total).toBeLessThanOrEqual(999_999_999_999_999_999n);
  });

  it('lets only one of two payouts at once take the last room', async () => {
    const total = BigInt((await publicPortfolio().expect(200)).body.outstandingPrincipal.amount);
    const principal = (999_999_999_999_999_999n - total) / 2n + 1n;
    expect(principal).toBeGreaterThanOrEqual(1_000_000n);
    const first = await approvedLoan('A', principal.toString());
    const second = await approvedLoan('B', principal.toString());
    const answers = await Promise.all([first.disburse(), second.disburse()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422]);
    expect(BigInt((await publicPortfolio().expect(200)).body.outstandingPrincipal.amount)).toBe(
      total + principal,
    );
  });

  it('refuses, never fails, when a book written before the limit adds up past 64 bits', async () => {
    // A node that disbursed past the limit before it was kept: its book is read as it stands.
    // Coop A's twelve rows of 9 × 10^17 (the book's thirteen) pass what a SQLite integer holds.
    h.store.database.exec(`
      UPDATE loan_book SET outstanding_principal = 900000000000000000 WHERE status = 'active';
      INSERT INTO loan_book SELECT loan_id || '-copy-' || n.i, coop_id, member_id, borrower_coop_id,
          product_code, external_id, status, kolektibilitas, outstanding_principal, overdue_amount,
          oldest_overdue_due, provision, collateral_held, written_off_claim, recovered, applied_on,
          revision, dynamic
        FROM loan_book, (SELECT 1 AS i UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5
          UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9)
          AS n
        WHERE status = 'active' AND loan_id = (SELECT min(loan_id) FROM loan_book WHERE coop_id = '${COOPS.A}' AND status = 'active');`);
    for (const response of [await coopPortfolio(), await publicPortfolio()]) {
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('portfolio_total_out_of_range');
    }
  });
});
