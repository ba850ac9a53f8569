import request from 'supertest';
import { API, COOPS, loanHarness, person, productBody, type LoanHarness } from '../testing/harness';

describe('loan sync batches', () => {
  let h: LoanHarness;
  const batches = () => `${API}/coops/${COOPS.A}/loan-sync-batches`;
  const loanItem = (externalId: string, memberExternalId = 'AGT-1') => ({
    kind: 'loan',
    externalId,
    memberExternalId,
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
  const repayment = (externalId: string, loanExternalId: string, amount = '1035000') => ({
    kind: 'repayment',
    externalId,
    loanExternalId,
    amount: { amount, currency: 'IDR' },
    paidOn: '2026-02-10',
    via: { kind: 'cash' },
  });
  const send = (sequence: number, items: unknown[]) =>
    request(h.app).post(batches()).set(h.as(h.fx.keys.coopA)).send({ sequence, items });

  beforeAll(async () => {
    h = await loanHarness('2026-03-01');
    await h.federation();
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody())
      .expect(201);
  });
  afterAll(() => h.close());

  it('applies loans, disbursements and repayments in order, with a result per item', async () => {
    const response = await send(1, [
      loanItem('PJ-1'),
      disbursement('CAIR-1', 'PJ-1'),
      repayment('BAYAR-1', 'PJ-1'),
      loanItem('PJ-2', 'AGT-404'),
      repayment('BAYAR-9', 'PJ-404'),
    ]).expect(200);
    expect(response.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'created',
      'created',
      'rejected',
      'rejected',
    ]);
    expect(response.body.results[3].problem).toMatchObject({
      code: 'borrower_not_member',
      pointer: '/items/3/memberExternalId',
    });
    expect(response.body.results[4].problem.code).toBe('loan_not_found');
    expect(response.body).toMatchObject({
      sequence: 1,
      duplicateSequence: false,
      counts: { created: 3, rejected: 2 },
    });
    const loanId = response.body.results[0].id as string;
    const loan = await request(h.app)
      .get(`${API}/coops/${COOPS.A}/loans/${loanId}`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(loan.body).toMatchObject({
      origin: 'sync',
      externalId: 'PJ-1',
      status: 'active',
      disbursedOn: '2026-01-10',
    });
  });

  it('dedupes for ever: a resent batch changes nothing; a reused repayment id is refused', async () => {
    const before = await h.store.headPosition();
    const again = await send(1, [
      loanItem('PJ-1'),
      disbursement('CAIR-1', 'PJ-1'),
      repayment('BAYAR-1', 'PJ-1'),
    ]).expect(200);
    expect(again.body.duplicateSequence).toBe(true);
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(await h.store.headPosition()).toBe(before);
    const reused = await send(2, [repayment('BAYAR-1', 'PJ-1', '5000')]).expect(200);
    expect(reused.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'external_id_reused' },
    });
    const changed = await send(3, [{ ...loanItem('PJ-1'), termMonths: 12 }]).expect(200);
    expect(changed.body.results[0].problem.code).toBe('loan_terms_differ');
  });

  it('reports gaps in the sequence until they arrive', async () => {
    await send(5, [loanItem('PJ-5')]).expect(200);
    const status = await request(h.app)
      .get(`${API}/coops/${COOPS.A}/loan-sync-status`)
      .set(h.as(h.fx.keys.treasurerP))
      .expect(200);
    expect(status.body).toEqual({
      lastSequence: 5,
      batchesReceived: 4,
      gaps: [{ from: 4, to: 4 }],
      missingCount: 1,
    });
  });

  it('refuses an oversized batch and another coop’s key', async () => {
    const items = Array.from({ length: 1_001 }, (_, i) => loanItem(`PJ-X${i}`));
    const big = await send(9, items).expect(400);
    expect(big.body.errors[0].pointer).toBe('/items');
    await request(h.app)
      .post(batches())
      .set(h.as(h.fx.keys.coopB))
      .send({ sequence: 1, items: [loanItem('X')] })
      .expect(403);
  });

  let loan3Id: string;

  it('refuses a disbursement sent again with other terms, and a loan applied for after today', async () => {
    const moved = await send(10, [disbursement('CAIR-1', 'PJ-1', '2026-01-20')]).expect(200);
    expect(moved.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'disbursement_terms_differ' },
    });
    const future = await send(10, [{ ...loanItem('PJ-FUTURE'), appliedOn: '2026-03-02' }]).expect(
      200,
    );
    expect(future.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'date_in_future', pointer: '/items/0/appliedOn' },
    });
  });

  it('refuses a repayment external id repeated in a batch, even for another loan', async () => {
    const opened = await send(11, [loanItem('PJ-3', 'AGT-2'), disbursement('CAIR-3', 'PJ-3')]);
    loan3Id = opened.body.results[0].id as string;
    const twice = await send(12, [
      repayment('BAYAR-2', 'PJ-1', '500000'),
      repayment('BAYAR-2', 'PJ-3', '500000'),
    ]).expect(200);
    expect(twice.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'rejected',
    ]);
    expect(twice.body.results[1].problem).toMatchObject({
      code: 'duplicate_in_batch',
      pointer: '/items/1/externalId',
    });
    const loan3 = await request(h.app)
      .get(`${API}/coops/${COOPS.A}/loans/${loan3Id}`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(loan3.body.outstandingPrincipal.amount).toBe('6000000');
  });

  it('lets one of two batches sent at once use a repayment external id, for one loan only', async () => {
    const [a, b] = await Promise.all([
      send(13, [repayment('BAYAR-3', 'PJ-1', '400000')]),
      send(14, [repayment('BAYAR-3', 'PJ-3', '400000')]),
    ]);
    const statuses = [a.body.results[0].status, b.body.results[0].status].sort();
    expect(statuses).toEqual(['created', 'rejected']);
    const refused = [a, b].find((r) => r.body.results[0].status === 'rejected')!;
    expect(refused.body.results[0].problem.code).toBe('external_id_reused');
  });

  it('gives a repayment external id back when the loan refuses the repayment', async () => {
    const tooMuch = await send(15, [repayment('BAYAR-4', 'PJ-3', '900000000')]).expect(200);
    expect(tooMuch.body.results[0].problem.code).toBe('repayment_exceeds_payoff');
    const fixed = await send(16, [repayment('BAYAR-4', 'PJ-3', '100000')]).expect(200);
    expect(fixed.body.results[0].status).toBe('created');
  });

  it('does not pay out a synced loan to a member who had left by the disbursement date', async () => {
    await h.memberEvent('MemberJoined', 'm-a9', person(COOPS.A, 'm-a9', 'AGT-9'));
    await h.memberEvent('MemberLeft', 'm-a9', {
      coopId: COOPS.A,
      memberId: 'm-a9',
      reason: 'resigned',
      leftOn: '2026-01-08',
    });
    const response = await send(40, [
      loanItem('PJ-LEFT', 'AGT-9'),
      disbursement('CAIR-LEFT', 'PJ-LEFT', '2026-01-10'),
    ]).expect(200);
    expect(response.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'rejected',
    ]);
    expect(response.body.results[1].problem.code).toBe('borrower_left');
    const before = await send(41, [disbursement('CAIR-LEFT', 'PJ-LEFT', '2026-01-07')]).expect(200);
    expect(before.body.results[0]).toMatchObject({ status: 'created' });
  });

  it('rejects a synced disbursement that would take the loan book past 18 digits, alone', async () => {
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/BESAR/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody({ maxPrincipal: { amount: '999999999999999999', currency: 'IDR' } }))
      .expect(201);
    const total = async () =>
      (await request(h.app).get(`${API}/public/portfolio`).expect(200)).body.outstandingPrincipal
        .amount as string;
    const room = 999_999_999_999_999_999n - BigInt(await total());
    const big = (externalId: string, memberExternalId: string, principal: bigint) => ({
      ...loanItem(externalId, memberExternalId),
      productCode: 'BESAR',
      principal: { amount: principal.toString(), currency: 'IDR' },
    });
    const full = await send(17, [
      big('PJ-FULL', 'AGT-1', room),
      disbursement('CAIR-FULL', 'PJ-FULL'),
    ]).expect(200);
    expect(full.body.counts).toMatchObject({ created: 2 });
    expect(await total()).toBe('999999999999999999');
    const response = await send(18, [
      big('PJ-OVER', 'AGT-2', 1_000_000n),
      disbursement('CAIR-OVER', 'PJ-OVER'),
      repayment('BAYAR-5', 'PJ-3', '100000'),
    ]).expect(200);
    expect(response.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'rejected',
      'created',
    ]);
    expect(response.body.results[1].problem.code).toBe('loan_book_limit_exceeded');
    const over = await request(h.app)
      .get(`${API}/coops/${COOPS.A}/loans/${response.body.results[0].id as string}`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(over.body.status).toBe('approved');
  });

  it('takes a loan for a member moved into the coop, by the external id the coop attached', async () => {
    // A move joins the person to A with no external id; A's first sync of them attaches A's.
    await h.memberEvent('MemberJoined', 'm-moved', person(COOPS.A, 'm-moved', null));
    await h.memberEvent('ExternalIdAttached', 'm-moved', {
      coopId: COOPS.A,
      memberId: 'm-moved',
      externalId: 'KM-90',
    });
    const response = await send(19, [loanItem('PJ-MOVED', 'KM-90')]).expect(200);
    expect(response.body.results[0]).toMatchObject({ status: 'created' });
    const loan = await request(h.app)
      .get(`${API}/coops/${COOPS.A}/loans/${response.body.results[0].id as string}`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(loan.body).toMatchObject({ externalId: 'PJ-MOVED', memberId: 'm-moved' });
  });
});

describe('loan sync batches near the loan book limit', () => {
  let h: LoanHarness;
  const loanItem = (externalId: string, memberExternalId: string, principal: bigint) => ({
    kind: 'loan',
    externalId,
    memberExternalId,
    productCode: 'BESAR',
    principal: { amount: principal.toString(), currency: 'IDR' },
    termMonths: 6,
    appliedOn: '2026-01-05',
  });
  const disbursement = (externalId: string, loanExternalId: string) => ({
    kind: 'disbursement',
    externalId,
    loanExternalId,
    disbursedOn: '2026-01-10',
    via: { kind: 'cash' },
  });
  const send = (sequence: number, items: unknown[]) =>
    request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-sync-batches`)
      .set(h.as(h.fx.keys.coopA))
      .send({ sequence, items })
      .expect(200);
  const total = async () =>
    BigInt(
      (await request(h.app).get(`${API}/public/portfolio`).expect(200)).body.outstandingPrincipal
        .amount as string,
    );

  beforeAll(async () => {
    h = await loanHarness('2026-03-01');
    await h.federation();
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/BESAR/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody({ maxPrincipal: { amount: '999999999999999999', currency: 'IDR' } }))
      .expect(201);
  });
  afterAll(() => h.close());

  it('pays out a loan that fits beside a disbursement sent again, which the book counts once', async () => {
    const P1 = 400_000_000_000_000_000n;
    const P2 = 500_000_000_000_000_000n;
    await send(1, [loanItem('PJ-1', 'AGT-1', P1), disbursement('CAIR-1', 'PJ-1')]);
    await send(2, [loanItem('PJ-2', 'AGT-2', P2)]);
    expect(await total()).toBe(P1);
    // P1 + P2 fits; counting the loan paid out already a second time would leave no room.
    const resent = await send(3, [disbursement('CAIR-1', 'PJ-1'), disbursement('CAIR-2', 'PJ-2')]);
    expect(resent.body.results.map((r: { status: string }) => r.status)).toEqual([
      'unchanged',
      'created',
    ]);
    expect(await total()).toBe(P1 + P2);
  });
});
