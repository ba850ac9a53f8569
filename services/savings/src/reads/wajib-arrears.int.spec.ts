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
const get = (path: string) =>
  request(h.app)
    .get(`${base}${path}`)
    .set({ Authorization: `Bearer ${h.keys.coopA}` });
const post = (path: string, body: object) =>
  request(h.app)
    .post(`${base}${path}`)
    .set({ Authorization: `Bearer ${h.keys.coopA}` })
    .send(body);

beforeAll(async () => {
  h = await savingsHarness({ start: '2026-03-02T02:00:00.000Z' });
  await post('/products', PRODUCTS.WAJIB).expect(201);
  await h.joinPerson(COOPS.A, 'm-1');
  await post('/accounts', { accountId: 'wj', memberId: 'm-1', productCode: 'WAJIB' }).expect(201);
});
afterAll(() => h.close());

describe('a member’s wajib arrears', () => {
  it('are what the account shows now, a payment since the month closed included', async () => {
    h.setNow('2026-04-01T02:00:00.000Z');
    await h.savings.closeOfBusiness('2026-03-31');
    const owed = (await get('/members/m-1/wajib-arrears').expect(200)).body;
    expect(owed.arrears).toEqual(idr(50_000));
    // March's wajib paid on 2 April, before April closes.
    h.setNow('2026-04-02T02:00:00.000Z');
    await post('/accounts/wj/deposits', { amount: idr(50_000) }).expect(200);
    const account = (await get('/accounts/wj').expect(200)).body;
    const paid = (await get('/members/m-1/wajib-arrears').expect(200)).body;
    expect(paid.arrears).toEqual(account.wajib.arrears);
    expect(paid.arrears).toEqual(idr(0));
    // The months stay as each was when it closed.
    expect(paid.months).toEqual([
      expect.objectContaining({ month: '2026-03', arrears: idr(50_000) }),
    ]);
  });
});
