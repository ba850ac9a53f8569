import request from 'supertest';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * The reads over the accounts read model catch it up first; a read model that failed or lags
 * answers 503 problem details with Retry-After (the client comes back), never a 500.
 */
const base = '/api/savings/v1';
let h: SavingsHarness;
const get = (path: string, token: string | undefined = h.keys.coopA) => {
  const asked = request(h.app).get(`${base}${path}`);
  return token === undefined ? asked : asked.set({ Authorization: `Bearer ${token}` });
};

beforeAll(async () => {
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  const post = (path: string, body: object) =>
    request(h.app)
      .post(`${base}/coops/${COOPS.A}${path}`)
      .set({ Authorization: `Bearer ${h.keys.coopA}` })
      .send(body);
  await post('/products', PRODUCTS.SUKARELA).expect(201);
  await h.joinPerson(COOPS.A, 'm-reads');
  await post('/accounts', {
    accountId: 'reads-1',
    memberId: 'm-reads',
    productCode: 'SUKARELA',
    initialDeposit: { amount: idr(1_000_000), via: 'bank' },
  }).expect(201);
});
afterAll(() => h.close());
afterEach(() => jest.restoreAllMocks());

const reads: [string, string, boolean][] = [
  ['the accounts list', `/coops/${COOPS.A}/accounts`, true],
  [
    'a statement',
    `/coops/${COOPS.A}/accounts/reads-1/statement?from=2026-03-01&to=2026-03-01`,
    true,
  ],
  ['a member’s wajib arrears', `/coops/${COOPS.A}/members/m-reads/wajib-arrears`, true],
  ['the coop’s totals', `/coops/${COOPS.A}/totals`, true],
  ['the public totals', '/public/totals', false],
];

const failures: [string, Error][] = [
  ['failed', new Error('SQLITE_BUSY: database is locked')],
  ['behind', new Error('projection savings-accounts did not reach 42 in 10000 ms')],
];

describe.each(failures)('with the accounts read model %s', (_state, error) => {
  it.each(reads)('answers %s 503 with Retry-After, not 500', async (_read, path, signedIn) => {
    // Answered while the read model is ready: the route itself is sound.
    await get(path, signedIn ? h.keys.coopA : undefined).expect(200);
    jest.spyOn(h.savings.projection, 'catchUp').mockRejectedValue(error);
    const res = await get(path, signedIn ? h.keys.coopA : undefined);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBe('5');
  });
});
