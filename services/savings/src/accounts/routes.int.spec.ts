import request from 'supertest';
import { as, BASE as base, useAccountsHttp } from '../testing/accounts-http';
import { COOPS, idr, PRODUCTS } from '../testing/savings-harness';

const world = useAccountsHttp();
const { post, get, open } = world;

describe('accounts over HTTP', () => {
  it('opens a sukarela account, takes deposits and withdrawals, and shows the balance', async () => {
    const opened = await open('m-1', 'SUKARELA', {
      accountId: 'sk-1',
      initialDeposit: { amount: idr(500_000) },
    });
    expect(opened.status).toBe(201);
    expect(opened.body.balance).toEqual(idr(500_000));
    expect(opened.headers.etag).toBe('"1"');
    const deposited = await request(world.h.app)
      .post(`${base}/coops/${COOPS.A}/accounts/sk-1/deposits`)
      .set(as(world.h.keys.coopA))
      .send({ amount: idr(250_000), via: 'bank' })
      .expect(200);
    expect(deposited.body.balance).toEqual(idr(750_000));
    const withdrawn = await request(world.h.app)
      .post(`${base}/coops/${COOPS.A}/accounts/sk-1/withdrawals`)
      .set(as(world.h.keys.coopA))
      .send({ amount: idr(100_000) })
      .expect(200);
    expect(withdrawn.body).toMatchObject({
      outcome: 'completed',
      account: { balance: idr(650_000) },
    });
  });

  it('refuses to go below the minimum balance with a problem naming the field', async () => {
    const response = await request(world.h.app)
      .post(`${base}/coops/${COOPS.A}/accounts/sk-1/withdrawals`)
      .set(as(world.h.keys.coopA))
      .send({ amount: idr(645_000) });
    expect(response.status).toBe(422);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.body).toMatchObject({
      code: 'insufficient-funds',
      errors: [{ pointer: '/amount/amount' }],
    });
  });
});

describe('product rules', () => {
  it('takes simpanan pokok in instalments up to the share, and never pays it out to a member', async () => {
    const opened = await open('m-1', 'POKOK', {
      accountId: 'pk-1',
      initialDeposit: { amount: idr(60_000) },
    });
    expect(opened.status).toBe(201);
    const over = await post('/accounts/pk-1/deposits', world.h.keys.coopA, { amount: idr(50_000) });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('pokok-exceeds-share');
    await post('/accounts/pk-1/deposits', world.h.keys.coopA, { amount: idr(40_000) }).expect(200);
    const out = await post('/accounts/pk-1/withdrawals', world.h.keys.coopA, {
      amount: idr(1_000),
    });
    expect(out.body.code).toBe('not-withdrawable-while-member');
    const second = await open('m-1', 'POKOK', { accountId: 'pk-2' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('member-has-product-account');
  });

  it('pays pokok out once the membership ends, by closing', async () => {
    await open('m-left', 'POKOK', {
      accountId: 'pk-left',
      initialDeposit: { amount: idr(100_000) },
    });
    await world.h.member('MemberLeft', {
      coopId: COOPS.A,
      memberId: 'm-left',
      reason: 'resigned',
      leftOn: '2026-03-10',
    });
    const deposit = await post('/accounts/pk-left/deposits', world.h.keys.coopA, {
      amount: idr(1),
    });
    expect(deposit.body.code).toBe('member-not-active');
    const closed = await post('/accounts/pk-left/close', world.h.keys.coopA, {
      via: 'cash',
    }).expect(200);
    expect(closed.body.outcome).toBe('completed');
    expect(closed.body.account).toMatchObject({ status: 'closed', balance: idr(0) });
  });

  it('opens a time deposit with its placement and locks it until maturity', async () => {
    const opened = await open('m-1', 'BERJANGKA_3', {
      accountId: 'bj-1',
      initialDeposit: { amount: idr(2_000_000), via: 'bank' },
      maturityInstruction: { kind: 'roll_over' },
    });
    expect(opened.status).toBe(201);
    expect(opened.body.timeDeposit).toMatchObject({
      maturesOn: '2026-06-10',
      rateBasisPoints: 730,
      matured: false,
    });
    const topUp = await post('/accounts/bj-1/deposits', world.h.keys.coopA, { amount: idr(1) });
    expect(topUp.body.code).toBe('time-deposit-no-top-up');
    const out = await post('/accounts/bj-1/withdrawals', world.h.keys.coopA, { amount: idr(1) });
    expect(out.body.code).toBe('time-deposit-locked');
    const small = await open('m-2', 'BERJANGKA_3', {
      initialDeposit: { amount: idr(10) },
      maturityInstruction: { kind: 'roll_over' },
    });
    expect(small.body.code).toBe('placement-below-minimum');
  });

  it('refuses members it does not know and coops that are not active (closed loop)', async () => {
    const stranger = await open('nobody', 'SUKARELA');
    expect(stranger.status).toBe(422);
    expect(stranger.body).toMatchObject({
      code: 'member-not-found',
      errors: [{ pointer: '/memberId' }],
    });
    await world.h.member('MemberJoined', {
      coopId: COOPS.P,
      memberId: 'member-coop-a',
      memberNumber: 'PK-1',
      joinedOn: '2026-01-05',
      memberKind: 'coop',
      memberCoopId: COOPS.A,
      externalId: null,
    });
    await request(world.server)
      .post(`${base}/coops/${COOPS.P}/products`)
      .set(as(world.h.keys.treasurerP))
      .send(PRODUCTS.SUKARELA)
      .expect(201);
    const coopAccount = await request(world.server)
      .post(`${base}/coops/${COOPS.P}/accounts`)
      .set(as(world.h.keys.treasurerP))
      .send({
        memberId: 'member-coop-a',
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(50_000_000), via: 'bank' },
      });
    expect(coopAccount.status).toBe(201);
  });
});

describe('listing', () => {
  it('lists a coop’s accounts by member and product, cursor-paged', async () => {
    const page = await get(
      '/accounts?memberId=m-1&productCode=SUKARELA&limit=1',
      world.h.keys.coopA,
    ).expect(200);
    expect(page.body.items).toEqual([
      expect.objectContaining({ accountId: 'sk-1', memberId: 'm-1', balance: idr(650_000) }),
    ]);
    const none = await get(
      `/accounts?memberId=m-1&productCode=SUKARELA&after=${page.body.items[0].accountId}`,
      world.h.keys.coopA,
    ).expect(200);
    expect(none.body.items.map((a: { productCode: string }) => a.productCode)).toEqual([]);
    const all = await get('/accounts?memberId=m-1', world.h.keys.auditorP).expect(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual(3);
  });
});

describe('who may call', () => {
  it('keeps coop B out of coop A, lets P’s treasurer in, and auditors only read', async () => {
    await get('/accounts/sk-1', world.h.keys.coopB).expect(403);
    await get('/accounts/sk-1', world.h.keys.treasurerP).expect(200);
    await get('/accounts/sk-1', world.h.keys.auditorP).expect(200);
    await post('/accounts/sk-1/deposits', world.h.keys.auditorP, { amount: idr(1) }).expect(403);
    const other = await request(world.server)
      .get(`${base}/coops/${COOPS.B}/accounts/sk-1`)
      .set(as(world.h.keys.coopB));
    expect(other.status).toBe(404);
  });

  it('answers bad input with 400 problems that name the field, and changes nothing', async () => {
    const head = await world.h.store.headPosition();
    const bad = await post('/accounts/sk-1/deposits', world.h.keys.coopA, {
      amount: { amount: '1.5', currency: 'IDR' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ in: 'body', pointer: '/amount/amount' });
    const usd = await post('/accounts/sk-1/deposits', world.h.keys.coopA, {
      amount: { amount: '1', currency: 'USD' },
    });
    expect(usd.status).toBe(422);
    expect(usd.body.code).toBe('currency-not-supported');
    expect(await world.h.store.headPosition()).toBe(head);
  });
});
