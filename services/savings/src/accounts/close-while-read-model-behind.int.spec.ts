import request from 'supertest';
import { accountStream } from './account-context';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * A close (and the approval that carries one out) taxes the member's month as the accounts read
 * model has it, so it waits for the read model; one that failed or lags answers 503 with
 * Retry-After, and writes nothing.
 */
const base = `/api/savings/v1/coops/${COOPS.A}`;
let h: SavingsHarness;
const post = (path: string, body?: object, token = h.keys.coopA) => {
  const asked = request(h.app)
    .post(`${base}${path}`)
    .set({ Authorization: `Bearer ${token}` });
  return body === undefined ? asked : asked.send(body);
};

beforeAll(async () => {
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  await post('/products', PRODUCTS.SUKARELA).expect(201);
  await h.joinPerson(COOPS.A, 'm-behind');
  for (const accountId of ['behind-1', 'behind-2'])
    await post('/accounts', {
      accountId,
      memberId: 'm-behind',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(70_000_000), via: 'bank' },
    }).expect(201);
  h.setNow('2026-03-20T03:00:00.000Z');
});
afterAll(() => h.close());
afterEach(() => jest.restoreAllMocks());

const failing: [string, Error][] = [
  ['failed', new Error('no such table: savings_interest_months')],
  ['behind', new Error('projection savings-accounts did not reach 42 in 30000 ms')],
];

describe.each(failing)('with the accounts read model %s', (_state, error) => {
  it('answers a close 503 with Retry-After and writes nothing', async () => {
    const before = await h.store.readStream(accountStream('behind-1'));
    jest.spyOn(h.savings.projection, 'catchUp').mockRejectedValue(error);
    const res = await post('/accounts/behind-1/close', { via: 'bank' });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(await h.store.readStream(accountStream('behind-1'))).toHaveLength(before.length);
  });

  it('answers the approval of a close 503 with Retry-After and writes nothing', async () => {
    const asked = await post('/accounts/behind-2/close', { via: 'bank' }).expect(202);
    const before = await h.store.readStream(accountStream('behind-2'));
    jest.spyOn(h.savings.projection, 'catchUp').mockRejectedValue(error);
    const res = await post(
      `/accounts/behind-2/withdrawals/${asked.body.withdrawalId}/approve`,
      undefined,
      h.keys.coopA2,
    );
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(await h.store.readStream(accountStream('behind-2'))).toHaveLength(before.length);
    await post(
      `/accounts/behind-2/withdrawals/${asked.body.withdrawalId}/reject`,
      {
        reason: 'test',
      },
      h.keys.coopA2,
    );
  });
});
