import request from 'supertest';
import { createNode } from '@kopfed/node';
import { coopBody, person } from '@kopfed/member/src/testing/federation';

const P = 'puskopdit-jateng';
const COOPS = ['ksp-sejahtera', 'ksp-makmur'] as const;
const TODAY = '2026-03-02';
/** The last date that has ended on TODAY: the loan service closes no date still running. */
const YESTERDAY = '2026-03-01';
const idr = (amount: number) => ({ amount: String(amount), currency: 'IDR' });

/**
 * Leaves in `dataDir` a node's data after real activity in every service, made over HTTP:
 * a secondary coop and two primaries with members, savings accounts with deposits, two
 * synced loans and a loan close of business, limits and inter-coop transfers both ways, and
 * one settlement batch closed.
 */
export async function busyDataDir(dataDir: string): Promise<void> {
  const node = await createNode({
    dataDir,
    env: {},
    clock: () => new Date(`${TODAY}T03:00:00Z`),
  });
  try {
    const token = async (role: 'admin' | 'treasurer' | 'coop', coopId: string) =>
      (await node.keys.create({ role, coopId, createdBy: 'audit-tests' })).token;
    const as = (bearer: string) => ({
      send: async (method: 'post' | 'put', path: string, body: unknown, status: number) => {
        const response = await eventually(async () => {
          const call = request(node.app)[method](path).auth(bearer, { type: 'bearer' });
          const r = await (body === undefined ? call : call.send(body as object));
          if (r.status !== status) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
          return r;
        });
        return response.body as Record<string, unknown>;
      },
    });
    const admin = as(await token('admin', 'federation'));
    await admin.send('post', '/api/member/v1/coops', coopBody(P, 'secondary', null), 201);
    await admin.send('post', `/api/member/v1/coops/${P}/approval`, { on: '2026-01-06' }, 200);
    const treasurer = as(await token('treasurer', P));
    let n = 0;
    for (const coop of COOPS) {
      await treasurer.send(
        'post',
        `/api/member/v1/coops/${P}/member-coops`,
        coopBody(coop, 'primary', P),
        201,
      );
      await treasurer.send(
        'post',
        `/api/member/v1/coops/${coop}/approval`,
        { on: '2026-01-07' },
        200,
      );
      const asCoop = as(await token('coop', coop));
      await asCoop.send('post', `/api/savings/v1/coops/${coop}/products`, SUKARELA, 201);
      const members: string[] = [];
      for (let i = 0; i < 3; i++) {
        n += 1;
        const member = await asCoop.send(
          'post',
          `/api/member/v1/coops/${coop}/members`,
          { kind: 'person', memberNumber: `M-${n}`, joinedOn: '2026-02-01', person: person(n) },
          201,
        );
        members.push(member.memberId as string);
        await asCoop.send(
          'post',
          `/api/savings/v1/coops/${coop}/accounts`,
          {
            memberId: member.memberId,
            productCode: 'SUKARELA',
            initialDeposit: { amount: idr(100_000 * n), via: 'cash' },
          },
          201,
        );
      }
      await asCoop.send(
        'post',
        `/api/loan/v1/coops/${coop}/loan-products/PINJAMAN/versions`,
        LOAN_PRODUCT,
        201,
      );
      await asCoop.send(
        'post',
        `/api/loan/v1/coops/${coop}/loan-sync-batches`,
        {
          sequence: 1,
          items: [
            ...loan('PJ-1', members[0]!, 6_000_000, TODAY),
            ...loan('PJ-2', members[1]!, 4_000_000, '2026-01-10'),
          ],
        },
        200,
      );
      await treasurer.send(
        'put',
        `/api/settlement/v1/coops/${coop}/limits/IDR`,
        { netDebitCap: idr(10_000_000), alarmAtBasisPoints: 8_000 },
        200,
      );
      await treasurer.send(
        'put',
        `/api/settlement/v1/coops/${coop}/liquidity-cover/IDR`,
        { amount: idr(10_000_000) },
        200,
      );
    }
    await admin.send('post', '/api/loan/v1/close-of-business', { businessDate: YESTERDAY }, 200);
    const [a, b] = COOPS;
    // Closed loop (BRIEF §5): the two coops pay each other under a cooperation agreement.
    await treasurer.send(
      'post',
      `/api/member/v1/coops/${a}/cooperation-agreements`,
      { partnerCoopId: b, validFrom: '2026-01-07', validUntil: '2099-12-31' },
      201,
    );
    let batchId = '';
    for (const [transferId, fromCoopId, toCoopId, amount] of [
      ['audit-t1', a, b, 1_500_000],
      ['audit-t2', b, a, 250_000],
      ['audit-t3', a, b, 750_000],
    ] as const) {
      const transfer = await treasurer.send(
        'post',
        '/api/settlement/v1/transfers',
        { transferId, fromCoopId, toCoopId, amount: idr(amount) },
        201,
      );
      batchId = transfer.batchId as string;
    }
    await treasurer.send(
      'post',
      `/api/settlement/v1/settlement-batches/${batchId}/close`,
      undefined,
      200,
    );
  } finally {
    await node.close();
  }
}

/** Retries while the other services catch up with the member service's events (bounded). */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const SUKARELA = {
  code: 'SUKARELA',
  name: 'Simpanan Sukarela',
  kind: 'sukarela',
  interest: { basis: 'daily_balance', posting: 'monthly' },
  terms: { effectiveFrom: '2026-01-01', rateBasisPoints: 365, minimumBalance: idr(10_000) },
};

const LOAN_PRODUCT = {
  effectiveFrom: '2026-01-01',
  terms: {
    name: 'Pinjaman produktif',
    method: 'ANNUITY',
    annualRatePercent: '12',
    minTermMonths: 1,
    maxTermMonths: 60,
    maxGraceMonths: 3,
    minPrincipal: idr(1_000_000),
    maxPrincipal: idr(500_000_000),
    disbursementFeePercent: '1',
    lateFee: idr(25_000),
    penaltyPercentPerDay: '0.1',
  },
};

const loan = (externalId: string, memberId: string, principal: number, on: string) => [
  {
    kind: 'loan',
    externalId,
    memberId,
    productCode: 'PINJAMAN',
    principal: idr(principal),
    termMonths: 12,
    appliedOn: on,
  },
  {
    kind: 'disbursement',
    externalId: `${externalId}-CAIR`,
    loanExternalId: externalId,
    disbursedOn: on,
    via: { kind: 'cash' },
  },
];
