import request from 'supertest';
import { memberModule } from '@kopfed/member';
import { coopBody } from '@kopfed/member/src/testing/federation';
import { savingsModule } from '@kopfed/savings';
import { settlementModule } from '@kopfed/settlement';
import { allOperations } from './checks';
import { isWrite } from './operations';
import { COOPS, nodeTarget, type SecurityTarget } from './target';

/**
 * The settlement service mounted in the whole node beside the member and savings services whose
 * events it consumes: the suite's checks over every settlement operation its OpenAPI document
 * describes (transfers, limits, settlement batches, payments, reconciliation, ledgers, books).
 */

describe('security suite: settlement in the node', () => {
  let target: SecurityTarget;
  const settlementOperations = () =>
    allOperations(target).filter((o) => o.service === 'settlement');
  beforeAll(async () => {
    target = await nodeTarget({ modules: [memberModule, savingsModule, settlementModule] });
  }, 120_000);
  afterAll(() => target.close());

  it('mounts settlement beside member and savings, with its reads and writes', () => {
    expect(target.services.map((s) => s.name)).toEqual(
      expect.arrayContaining(['access', 'member', 'savings', 'settlement']),
    );
    expect(settlementOperations().length).toBeGreaterThanOrEqual(30);
    expect(settlementOperations().filter(isWrite).length).toBeGreaterThanOrEqual(15);
  });

  it('clears transfers between two coops in the node, nets its batch to zero and keeps the books balanced', async () => {
    const api = '/api/settlement/v1';
    const idr = (amount: number) => ({ amount: String(amount), currency: 'IDR' });
    const as = (key: string) => ({
      get: (path: string) =>
        request(target.server).get(`${api}${path}`).set('Authorization', `Bearer ${key}`),
      post: (path: string, body?: object) =>
        request(target.server)
          .post(`${api}${path}`)
          .set('Authorization', `Bearer ${key}`)
          .send(body),
      put: (path: string, body: object) =>
        request(target.server)
          .put(`${api}${path}`)
          .set('Authorization', `Bearer ${key}`)
          .send(body),
    });
    const treasurer = as(target.keys.treasurerP);
    const { A, B, P } = COOPS;
    for (const coop of [A, B]) {
      await treasurer
        .put(`/coops/${coop}/limits/IDR`, {
          netDebitCap: idr(1_000_000),
          alarmAtBasisPoints: 8_000,
        })
        .expect(200);
      await treasurer
        .put(`/coops/${coop}/liquidity-cover/IDR`, { amount: idr(1_000_000) })
        .expect(200);
    }
    // Closed loop (BRIEF §5): A and B pay each other under a cooperation agreement, signed
    // with the member service; settlement learns of it over the bus.
    const member = (path: string, body: object) =>
      request(target.server)
        .post(`/api/member/v1${path}`)
        .set('Authorization', `Bearer ${target.keys.admin}`)
        .send(body);
    await member('/coops', coopBody(P, 'secondary', null)).expect(201);
    await member(`/coops/${P}/approval`, { on: '2026-01-06' }).expect(200);
    for (const coop of [A, B]) {
      await member(`/coops/${P}/member-coops`, coopBody(coop, 'primary', P)).expect(201);
      await member(`/coops/${coop}/approval`, { on: '2026-01-07' }).expect(200);
    }
    await member(`/coops/${A}/cooperation-agreements`, {
      partnerCoopId: B,
      validFrom: '2026-01-07',
      validUntil: '2099-12-31',
    }).expect(201);
    const first = () =>
      as(target.keys.coopA).post('/transfers', {
        transferId: 'node-1',
        fromCoopId: A,
        toCoopId: B,
        amount: idr(300_000),
      });
    let sent = await first();
    for (let tries = 0; sent.body.code === 'no-cooperation-agreement' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      sent = await first();
    }
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'posted', parentCoopId: P });
    await as(target.keys.coopB)
      .post('/transfers', {
        transferId: 'node-2',
        fromCoopId: B,
        toCoopId: A,
        amount: idr(100_000),
        pending: true,
        timeoutSeconds: 600,
      })
      .expect(201);
    await as(target.keys.coopB)
      .post('/transfers/node-2/post', { amount: idr(40_000) })
      .expect(200);
    const refused = await as(target.keys.coopA).post('/transfers', {
      transferId: 'node-3',
      fromCoopId: A,
      toCoopId: B,
      amount: idr(900_000),
    });
    expect(refused.status).toBe(422);

    const batchId = sent.body.batchId as string;
    await treasurer.post(`/settlement-batches/${batchId}/close`).expect(200);
    const positions = await treasurer.get(`/settlement-batches/${batchId}/positions`).expect(200);
    expect(positions.body.sumOfNets).toEqual(idr(0));
    expect(positions.body.positions).toEqual([
      { coopId: A, debits: idr(300_000), credits: idr(40_000), net: idr(-260_000) },
      { coopId: B, debits: idr(40_000), credits: idr(300_000), net: idr(260_000) },
    ]);

    // The books are a consumer of the settlement log: wait (bounded) for the parent's to show the transfers.
    type Total = { debitBalance: string; creditBalance: string; debitTurnover: string };
    const parentTotals = async (): Promise<Total[]> =>
      ((await treasurer.get(`/coops/${P}/books/trial-balance`)).body.totals as Total[]) ?? [];
    let totals = await parentTotals();
    for (
      let attempt = 0;
      attempt < 100 && !totals.some((t) => t.debitTurnover !== '0');
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      totals = await parentTotals();
    }
    expect(totals.some((t) => t.debitTurnover !== '0')).toBe(true);
    for (const coop of [A, B, P]) {
      const trial = await treasurer.get(`/coops/${coop}/books/trial-balance`).expect(200);
      for (const total of trial.body.totals as Total[])
        expect(total.debitBalance).toBe(total.creditBalance);
    }
  }, 120_000);
});
