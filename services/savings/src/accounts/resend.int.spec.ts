import { as, BASE as base, useAccountsHttp } from '../testing/accounts-http';
import { COOPS, idr } from '../testing/savings-harness';
import request from 'supertest';

/**
 * A withdrawal id is used once, for ever (BRIEF §4): the withdrawal sent again is answered as
 * it ended, even when the account refuses it now because of what the withdrawal did.
 */
const world = useAccountsHttp();
const { post, get, open } = world;
const revisionOf = (accountId: string) => world.h.store.streamRevision(`account-${accountId}`);
const balanceOf = async (accountId: string) =>
  (await get(`/accounts/${accountId}`, world.h.keys.coopA).expect(200)).body.balance;

describe('a withdrawal sent again with its withdrawalId', () => {
  it('is answered as completed when it took everything it could', async () => {
    await open('m-1', 'SUKARELA', {
      accountId: 'rv-w',
      initialDeposit: { amount: idr(500_000) },
    }).then((r) => expect(r.status).toBe(201));
    const body = { amount: idr(490_000), withdrawalId: 'w-all' };
    expect((await post('/accounts/rv-w/withdrawals', world.h.keys.coopA, body)).status).toBe(200);
    const revision = await revisionOf('rv-w');
    const resent = await post('/accounts/rv-w/withdrawals', world.h.keys.coopA, body);
    expect([
      resent.status,
      resent.body.code,
      resent.body.outcome,
      resent.body.withdrawalId,
    ]).toEqual([200, undefined, 'completed', 'w-all']);
    // Other terms under the id are not the withdrawal: refused as the id's reuse, whether or
    // not the account could pay them now.
    const other = await post('/accounts/rv-w/withdrawals', world.h.keys.coopA, {
      amount: idr(400_000),
      withdrawalId: 'w-all',
    });
    expect([other.status, other.body.code]).toEqual([409, 'withdrawal-id-used']);
    expect(await revisionOf('rv-w')).toBe(revision);
    expect(await balanceOf('rv-w')).toEqual(idr(10_000));
  });

  it('is refused when the id was used for another withdrawal the account would take', async () => {
    await open('m-1', 'SUKARELA', {
      accountId: 'rv-w2',
      initialDeposit: { amount: idr(500_000) },
    }).then((r) => expect(r.status).toBe(201));
    const body = { amount: idr(100_000), withdrawalId: 'w-1' };
    expect((await post('/accounts/rv-w2/withdrawals', world.h.keys.coopA, body)).status).toBe(200);
    const revision = await revisionOf('rv-w2');
    const other = await post('/accounts/rv-w2/withdrawals', world.h.keys.coopA, {
      ...body,
      amount: idr(50_000),
    });
    expect([other.status, other.body.code]).toEqual([409, 'withdrawal-id-used']);
    expect(await revisionOf('rv-w2')).toBe(revision);
    expect(await balanceOf('rv-w2')).toEqual(idr(400_000));
  });

  it('is answered as waiting (202) while it waits for approval', async () => {
    await request(world.server)
      .put(`${base}/coops/${COOPS.A}/savings-policy`)
      .set(as(world.h.keys.coopA))
      .send({ effectiveFrom: '2026-03-10', withdrawalApprovalThreshold: idr(1_000_000) })
      .expect(200);
    await open('m-1', 'SUKARELA', {
      accountId: 'rv-wait',
      initialDeposit: { amount: idr(5_000_000) },
    }).then((r) => expect(r.status).toBe(201));
    const body = { amount: idr(2_000_000), withdrawalId: 'w-wait' };
    const asked = await post('/accounts/rv-wait/withdrawals', world.h.keys.coopA, body);
    expect([asked.status, asked.body.outcome]).toEqual([202, 'pending_approval']);
    const revision = await revisionOf('rv-wait');
    const resent = await post('/accounts/rv-wait/withdrawals', world.h.keys.coopA, body);
    expect([resent.status, resent.body.outcome, resent.body.withdrawalId]).toEqual([
      202,
      'pending_approval',
      'w-wait',
    ]);
    const other = await post('/accounts/rv-wait/withdrawals', world.h.keys.coopA, {
      ...body,
      amount: idr(3_000_000),
    });
    expect([other.status, other.body.code]).toEqual([409, 'withdrawal-id-used']);
    expect(await revisionOf('rv-wait')).toBe(revision);
    const account = (await get('/accounts/rv-wait', world.h.keys.coopA).expect(200)).body;
    expect([account.balance, account.availableBalance]).toEqual([idr(5_000_000), idr(3_000_000)]);
  });
});
