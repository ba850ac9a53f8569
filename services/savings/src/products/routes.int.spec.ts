import request from 'supertest';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

const base = `/api/savings/v1/coops/${COOPS.A}`;
let h: SavingsHarness;
const as = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  h = await savingsHarness();
});
afterAll(() => h.close());

describe('products over HTTP', () => {
  it('defines, revises from a later date, lists and reads products with ETags', async () => {
    const defined = await request(h.app)
      .post(`${base}/products`)
      .set(as(h.keys.coopA))
      .send(PRODUCTS.SUKARELA)
      .expect(201);
    expect(defined.body).toMatchObject({
      code: 'SUKARELA',
      classification: 'liability',
      versions: [{ rateBasisPoints: 365 }],
    });
    expect(defined.headers.location).toBe(`/api/savings/v1/coops/${COOPS.A}/products/SUKARELA`);
    const stale = await request(h.app)
      .post(`${base}/products/SUKARELA/revisions`)
      .set({ ...as(h.keys.coopA), 'If-Match': '"7"' })
      .send({ effectiveFrom: '2026-04-01', rateBasisPoints: 400 });
    expect(stale.status).toBe(412);
    const revised = await request(h.app)
      .post(`${base}/products/SUKARELA/revisions`)
      .set({ ...as(h.keys.treasurerP), 'If-Match': defined.headers.etag })
      .send({ effectiveFrom: '2026-04-01', rateBasisPoints: 400, minimumBalance: idr(20_000) })
      .expect(200);
    expect(revised.body.versions.map((v: { effectiveFrom: string }) => v.effectiveFrom)).toEqual([
      '2026-01-01',
      '2026-04-01',
    ]);
    const capped = await request(h.app)
      .post(`${base}/products/SUKARELA/revisions`)
      .set(as(h.keys.coopA))
      .send({ effectiveFrom: '2026-05-01', rateBasisPoints: 1_000 });
    expect(capped.status).toBe(422);
    expect(capped.body).toMatchObject({
      code: 'rate-above-cap',
      details: { maxRateBasisPoints: 900, source: 'Permenkop 8/2023 Ps. 26' },
    });
    const list = await request(h.app).get(`${base}/products`).set(as(h.keys.auditorP)).expect(200);
    expect(list.body.items.map((p: { code: string }) => p.code)).toEqual(['SUKARELA']);
    await request(h.app).get(`${base}/products/SUKARELA`).set(as(h.keys.coopA)).expect(200);
    const missing = await request(h.app).get(`${base}/products/NOPE`).set(as(h.keys.coopA));
    expect(missing.status).toBe(404);
    await request(h.app).get(`${base}/products`).set(as(h.keys.coopB)).expect(403);
  });

  it('shows the maker-checker threshold: the default until the coop sets its own', async () => {
    const policy = await request(h.app)
      .get(`${base}/savings-policy`)
      .set(as(h.keys.coopA))
      .expect(200);
    expect(policy.body.withdrawalApprovalThreshold).toEqual(idr(50_000_000));
    await request(h.app)
      .put(`${base}/savings-policy`)
      .set(as(h.keys.auditorP))
      .send({ effectiveFrom: '2026-03-10', withdrawalApprovalThreshold: idr(1) })
      .expect(403);
  });

  it('refuses terms and a threshold in a currency other than rupiah, changing nothing', async () => {
    const defined = await request(h.app)
      .post(`${base}/products`)
      .set(as(h.keys.coopA))
      .send({
        ...PRODUCTS.SUKARELA,
        code: 'SUKARELA_USD',
        terms: { ...PRODUCTS.SUKARELA.terms, minimumBalance: { amount: '10', currency: 'USD' } },
      });
    expect(defined.status).toBe(422);
    expect(defined.body).toMatchObject({
      code: 'currency-not-supported',
      errors: [{ pointer: '/terms/minimumBalance/currency' }],
    });
    await request(h.app).get(`${base}/products/SUKARELA_USD`).set(as(h.keys.coopA)).expect(404);
    const policy = await request(h.app)
      .put(`${base}/savings-policy`)
      .set(as(h.keys.coopA))
      .send({
        effectiveFrom: '2026-03-10',
        withdrawalApprovalThreshold: { amount: '1000', currency: 'USD' },
      });
    expect(policy.status).toBe(422);
    expect(policy.body).toMatchObject({
      code: 'currency-not-supported',
      errors: [{ pointer: '/withdrawalApprovalThreshold/currency' }],
    });
    const now = await request(h.app).get(`${base}/savings-policy`).set(as(h.keys.coopA));
    expect(now.body.withdrawalApprovalThreshold).toEqual(idr(50_000_000));
  });

  it('answers the balance now, with the available balance', async () => {
    await h.joinPerson(COOPS.A, 'm-1');
    await request(h.app)
      .post(`${base}/accounts`)
      .set(as(h.keys.coopA))
      .send({
        accountId: 'a',
        memberId: 'm-1',
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(100_000) },
      })
      .expect(201);
    await request(h.app)
      .post(`${base}/accounts/a/holds`)
      .set(as(h.keys.coopA))
      .send({ holdId: 'h', amount: idr(30_000), reason: 'loan', expiresAt: '2027-01-01T00:00:00Z' })
      .expect(201);
    const now = await request(h.app)
      .get(`${base}/accounts/a/balance`)
      .set(as(h.keys.coopA))
      .expect(200);
    expect(now.body).toMatchObject({
      basis: 'now',
      balance: idr(100_000),
      availableBalance: idr(70_000),
    });
  });
});
