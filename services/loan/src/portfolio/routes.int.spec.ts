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

describe('a loan portfolio past 64 bits', () => {
  let h: LoanHarness;
  const publicPortfolio = () => request(h.app).get(`${API}/public/portfolio`);
  const coopPortfolio = () =>
    request(h.app).get(`${API}/coops/${COOPS.A}/portfolio`).set(h.as(h.fx.keys.coopA));
  beforeAll(async () => {
    h = await loanHarness('2026-01-31');
    await h.federation();
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody({ maxPrincipal: { amount: '999999999999999999', currency: 'IDR' } }))
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

  it('refuses, never fails, when the book adds up past 64 bits', async () => {
    // Eleven more loans of 9 × 10^17: about 10^19 in all, more than a SQLite integer holds.
    for (let n = 0; n < 11; n++) await activeLoan(h, { principal: '900000000000000000' });
    for (const response of [await coopPortfolio(), await publicPortfolio()]) {
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('portfolio_total_out_of_range');
    }
  }, 60_000);
});
