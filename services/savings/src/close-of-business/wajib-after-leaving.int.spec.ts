import request from 'supertest';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * Wajib months closed late, after the member has left: each month is owed as its close on
 * time would have found it, by the day the member left, not by who is a member now.
 */
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
  h = await savingsHarness();
  await post('/products', PRODUCTS.WAJIB).expect(201);
  for (const memberId of ['m-2', 'm-3']) {
    await h.joinPerson(COOPS.A, memberId);
    await post('/accounts', { accountId: `wj-${memberId}`, memberId, productCode: 'WAJIB' }).expect(
      201,
    );
  }
});
afterAll(() => h.close());

const left = (memberId: string, leftOn: string) =>
  h.member('MemberLeft', { coopId: COOPS.A, memberId, reason: 'resigned', leftOn });
const months = async (memberId: string) =>
  (await get(`/members/${memberId}/wajib-arrears`).expect(200)).body.months as unknown[];

describe('a wajib month closed after the member left', () => {
  it('is owed when the member left after it ended, and later months are not', async () => {
    h.setNow('2026-04-02T03:00:00.000Z');
    await left('m-2', '2026-04-02');
    // Left on 15 March, told only now: March is not owed.
    await left('m-3', '2026-03-15');
    await h.savings.closeOfBusiness('2026-03-31');
    expect(await months('m-2')).toEqual([
      expect.objectContaining({ month: '2026-03', arrears: idr(50_000) }),
    ]);
    expect(await months('m-3')).toEqual([]);
    h.setNow('2026-05-01T03:00:00.000Z');
    await h.savings.closeOfBusiness('2026-04-30');
    expect(await months('m-2')).toEqual([expect.objectContaining({ month: '2026-03' })]);
  });
});
