import request from 'supertest';
import { LoanRepository } from '../loans/loan-repository';
import { syncDisbursementStream } from '../shared/streams';
import { API, COOPS, loanHarness, productBody, type LoanHarness } from '../testing/harness';
import { PERSON_FACTS } from '../testing/loan-fixtures';

describe('a synced disbursement external id pays out one loan, for ever', () => {
  let h: LoanHarness;
  const send = (sequence: number, items: unknown[]) =>
    request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-sync-batches`)
      .set(h.as(h.fx.keys.coopA))
      .send({ sequence, items });
  const loanItem = (externalId: string) => ({
    kind: 'loan',
    externalId,
    memberExternalId: 'AGT-1',
    productCode: 'PINJAMAN',
    principal: { amount: '6000000', currency: 'IDR' },
    termMonths: 6,
    appliedOn: '2026-01-05',
  });
  const disbursement = (
    externalId: string,
    loanExternalId: string,
    disbursedOn = '2026-01-10',
  ) => ({
    kind: 'disbursement',
    externalId,
    loanExternalId,
    disbursedOn,
    via: { kind: 'cash' },
  });
  const statuses = (body: { results: { status: string }[] }) => body.results.map((r) => r.status);
  const loan = (loanId: string) =>
    request(h.app)
      .get(`${API}/coops/${COOPS.A}/loans/${loanId}`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
  const claims = async (externalId: string) =>
    (await h.store.readStream(syncDisbursementStream(COOPS.A, externalId))).map((e) => e.type);

  beforeEach(async () => {
    h = await loanHarness('2026-03-01');
    await h.federation();
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody())
      .expect(201);
  });
  afterEach(() => h.close());

  it('refuses the id naming another loan in a later batch, and changes nothing', async () => {
    const first = await send(1, [
      loanItem('PJ-1'),
      loanItem('PJ-2'),
      disbursement('CAIR-1', 'PJ-1'),
    ]).expect(200);
    expect(statuses(first.body)).toEqual(['created', 'created', 'created']);
    const loan2Id = first.body.results[1].id as string;
    const before = await loan(loan2Id);
    const again = await send(2, [disbursement('CAIR-1', 'PJ-2')]).expect(200);
    expect(again.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'external_id_reused', pointer: '/items/0/externalId' },
    });
    const after = await loan(loan2Id);
    expect(after.body).toEqual(before.body);
    expect(after.body.status).toBe('approved');
    expect(await claims('CAIR-1')).toEqual(['LoanDisbursementExternalIdReserved']);
    // The same payout sent again is recognised; the other loan is paid out under its own id.
    const resent = await send(3, [disbursement('CAIR-1', 'PJ-1'), disbursement('CAIR-2', 'PJ-2')]);
    expect(statuses(resent.body)).toEqual(['unchanged', 'created']);
  });

  it('refuses the id sent again for its loan with other terms', async () => {
    await send(1, [loanItem('PJ-1'), disbursement('CAIR-1', 'PJ-1')]).expect(200);
    const moved = await send(2, [disbursement('CAIR-1', 'PJ-1', '2026-01-20')]).expect(200);
    expect(moved.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'disbursement_terms_differ' },
    });
    expect(await claims('CAIR-1')).toEqual(['LoanDisbursementExternalIdReserved']);
  });

  it('gives the id back when the loan refuses its disbursement', async () => {
    await send(1, [loanItem('PJ-1'), loanItem('PJ-2')]).expect(200);
    // Dated before the loan was applied for (and so approved): refused, the id stays free.
    const early = await send(2, [disbursement('CAIR-1', 'PJ-1', '2026-01-04')]).expect(200);
    expect(early.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'disbursed_before_approved' },
    });
    expect(await claims('CAIR-1')).toEqual([
      'LoanDisbursementExternalIdReserved',
      'LoanDisbursementExternalIdReleased',
    ]);
    const used = await send(3, [disbursement('CAIR-1', 'PJ-2')]).expect(200);
    expect(statuses(used.body)).toEqual(['created']);
    const other = await send(4, [disbursement('CAIR-1', 'PJ-1')]).expect(200);
    expect(other.body.results[0].problem.code).toBe('external_id_reused');
  });

  it('recognises a disbursement synced before ids were claimed, and claims its id then', async () => {
    const first = await send(1, [loanItem('PJ-1'), loanItem('PJ-2')]).expect(200);
    const loan1Id = first.body.results[0].id as string;
    // As a sync batch paid loans out before: on the loan alone, with no claim of its id.
    await new LoanRepository(h.store, h.store.database).execute(
      loan1Id,
      {
        type: 'DisburseLoan',
        disbursedOn: '2026-01-10',
        via: { kind: 'cash' },
        disbursedBy: 'key-coop-a',
        externalId: 'CAIR-OLD',
        facts: {
          ...PERSON_FACTS,
          member: {
            memberId: 'm-a1',
            coopId: COOPS.A,
            kind: 'person',
            memberCoopId: null,
            left: false,
          },
        },
        bookOutstandingPrincipal: 0n,
      },
      { metadata: {}, coopId: COOPS.A, businessDate: '2026-01-10' },
    );
    expect(await claims('CAIR-OLD')).toEqual([]);
    const resent = await send(2, [disbursement('CAIR-OLD', 'PJ-1')]).expect(200);
    expect(statuses(resent.body)).toEqual(['unchanged']);
    expect(await claims('CAIR-OLD')).toEqual(['LoanDisbursementExternalIdReserved']);
    const reused = await send(3, [disbursement('CAIR-OLD', 'PJ-2')]).expect(200);
    expect(reused.body.results[0].problem.code).toBe('external_id_reused');
  });
});
