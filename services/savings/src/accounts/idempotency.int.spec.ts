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

describe('a hold captured or released under a key whose record is gone', () => {
  const release = (holdId: string) =>
    request(h.app)
      .post(`${base}/coops/${COOPS.A}/accounts/sk/holds/${holdId}/release`)
      .set(as(h.keys.coopA))
      .set('Idempotency-Key', `${holdId}:release`);
  const place = (holdId: string) =>
    send('/holds', `${holdId}:hold`, {
      holdId,
      amount: idr(100_000),
      reason: 'inter-coop payment',
      expiresAt: '2027-01-01T00:00:00Z',
    }).expect(201);

  it('answers a rerun of the capture as it ended, debiting once', async () => {
    await place('pay-1');
    const capture = { via: 'settlement_in_transit', reference: 'payment 1' };
    await send('/holds/pay-1/capture', 'pay-1:capture', capture).expect(200);
    const after = await balance();
    later('2026-07-12T03:00:00.000Z');
    const revision = await h.store.streamRevision('account-sk');
    const rerun = await send('/holds/pay-1/capture', 'pay-1:capture', capture);
    expect([rerun.status, rerun.body.balance]).toEqual([200, after]);
    expect(await h.store.streamRevision('account-sk')).toBe(revision);
  });

  it('answers a rerun of the release as it ended, and refuses to release a captured hold', async () => {
    await place('pay-2');
    await release('pay-2').expect(200);
    later('2026-08-12T03:00:00.000Z');
    const revision = await h.store.streamRevision('account-sk');
    await release('pay-2').expect(200);
    // The capture above took the money: a release now would tell its caller nothing was taken.
    const late = await release('pay-1');
    expect([late.status, late.body.code]).toEqual([409, 'hold-captured']);
    const capture = await send('/holds/pay-2/capture', 'pay-2:capture', {
      via: 'settlement_in_transit',
    });
    expect([capture.status, capture.body.code]).toEqual([409, 'hold-released']);
    expect(await h.store.streamRevision('account-sk')).toBe(revision);
  });
});

describe('a withdrawal waiting for approval, asked again under its key once the record is gone', () => {
  it('is answered as waiting, with its id, not as paid', async () => {
    await request(h.app)
      .put(`${base}/coops/${COOPS.A}/savings-policy`)
      .set(as(h.keys.coopA))
      .send({ effectiveFrom: '2026-08-12', withdrawalApprovalThreshold: idr(100_000) })
      .expect(200);
    const asked = await send('/withdrawals', 'K-0010', { amount: idr(200_000) });
    expect([asked.status, asked.body.outcome]).toEqual([202, 'pending_approval']);
    const withdrawalId = asked.body.withdrawalId as string;
    later('2026-09-20T03:00:00.000Z');
    const revision = await h.store.streamRevision('account-sk');
    const rerun = await send('/withdrawals', 'K-0010', { amount: idr(200_000) });
    expect([rerun.status, rerun.body.outcome, rerun.body.withdrawalId]).toEqual([
      202,
      'pending_approval',
      withdrawalId,
    ]);
    expect(await h.store.streamRevision('account-sk')).toBe(revision);
    await request(h.app)
      .post(`${base}/coops/${COOPS.A}/accounts/sk/withdrawals/${withdrawalId}/reject`)
      .set(as(h.keys.coopA2))
      .send({ reason: 'not verified' })
      .expect(200);
    later('2026-10-25T03:00:00.000Z');
    const rejected = await send('/withdrawals', 'K-0010', { amount: idr(200_000) });
    expect([rejected.status, rejected.body.code]).toEqual([409, 'withdrawal-rejected']);
  });

  it('is answered as paid, with its id, once approved', async () => {
    const asked = await send('/withdrawals', 'K-0011', { amount: idr(150_000) }).expect(202);
    const withdrawalId = asked.body.withdrawalId as string;
    await request(h.app)
      .post(`${base}/coops/${COOPS.A}/accounts/sk/withdrawals/${withdrawalId}/approve`)
      .set(as(h.keys.coopA2))
      .expect(200);
    const paid = await balance();
    later('2026-12-01T03:00:00.000Z');
    const rerun = await send('/withdrawals', 'K-0011', { amount: idr(150_000) });
    expect([rerun.status, rerun.body.outcome, rerun.body.withdrawalId]).toEqual([
      200,
      'completed',
      withdrawalId,
    ]);
    expect(await balance()).toEqual(paid);
  });
});

describe('a close asked for again under its key once the record is gone', () => {
  it('is answered as the close it was, not refused as closed', async () => {
    await request(h.app)
      .post(`${base}/coops/${COOPS.A}/accounts`)
      .set(as(h.keys.coopA))
      .send({
        accountId: 'sk-close',
        memberId: 'm-1',
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(50_000) },
      })
      .expect(201);
    const close = () =>
      request(h.app)
        .post(`${base}/coops/${COOPS.A}/accounts/sk-close/close`)
        .set(as(h.keys.coopA))
        .set('Idempotency-Key', 'K-0020')
        .send({ via: 'cash' });
    const closed = await close().expect(200);
    expect(closed.body).toMatchObject({ outcome: 'completed', account: { status: 'closed' } });
    later('2027-01-05T03:00:00.000Z');
    const revision = await h.store.streamRevision('account-sk-close');
    const rerun = await close();
    expect([rerun.status, rerun.body.outcome, rerun.body.account?.status]).toEqual([
      200,
      'completed',
      'closed',
    ]);
    expect(await h.store.streamRevision('account-sk-close')).toBe(revision);
    const other = await request(h.app)
      .post(`${base}/coops/${COOPS.A}/accounts/sk-close/close`)
      .set(as(h.keys.coopA))
      .set('Idempotency-Key', 'K-0021')
      .send({ via: 'cash' });
    expect([other.status, other.body.code]).toEqual([409, 'account-closed']);
  });

  it('is answered as done when the close waited for approval and was approved', async () => {
    await request(h.app)
      .post(`${base}/coops/${COOPS.A}/accounts`)
      .set(as(h.keys.coopA))
      .send({
        accountId: 'sk-wait',
        memberId: 'm-1',
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(500_000) },
      })
      .expect(201);
    const close = () =>
      request(h.app)
        .post(`${base}/coops/${COOPS.A}/accounts/sk-wait/close`)
        .set(as(h.keys.coopA))
        .set('Idempotency-Key', 'K-0022')
        .send({ via: 'cash' });
    const asked = await close().expect(202);
    await request(h.app)
      .post(
        `${base}/coops/${COOPS.A}/accounts/sk-wait/withdrawals/${asked.body.withdrawalId}/approve`,
      )
      .set(as(h.keys.coopA2))
      .expect(200);
    later('2027-02-10T03:00:00.000Z');
    const rerun = await close();
    expect([rerun.status, rerun.body.account?.status]).toEqual([200, 'closed']);
  });
});

describe('a request the account refuses now because it was applied, rerun under its key once the record is gone', () => {
  const openUnder = (key: string, body: object) =>
    request(h.app)
      .post(`${base}/coops/${COOPS.A}/accounts`)
      .set(as(h.keys.coopA))
      .set('Idempotency-Key', key)
      .send({ memberId: 'm-1', productCode: 'SUKARELA', ...body });

  it('an opening is answered 201 with the account it opened; another opening under the key is refused', async () => {
    const opened = await openUnder('K-0030', { initialDeposit: { amount: idr(20_000) } });
    expect(opened.status).toBe(201);
    const accountId = opened.body.accountId as string;
    later('2027-03-20T03:00:00.000Z');
    const revision = await h.store.streamRevision(`account-${accountId}`);
    const rerun = await openUnder('K-0030', { initialDeposit: { amount: idr(20_000) } });
    expect([rerun.status, rerun.body.code, rerun.body.accountId, rerun.body.balance]).toEqual([
      201,
      undefined,
      accountId,
      idr(20_000),
    ]);
    const other = await openUnder('K-0030', { initialDeposit: { amount: idr(30_000) } });
    expect([other.status, other.body.code]).toEqual([409, 'idempotency-key-reused']);
    expect(await h.store.streamRevision(`account-${accountId}`)).toBe(revision);
  });

  it('a withdrawal that emptied the account to its floor is answered 200', async () => {
    await openUnder('K-0031', {
      accountId: 'sk-floor',
      initialDeposit: { amount: idr(60_000) },
    }).expect(201);
    const withdraw = () =>
      request(h.app)
        .post(`${base}/coops/${COOPS.A}/accounts/sk-floor/withdrawals`)
        .set(as(h.keys.coopA))
        .set('Idempotency-Key', 'K-0032')
        .send({ amount: idr(50_000) });
    await withdraw().expect(200);
    later('2027-04-25T03:00:00.000Z');
    const revision = await h.store.streamRevision('account-sk-floor');
    const rerun = await withdraw();
    expect([rerun.status, rerun.body.code, rerun.body.outcome]).toEqual([
      200,
      undefined,
      'completed',
    ]);
    expect(await h.store.streamRevision('account-sk-floor')).toBe(revision);
    expect(
      (await request(h.app).get(`${base}/coops/${COOPS.A}/accounts/sk-floor`).set(as(h.keys.coopA)))
        .body.balance,
    ).toEqual(idr(10_000));
  });

  it('a close waiting for approval is answered as waiting (202)', async () => {
    await openUnder('K-0033', {
      accountId: 'sk-pend',
      initialDeposit: { amount: idr(500_000) },
    }).expect(201);
    const close = () =>
      request(h.app)
        .post(`${base}/coops/${COOPS.A}/accounts/sk-pend/close`)
        .set(as(h.keys.coopA))
        .set('Idempotency-Key', 'K-0034')
        .send({ via: 'cash' });
    const asked = await close().expect(202);
    later('2027-05-30T03:00:00.000Z');
    const revision = await h.store.streamRevision('account-sk-pend');
    const rerun = await close();
    expect([rerun.status, rerun.body.outcome, rerun.body.withdrawalId]).toEqual([
      202,
      'pending_approval',
      asked.body.withdrawalId,
    ]);
    expect(await h.store.streamRevision('account-sk-pend')).toBe(revision);
  });
});
