import request from 'supertest';
import { memberModule } from '@kopfed/member';
import { coopBody, person } from '@kopfed/member/src/testing/federation';
import { savingsModule } from '@kopfed/savings';
import { idr, PRODUCTS } from '@kopfed/savings/src/testing/savings-harness';
import { allOperations } from './checks';
import { isWrite } from './operations';
import { COOPS, nodeTarget, type SecurityTarget } from './target';

/**
 * The savings service mounted in the whole node beside the member service it listens to:
 * the suite's checks over every savings operation its OpenAPI document describes.
 */

describe('security suite: savings in the node', () => {
  let target: SecurityTarget;
  const savingsOperations = () => allOperations(target).filter((o) => o.service === 'savings');
  beforeAll(async () => {
    target = await nodeTarget({ modules: [memberModule, savingsModule] });
  });
  afterAll(() => target.close());

  it('mounts savings beside member, with its reads and writes', () => {
    expect(target.services.map((s) => s.name)).toEqual(
      expect.arrayContaining(['access', 'member', 'savings']),
    );
    expect(savingsOperations().length).toBeGreaterThanOrEqual(20);
    expect(savingsOperations().filter(isWrite).length).toBeGreaterThanOrEqual(10);
  });

  it('holds money only for members the member service announced (closed loop, through the node)', async () => {
    const { server, keys } = target;
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    const member = (path: string, token: string, body: object) =>
      request(server).post(`/api/member/v1${path}`).set(as(token)).send(body);
    const savings = (path: string, body: object) =>
      request(server)
        .post(`/api/savings/v1/coops/${COOPS.A}${path}`)
        .set(as(keys.coopA))
        .send(body);
    await member('/coops', keys.admin, coopBody(COOPS.P, 'secondary', null)).expect(201);
    await member(`/coops/${COOPS.P}/approval`, keys.admin, { on: '2026-01-06' }).expect(200);
    await member(`/coops/${COOPS.P}/member-coops`, keys.treasurerP, {
      ...coopBody(COOPS.A, 'primary', COOPS.P),
    }).expect(201);
    await member(`/coops/${COOPS.A}/approval`, keys.treasurerP, { on: '2026-01-07' }).expect(200);
    const joined = await member(`/coops/${COOPS.A}/members`, keys.coopA, {
      kind: 'person',
      memberNumber: 'A-0001',
      joinedOn: '2026-02-01',
      person: person(1),
    }).expect(201);
    await savings('/products', PRODUCTS.SUKARELA).expect(201);

    const stranger = await savings('/accounts', { memberId: 'nobody', productCode: 'SUKARELA' });
    expect(stranger.status).toBe(422);
    expect(stranger.body.code).toBe('member-not-found');
    // The member's events reach savings through the bus, a moment after the member service answered.
    const open = { memberId: joined.body.memberId as string, productCode: 'SUKARELA' };
    let opened = await savings('/accounts', { ...open, accountId: 'node-acc' });
    for (let tries = 0; opened.status === 422 && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      opened = await savings('/accounts', { ...open, accountId: 'node-acc' });
    }
    expect(opened.status).toBe(201);
    await savings('/accounts/node-acc/deposits', { amount: idr(100_000) }).expect(200);
    const overdraw = await savings('/accounts/node-acc/withdrawals', { amount: idr(90_001) });
    expect(overdraw.status).toBe(422);
    expect(overdraw.body.code).toBe('insufficient-funds');
    const balance = await request(server)
      .get(`/api/savings/v1/coops/${COOPS.A}/accounts/node-acc/balance`)
      .set(as(keys.coopB));
    expect(balance.status).toBe(403);
    const own = await request(server)
      .get(`/api/savings/v1/coops/${COOPS.A}/accounts/node-acc/balance`)
      .set(as(keys.coopA))
      .expect(200);
    expect(own.body).toMatchObject({ balance: idr(100_000), availableBalance: idr(100_000) });
  }, 30_000);
});
