import request from 'supertest';
import { accountStream } from '../accounts/account-context';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * Close of business reads the due accounts from the accounts read model, so it catches the
 * read model up first; one that failed or lags answers 503 problem details with Retry-After,
 * closes nothing and leaves the date open, so the operator (or the nightly run) runs it again.
 */
const base = '/api/savings/v1';
let h: SavingsHarness;
const as = (token: string) => ({ Authorization: `Bearer ${token}` });

// A harness for each test: a date closed by one must be open for the next.
beforeEach(async () => {
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  await request(h.app)
    .post(`${base}/coops/${COOPS.A}/products`)
    .set(as(h.keys.coopA))
    .send(PRODUCTS.SUKARELA)
    .expect(201);
  await h.joinPerson(COOPS.A, 'm-cob');
  await request(h.app)
    .post(`${base}/coops/${COOPS.A}/accounts`)
    .set(as(h.keys.coopA))
    .send({
      accountId: 'cob-1',
      memberId: 'm-cob',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(70_000_000), via: 'bank' },
    })
    .expect(201);
  h.setNow('2026-04-01T01:00:00.000Z');
});
afterEach(async () => {
  jest.restoreAllMocks();
  await h.close();
});

const failures: [string, Error][] = [
  ['failed', new Error('SQLITE_BUSY: database is locked')],
  ['behind', new Error('projection savings-accounts did not reach 42 in 30000 ms')],
];

const closeOfBusiness = () =>
  request(h.app)
    .post(`${base}/close-of-business`)
    .set(as(h.keys.admin))
    .send({ businessDate: '2026-03-31' });

describe.each(failures)('close of business with the accounts read model %s', (_state, error) => {
  it('answers 503 with Retry-After, closes nothing and leaves the date open', async () => {
    const head = await h.store.headPosition();
    const account = await h.store.readStream(accountStream('cob-1'));
    jest.spyOn(h.savings.projection, 'catchUp').mockRejectedValue(error);
    const res = await closeOfBusiness();
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(await h.store.headPosition()).toBe(head);
    expect(await h.store.readStream(accountStream('cob-1'))).toHaveLength(account.length);
    await request(h.app)
      .get(`${base}/close-of-business/2026-03-31`)
      .set(as(h.keys.admin))
      .expect(404);
  });

  it('answers 503 when the read model fails part-way, leaves the date open, and a rerun closes it', async () => {
    const projection = h.savings.projection;
    const catchUp = projection.catchUp.bind(projection);
    // The catch-up before the due accounts are read succeeds; the one after they are closed fails.
    let calls = 0;
    jest
      .spyOn(projection, 'catchUp')
      .mockImplementation((...args) => (++calls === 1 ? catchUp(...args) : Promise.reject(error)));
    const res = await closeOfBusiness();
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    await request(h.app)
      .get(`${base}/close-of-business/2026-03-31`)
      .set(as(h.keys.admin))
      .expect(404);
    jest.restoreAllMocks();
    const rerun = await closeOfBusiness().expect(200);
    expect(rerun.body.alreadyClosed).toBe(false);
  });
});
