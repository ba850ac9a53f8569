import request from 'supertest';
import { loanModule } from '@kopfed/loan';
import { memberModule } from '@kopfed/member';
import { coopBody, person } from '@kopfed/member/src/testing/federation';
import { savingsModule } from '@kopfed/savings';
import { allOperations } from './checks';
import { isWrite } from './operations';
import { COOPS, nodeTarget, type SecurityTarget } from './target';

/**
 * The loan service mounted in the whole node beside the member and savings services it works
 * with: the suite's checks over every loan operation its OpenAPI document describes.
 */

describe('security suite: loan in the node', () => {
  let target: SecurityTarget;
  const loanOperations = () => allOperations(target).filter((o) => o.service === 'loan');
  beforeAll(async () => {
    target = await nodeTarget({ modules: [memberModule, savingsModule, loanModule] });
  });
  afterAll(() => target.close());

  it('mounts loan beside member and savings, with its reads and writes', () => {
    expect(target.services.map((s) => s.name)).toEqual(
      expect.arrayContaining(['access', 'member', 'savings', 'loan']),
    );
    expect(loanOperations().length).toBeGreaterThanOrEqual(20);
    expect(loanOperations().filter(isWrite).length).toBeGreaterThanOrEqual(10);
  });

  it('lends to a member the member service admitted, through the node’s bus, and to no stranger', async () => {
    const { server, keys } = target;
    const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
    const member = (path: string) => `/api/member/v1${path}`;
    const loans = `/api/loan/v1/coops/${COOPS.A}/loans`;
    await request(server)
      .post(member('/coops'))
      .set(auth(keys.admin))
      .send(coopBody(COOPS.P, 'secondary', null))
      .expect(201);
    await request(server)
      .post(member(`/coops/${COOPS.P}/approval`))
      .set(auth(keys.admin))
      .send({ on: '2026-01-06' })
      .expect(200);
    await request(server)
      .post(member(`/coops/${COOPS.P}/member-coops`))
      .set(auth(keys.treasurerP))
      .send(coopBody(COOPS.A, 'primary', COOPS.P))
      .expect(201);
    await request(server)
      .post(member(`/coops/${COOPS.A}/approval`))
      .set(auth(keys.treasurerP))
      .send({ on: '2026-01-07' })
      .expect(200);
    const joined = await request(server)
      .post(member(`/coops/${COOPS.A}/members`))
      .set(auth(keys.coopA))
      .send({ kind: 'person', memberNumber: 'A-1', joinedOn: '2026-02-01', person: person(1) })
      .expect(201);
    const memberId = (joined.body as { memberId: string }).memberId;
    await request(server)
      .post(`/api/loan/v1/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(auth(keys.coopA))
      .send({
        effectiveFrom: '2026-01-01',
        terms: {
          name: 'Pinjaman produktif',
          method: 'ANNUITY',
          annualRatePercent: '12',
          minTermMonths: 1,
          maxTermMonths: 60,
          maxGraceMonths: 0,
          minPrincipal: { amount: '1000000', currency: 'IDR' },
          maxPrincipal: { amount: '50000000', currency: 'IDR' },
        },
      })
      .expect(201);
    const apply = (borrower: string) =>
      request(server)
        .post(loans)
        .set(auth(keys.coopA))
        .send({
          memberId: borrower,
          productCode: 'PINJAMAN',
          principal: { amount: '10000000', currency: 'IDR' },
          termMonths: 12,
        });
    // The relay carries MemberJoined to the loan service a moment after the join is acknowledged.
    let applied = await apply(memberId);
    for (let tries = 0; applied.body.code === 'borrower_not_member' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      applied = await apply(memberId);
    }
    expect(applied.status).toBe(201);
    const loanId = (applied.body as { loanId: string }).loanId;
    await request(server)
      .post(`${loans}/${loanId}/approval`)
      .set(auth(keys.treasurerP))
      .expect(200);
    const disbursed = await request(server)
      .post(`${loans}/${loanId}/disbursement`)
      .set(auth(keys.coopA))
      .send({ via: { kind: 'savings', savingsAccountId: 'sav-1', productCode: 'SUKARELA' } })
      .expect(200);
    expect(disbursed.body).toMatchObject({ status: 'active', memberId });
    const stranger = await apply('0193a3c5-7d2e-7f1a-8b3c-4d5e6f7a8b9c').expect(422);
    expect(stranger.body.code).toBe('borrower_not_member');
  }, 60_000);
});
