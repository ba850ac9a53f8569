import request from 'supertest';
import {
  activeLoan,
  API,
  COOPS,
  loanHarness,
  productBody,
  type LoanHarness,
} from '../testing/harness';

describe('loans over HTTP', () => {
  let h: LoanHarness;
  beforeEach(async () => {
    h = await loanHarness('2026-01-31');
    await h.federation();
  });
  afterEach(() => h.close());

  const loans = (coopId: string = COOPS.A) => `${API}/coops/${coopId}/loans`;

  it('applies, approves by another key, disburses and shows the schedule', async () => {
    const loanId = await activeLoan(h);
    const loan = await request(h.app)
      .get(`${loans()}/${loanId}`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(loan.headers.etag).toBe('"2"');
    expect(loan.body).toMatchObject({
      status: 'active',
      disbursedOn: '2026-01-31',
      maturityDate: '2027-01-31',
      outstandingPrincipal: { amount: '10000000', currency: 'IDR' },
      kolektibilitas: 'L',
      nextInstallment: { number: 1, dueDate: '2026-02-28', amount: { amount: '888488' } },
    });
    const schedule = await request(h.app)
      .get(`${loans()}/${loanId}/schedule`)
      .set(h.as(h.fx.keys.auditorP))
      .expect(200);
    expect(schedule.body.installments).toHaveLength(12);
    expect(schedule.body.totalInterest).toEqual({ amount: '661853', currency: 'IDR' });
  });

  it('does not pay out to a member who left the coop after the loan was approved', async () => {
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody())
      .expect(201);
    const applied = await request(h.app)
      .post(loans())
      .set(h.as(h.fx.keys.coopA))
      .send({
        memberId: 'm-a1',
        productCode: 'PINJAMAN',
        principal: { amount: '5000000', currency: 'IDR' },
        termMonths: 6,
      })
      .expect(201);
    const loan = `${loans()}/${applied.body.loanId}`;
    await request(h.app).post(`${loan}/approval`).set(h.as(h.fx.keys.treasurerP)).expect(200);
    await h.memberEvent('MemberLeft', 'm-a1', {
      coopId: COOPS.A,
      memberId: 'm-a1',
      leftOn: '2026-01-31',
      reason: 'resigned',
    });
    const refused = await request(h.app)
      .post(`${loan}/disbursement`)
      .set(h.as(h.fx.keys.coopA))
      .send({ via: { kind: 'cash' } })
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'borrower_left' });
    const after = await request(h.app).get(loan).set(h.as(h.fx.keys.coopA)).expect(200);
    expect(after.body).toMatchObject({ status: 'approved', disbursedOn: null });
  });

  it('refuses the applicant as approver (maker-checker) with a problem', async () => {
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody())
      .expect(201);
    const applied = await request(h.app)
      .post(loans())
      .set(h.as(h.fx.keys.coopA))
      .send({
        memberId: 'm-a1',
        productCode: 'PINJAMAN',
        principal: { amount: '5000000', currency: 'IDR' },
        termMonths: 6,
      })
      .expect(201);
    const refused = await request(h.app)
      .post(`${loans()}/${applied.body.loanId}/approval`)
      .set(h.as(h.fx.keys.coopA))
      .expect(422);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'maker_checker', status: 422 });
  });

  it('refuses borrowers the closed loop excludes, naming the field', async () => {
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody());
    const apply = (memberId: string) =>
      request(h.app)
        .post(loans())
        .set(h.as(h.fx.keys.coopA))
        .send({
          memberId,
          productCode: 'PINJAMAN',
          principal: { amount: '5000000', currency: 'IDR' },
          termMonths: 6,
        });
    const stranger = await apply('m-b1').expect(422);
    expect(stranger.body).toMatchObject({
      code: 'borrower_not_member',
      errors: [{ pointer: '/memberId' }],
    });
    await h.memberEvent('MemberLeft', 'm-a2', {
      coopId: COOPS.A,
      memberId: 'm-a2',
      reason: 'resigned',
      leftOn: '2026-01-10',
    });
    expect((await apply('m-a2').expect(422)).body.code).toBe('borrower_left');
    await h.memberEvent('CoopStatusChanged', COOPS.A, {
      coopId: COOPS.A,
      from: 'active',
      to: 'suspended',
      reason: 'rat_not_held',
      effectiveOn: '2026-01-20',
    });
    expect((await apply('m-a1').expect(422)).body.code).toBe('coop_not_active');
  });

  it('lends from the secondary to a member coop only under a cooperation agreement in force', async () => {
    await request(h.app)
      .post(`${API}/coops/${COOPS.P}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.treasurerP))
      .send(productBody())
      .expect(201);
    const apply = () =>
      request(h.app)
        .post(loans(COOPS.P))
        .set(h.as(h.fx.keys.treasurerP))
        .send({
          memberId: 'm-pa',
          productCode: 'PINJAMAN',
          principal: { amount: '50000000', currency: 'IDR' },
          termMonths: 24,
        });
    expect((await apply().expect(422)).body.code).toBe('no_cooperation_agreement');
    await h.memberEvent('CooperationAgreementSigned', 'agr-1', {
      agreementId: 'agr-1',
      coopId: COOPS.P,
      partnerCoopId: COOPS.A,
      validFrom: '2026-01-01',
      validUntil: '2027-12-31',
    });
    const loan = await apply().expect(201);
    expect(loan.body.borrower).toEqual({
      kind: 'coop',
      memberCoopId: COOPS.A,
      agreementId: 'agr-1',
    });
    // A secondary never lends to individuals.
    await h.memberEvent('MemberJoined', 'm-px', {
      coopId: COOPS.P,
      memberId: 'm-px',
      memberNumber: 'X',
      joinedOn: '2025-01-01',
      memberKind: 'person',
      externalId: null,
    });
    const person = await request(h.app)
      .post(loans(COOPS.P))
      .set(h.as(h.fx.keys.treasurerP))
      .send({
        memberId: 'm-px',
        productCode: 'PINJAMAN',
        principal: { amount: '5000000', currency: 'IDR' },
        termMonths: 6,
      })
      .expect(422);
    expect(person.body.code).toBe('secondary_serves_coops');
    // Ended before its time: from terminatedOn the secondary lends to A no more.
    await h.memberEvent('CooperationAgreementTerminated', 'agr-1', {
      agreementId: 'agr-1',
      terminatedOn: h.today(),
    });
    expect((await apply().expect(422)).body.code).toBe('no_cooperation_agreement');
  });

  it('keeps coops apart and auditors read-only', async () => {
    const loanId = await activeLoan(h);
    await request(h.app).get(`${loans()}/${loanId}`).set(h.as(h.fx.keys.coopB)).expect(403);
    await request(h.app)
      .get(`${loans(COOPS.B)}/${loanId}`)
      .set(h.as(h.fx.keys.coopB))
      .expect(404);
    await request(h.app).get(`${loans()}/${loanId}`).set(h.as(h.fx.keys.treasurerP)).expect(200);
    await request(h.app)
      .post(`${loans()}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.auditorP))
      .send({ amount: { amount: '1', currency: 'IDR' }, via: { kind: 'cash' } })
      .expect(403);
  });

  it('repays by the product order, honours If-Match, and reports history and statement', async () => {
    const loanId = await activeLoan(h);
    h.setToday('2026-02-28');
    const stale = await request(h.app)
      .post(`${loans()}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .set('If-Match', '"0"')
      .send({ amount: { amount: '888488', currency: 'IDR' }, via: { kind: 'cash' } })
      .expect(412);
    expect(stale.body.code).toBe('precondition-failed');
    const paid = await request(h.app)
      .post(`${loans()}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .set('If-Match', '"2"')
      .set('Idempotency-Key', 'pay-1')
      .send({ amount: { amount: '888488', currency: 'IDR' }, via: { kind: 'cash' } })
      .expect(200);
    expect(paid.body.outstandingPrincipal.amount).toBe('9211512');
    const again = await request(h.app)
      .post(`${loans()}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .set('If-Match', '"2"')
      .set('Idempotency-Key', 'pay-1')
      .send({ amount: { amount: '888488', currency: 'IDR' }, via: { kind: 'cash' } })
      .expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const history = await request(h.app)
      .get(`${loans()}/${loanId}/history`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual([
      'LoanApplied',
      'LoanApproved',
      'LoanDisbursed',
      'LoanRepaid',
    ]);
    const statement = await request(h.app)
      .get(`${loans()}/${loanId}/statement?from=2026-01-01&to=2026-12-31`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(statement.body.lines.map((l: { kind: string }) => l.kind)).toEqual([
      'disbursement',
      'repayment',
    ]);
    expect(statement.body.closingPrincipal.amount).toBe('9211512');
    const inverted = await request(h.app)
      .get(`${loans()}/${loanId}/statement?from=2026-12-31&to=2026-01-01`)
      .set(h.as(h.fx.keys.coopA))
      .expect(422);
    expect(inverted.body).toMatchObject({ code: 'date_range_inverted' });
  });

  it('refuses bad input with 400 naming the field, and future dates with 422', async () => {
    const loanId = await activeLoan(h);
    const bad = await request(h.app)
      .post(`${loans()}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .send({ amount: { amount: '-5', currency: 'IDR' }, via: { kind: 'cash' } })
      .expect(400);
    expect(bad.body.errors[0].pointer).toBe('/amount/amount');
    const usd = await request(h.app)
      .post(`${loans()}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .send({ amount: { amount: '5', currency: 'USD' }, via: { kind: 'cash' } })
      .expect(400);
    expect(usd.body.errors[0].pointer).toBe('/amount/currency');
    const future = await request(h.app)
      .post(`${loans()}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .send({
        amount: { amount: '5', currency: 'IDR' },
        via: { kind: 'cash' },
        paidOn: '2026-02-01',
      })
      .expect(422);
    expect(future.body).toMatchObject({ code: 'date_in_future', errors: [{ pointer: '/paidOn' }] });
  });

  it('lists a coop’s loans a page at a time', async () => {
    await activeLoan(h);
    await activeLoan(h, { memberId: 'm-a2' });
    const page = await request(h.app)
      .get(`${loans()}?limit=1`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(page.body.loans).toHaveLength(1);
    const next = await request(h.app)
      .get(`${loans()}?limit=1&cursor=${page.body.nextCursor}`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(next.body.loans[0].loanId).not.toBe(page.body.loans[0].loanId);
  });
});
