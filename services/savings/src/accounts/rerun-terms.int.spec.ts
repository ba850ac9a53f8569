import request from 'supertest';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * A request sent again under its Idempotency-Key after the kit's record of the key is gone is
 * the rerun only when every event it decides is the one stored under the key, in order: the
 * first event alone (a lapsed hold the close releases) does not tell one close from another.
 */
const base = '/api/savings/v1';
const as = (token: string) => ({ Authorization: `Bearer ${token}` });
let h: SavingsHarness;

/** The kit keeps its record of a key for 30 days; the event ids derived from it are permanent. */
const later = (instant: string) => {
  jest.setSystemTime(new Date(instant));
  h.setNow(instant);
};
const post = (path: string, key: string, token: string, body?: object) => {
  const req = request(h.app)
    .post(`${base}/coops/${COOPS.A}/accounts${path}`)
    .set(as(token))
    .set('Idempotency-Key', key);
  return body === undefined ? req : req.send(body);
};
const revisionOf = (accountId: string) => h.store.streamRevision(`account-${accountId}`);

beforeAll(async () => {
  jest.useFakeTimers({
    now: new Date('2026-03-10T01:00:00.000Z'),
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
  h = await savingsHarness({ start: '2026-03-10T01:00:00.000Z' });
  await request(h.app)
    .post(`${base}/coops/${COOPS.A}/products`)
    .set(as(h.keys.coopA))
    .send(PRODUCTS.SUKARELA)
    .expect(201);
  await request(h.app)
    .put(`${base}/coops/${COOPS.A}/savings-policy`)
    .set(as(h.keys.coopA))
    .send({ effectiveFrom: '2026-03-10', withdrawalApprovalThreshold: idr(100_000) })
    .expect(200);
  await h.joinPerson(COOPS.A, 'm-1');
  for (const accountId of ['sk-h', 'sk-h2', 'sk-ap', 'sk-apc']) {
    await request(h.app)
      .post(`${base}/coops/${COOPS.A}/accounts`)
      .set(as(h.keys.coopA))
      .send({
        accountId,
        memberId: 'm-1',
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(500_000) },
      })
      .expect(201);
  }
});
afterAll(async () => {
  await h.close();
  jest.useRealTimers();
});

describe('a close that released a lapsed hold, sent again under its key once the record is gone', () => {
  const close = (accountId: string, key: string, via: string) =>
    post(`/${accountId}/close`, key, h.keys.coopA, { via });
  const asked = new Map<string, string>();

  beforeAll(async () => {
    for (const accountId of ['sk-h', 'sk-h2']) {
      const held = await post(`/${accountId}/holds`, `H-${accountId}`, h.keys.coopA, {
        holdId: 'h-1',
        amount: idr(50_000),
        reason: 'payment',
        expiresAt: '2026-03-10T02:00:00Z',
      });
      expect(held.status).toBe(201);
    }
    later('2026-03-10T03:00:00.000Z'); // the holds lapsed; close of business has not released them
    for (const accountId of ['sk-h', 'sk-h2']) {
      const response = await close(accountId, `K-${accountId}`, 'cash');
      expect([response.status, response.body.outcome]).toEqual([202, 'pending_approval']);
      asked.set(accountId, response.body.withdrawalId as string);
    }
    later('2026-04-20T03:00:00.000Z'); // the kit's records of the keys are gone
  });

  it('is refused with another `via`, not answered as the close the key made', async () => {
    const revision = await revisionOf('sk-h');
    const other = await close('sk-h', 'K-sk-h', 'bank');
    expect([other.status, other.body.code]).toEqual([409, 'idempotency-key-reused']);
    expect(await revisionOf('sk-h')).toBe(revision);
  });

  it('is answered as waiting for approval with the same `via`, appending nothing', async () => {
    const revision = await revisionOf('sk-h2');
    const rerun = await close('sk-h2', 'K-sk-h2', 'cash');
    expect([rerun.status, rerun.body.outcome, rerun.body.withdrawalId]).toEqual([
      202,
      'pending_approval',
      asked.get('sk-h2'),
    ]);
    expect(rerun.body.account).toMatchObject({ status: 'open' });
    expect(await revisionOf('sk-h2')).toBe(revision);
  });
});

describe('an approval sent under the key that approved another withdrawal', () => {
  it('is refused, not answered as that approval', async () => {
    let withdrawals = 0;
    const ask = async () => {
      const asked = await post('/sk-ap/withdrawals', `ask-${withdrawals++}`, h.keys.coopA, {
        amount: idr(150_000),
      });
      expect(asked.status).toBe(202);
      return asked.body.withdrawalId as string;
    };
    const [w1, w2] = [await ask(), await ask()];
    const approve = (id: string) =>
      post(`/sk-ap/withdrawals/${id}/approve`, 'K-APPROVE', h.keys.coopA2);
    expect((await approve(w1)).status).toBe(200);
    later('2026-06-01T03:00:00.000Z');
    const revision = await revisionOf('sk-ap');
    const other = await approve(w2);
    expect([other.status, other.body.code]).toEqual([409, 'idempotency-key-reused']);
    expect(await revisionOf('sk-ap')).toBe(revision);
    const account = await request(h.app)
      .get(`${base}/coops/${COOPS.A}/accounts/sk-ap`)
      .set(as(h.keys.coopA));
    expect(account.body.balance).toEqual(idr(350_000));
    // Once w2 is approved under its own key, the key of w1's approval is still not w2's.
    expect(
      (await post(`/sk-ap/withdrawals/${w2}/approve`, 'K-APPROVE-2', h.keys.coopA2)).status,
    ).toBe(200);
    later('2026-07-15T03:00:00.000Z');
    const late = await approve(w2);
    expect([late.status, late.body.code]).toEqual([409, 'idempotency-key-reused']);
  });
});

describe('the approval of a close, sent again under its key on a later day', () => {
  it('is answered as the close it carried out, though closing on this day would pay out more', async () => {
    const asked = await post('/sk-apc/close', 'K-sk-apc', h.keys.coopA, { via: 'cash' });
    expect(asked.status).toBe(202);
    const approve = () =>
      post(
        `/sk-apc/withdrawals/${asked.body.withdrawalId}/approve`,
        'K-APPROVE-CLOSE',
        h.keys.coopA2,
      );
    const approved = await approve();
    expect([approved.status, approved.body.status]).toEqual([200, 'closed']);
    later('2026-09-01T03:00:00.000Z');
    const revision = await revisionOf('sk-apc');
    const rerun = await approve();
    expect([rerun.status, rerun.body.status, rerun.body.balance]).toEqual([
      200,
      'closed',
      approved.body.balance,
    ]);
    expect(await revisionOf('sk-apc')).toBe(revision);
  });
});
