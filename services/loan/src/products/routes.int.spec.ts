import request from 'supertest';
import { API, COOPS, loanHarness, productBody, type LoanHarness } from '../testing/harness';

describe('loan products over HTTP', () => {
  let h: LoanHarness;
  beforeEach(async () => {
    h = await loanHarness('2026-01-31');
    await h.federation();
  });
  afterEach(() => h.close());

  const product = `${API}/coops/${COOPS.A}/loan-products/PINJAMAN`;

  it('refuses a version effective before any rate cap or kolektibilitas table, naming the field', async () => {
    const refused = await request(h.app)
      .post(`${product}/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send({ ...productBody(), effectiveFrom: '1969-12-31' })
      .expect(422);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body).toMatchObject({
      status: 422,
      code: 'rate_cap_not_in_force',
      errors: [{ pointer: '/effectiveFrom' }],
    });
    await request(h.app).get(product).set(h.as(h.fx.keys.coopA)).expect(404);
    await request(h.app)
      .post(`${product}/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send({ ...productBody(), effectiveFrom: '1970-01-01' })
      .expect(201);
  });

  it('refuses a synced loan applied for before 1970 as an item, not a 500', async () => {
    await request(h.app)
      .post(`${product}/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send({ ...productBody(), effectiveFrom: '1970-01-01' })
      .expect(201);
    const response = await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-sync-batches`)
      .set(h.as(h.fx.keys.coopA))
      .send({
        sequence: 1,
        items: [
          {
            kind: 'loan',
            externalId: 'PJ-1969',
            memberExternalId: 'AGT-1',
            productCode: 'PINJAMAN',
            principal: { amount: '6000000', currency: 'IDR' },
            termMonths: 6,
            appliedOn: '1969-12-31',
          },
        ],
      })
      .expect(200);
    expect(response.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'product_not_in_force' },
    });
  });
});
