import request from 'supertest';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

const base = '/api/savings/v1';
const as = (token: string) => ({ Authorization: `Bearer ${token}` });
let h: SavingsHarness;
const send = (path: string, key: string, body: object) =>
  request(h.app)
    .post(`${base}/coops/${COOPS.A}/accounts/sk${path}`)
    .set(as(h.keys.coopA))
    .set('Idempotency-Key', key)
    .send(body);
const balance = async () =>
  (await request(h.app).get(`${base}/coops/${COOPS.A}/accounts/sk`).set(as(h.keys.coopA))).body
    .balance;

/**
 * The kit keeps its record of a key for 30 days (in streams of its own); the event ids derived
 * from the key are permanent.
 */
const later = (instant: string) => {
  jest.setSystemTime(new Date(instant));
  h.setNow(instant);
};

beforeAll(async () => {
  jest.useFakeTimers({
    now: new Date('2026-03-10T03:00:00.000Z'),
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  h = await savingsHarness();
  await request(h.app)
    .post(`${base}/coops/${COOPS.A}/products`)
    .set(as(h.keys.coopA))
    .send(PRODUCTS.SUKARELA)
    .expect(201);
  await h.joinPerson(COOPS.A, 'm-1');
  await request(h.app)
    .post(`${base}/coops/${COOPS.A}/accounts`)
    .set(as(h.keys.coopA))
    .send({
      accountId: 'sk',
      memberId: 'm-1',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(1_000_000) },
    })
    .expect(201);
});
afterAll(async () => {
  await h.close();
  jest.useRealTimers();
});

describe('an Idempotency-Key whose record expired', () => {
  it('refuses another request under it, changing nothing', async () => {
    await send('/deposits', 'K-0001', { amount: idr(100_000) }).expect(200);
    later('2026-04-10T03:00:00.000Z');
    const revision = await h.store.streamRevision('account-sk');
    for (const [path, body] of [
      ['/withdrawals', { amount: idr(300_000) }],
      ['/deposits', { amount: idr(200_000) }],
    ] as const) {
      const reused = await send(path, 'K-0001', body);
      expect(reused.status).toBe(409);
      expect(reused.body.code).toBe('idempotency-key-reused');
    }
    expect(await h.store.streamRevision('account-sk')).toBe(revision);
    expect(await balance()).toEqual(idr(1_100_000));
  });

  it('answers the same request under it as the rerun it is, applying nothing again', async () => {
    await send('/withdrawals', 'K-0002', { amount: idr(50_000) }).expect(200);
    later('2026-05-12T03:00:00.000Z');
    const revision = await h.store.streamRevision('account-sk');
    const rerun = await send('/withdrawals', 'K-0002', { amount: idr(50_000) });
    expect(rerun.status).toBe(200);
    expect(await h.store.streamRevision('account-sk')).toBe(revision);
    expect(await balance()).toEqual(idr(1_050_000));
  });
});
