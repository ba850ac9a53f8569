import request from 'supertest';
import { API, COOPS, loanHarness, productBody, type LoanHarness } from '../testing/harness';
import { liquidityLoanRequestId } from './answer';

/** The parent's treasurer over HTTP: the designated product, the requests, applying by hand. */
describe('liquidity loan routes', () => {
  let h: LoanHarness;
  beforeEach(async () => {
    h = await loanHarness('2026-02-02');
    await h.federation();
    await h.memberEvent('CooperationAgreementSigned', 'agr-1', {
      agreementId: 'agr-1',
      coopId: COOPS.P,
      partnerCoopId: COOPS.A,
      validFrom: '2026-01-01',
      validUntil: '2027-12-31',
    });
    await request(h.app)
      .post(`${API}/coops/${COOPS.P}/loan-products/LIKUIDITAS/versions`)
      .set(h.as(h.fx.keys.treasurerP))
      .send(productBody({ maxTermMonths: 12 }))
      .expect(201);
  });
  afterEach(() => h.close());

  const product = `${API}/coops/${COOPS.P}/liquidity-loan-product`;
  const requests = `${API}/coops/${COOPS.P}/liquidity-loan-requests`;
  const requestFrom = (batchId: string, coopId: string = COOPS.A) =>
    h.settlementEvent('LiquidityLoanRequested', coopId, {
      batchId,
      coopId,
      parentCoopId: COOPS.P,
      shortfall: { amount: '15000000', currency: 'IDR' },
      requestedAt: '2026-02-02T02:00:00.000Z',
    });
  const problem = (response: request.Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.code).toBe(code);
  };

  it('designates the product for the parent’s treasurer, shows it, and refuses what cannot lend', async () => {
    problem(
      await request(h.app).get(product).set(h.as(h.fx.keys.treasurerP)),
      404,
      'liquidity_product_not_designated',
    );
    const put = (body: object, token = h.fx.keys.treasurerP) =>
      request(h.app).put(product).set(h.as(token)).send(body);
    problem(await put({ productCode: 'NONE', termMonths: 3 }), 404, 'product_not_found');
    problem(await put({ productCode: 'LIKUIDITAS', termMonths: 13 }), 422, 'term_out_of_range');
    problem(await put({ productCode: 'LIKUIDITAS' }), 400, 'validation-failed');
    const done = await put({ productCode: 'LIKUIDITAS', termMonths: 3 }).expect(200);
    expect(done.body).toEqual({
      coopId: COOPS.P,
      productCode: 'LIKUIDITAS',
      termMonths: 3,
      designatedOn: '2026-02-02',
      requestsAnswered: { applied: 0, unanswered: 0, remaining: 0 },
    });
    const shown = await request(h.app).get(product).set(h.as(h.fx.keys.auditorP)).expect(200);
    expect(shown.body).toEqual({
      coopId: COOPS.P,
      productCode: 'LIKUIDITAS',
      termMonths: 3,
      designatedOn: '2026-02-02',
    });
    expect(shown.headers.etag).toBeDefined();
  });

  it('lets only the parent’s treasurer, auditor and admin see the requests; a member coop is forbidden', async () => {
    await requestFrom('MIDR20260202T0000-aaaa0001');
    const get = (token: string, path = requests) => request(h.app).get(path).set(h.as(token));
    expect((await get(h.fx.keys.auditorP).expect(200)).body.requests).toHaveLength(1);
    expect((await get(h.fx.keys.admin).expect(200)).body.requests).toHaveLength(1);
    problem(await get(h.fx.keys.coopA), 403, 'forbidden');
    // Its own coop's path does not open it to a member coop's key either.
    problem(
      await get(h.fx.keys.coopA, `${API}/coops/${COOPS.A}/liquidity-loan-requests`),
      403,
      'forbidden',
    );
    problem(
      await request(h.app)
        .put(product)
        .set(h.as(h.fx.keys.auditorP))
        .send({ productCode: 'LIKUIDITAS', termMonths: 3 }),
      403,
      'forbidden',
    );
    problem(
      await request(h.app)
        .put(product)
        .set(h.as(h.fx.keys.coopA))
        .send({ productCode: 'LIKUIDITAS', termMonths: 3 }),
      403,
      'forbidden',
    );
  });

  it('answers a bad coop id, cursor or status with problem details, never a 500', async () => {
    const admin = h.as(h.fx.keys.admin);
    problem(
      await request(h.app).get(`${API}/coops/not%20a%20coop!/liquidity-loan-requests`).set(admin),
      400,
      'validation-failed',
    );
    problem(
      await request(h.app)
        .get(`${API}/coops/${'x'.repeat(65)}/liquidity-loan-product`)
        .set(admin),
      400,
      'validation-failed',
    );
    problem(
      await request(h.app).get(`${requests}?cursor=abc`).set(admin),
      400,
      'validation-failed',
    );
    problem(
      await request(h.app).get(`${requests}?status=lost`).set(admin),
      400,
      'validation-failed',
    );
    // A coop nobody knows simply has no requests.
    const unknown = await request(h.app)
      .get(`${API}/coops/nobody/liquidity-loan-requests`)
      .set(admin)
      .expect(200);
    expect(unknown.body).toEqual({ requests: [], nextCursor: null });
  });

  it('pages the requests oldest first, and filters by status and batch', async () => {
    await requestFrom('MIDR20260202T0000-aaaa0001');
    await requestFrom('MIDR20260202T0000-aaaa0002');
    await requestFrom('MIDR20260202T0000-aaaa0003');
    const page = (query: string) =>
      request(h.app).get(`${requests}${query}`).set(h.as(h.fx.keys.treasurerP)).expect(200);
    const first = await page('?limit=2');
    expect(first.body.requests.map((r: { batchId: string }) => r.batchId)).toEqual([
      'MIDR20260202T0000-aaaa0001',
      'MIDR20260202T0000-aaaa0002',
    ]);
    const second = await page(`?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({
      requests: [expect.objectContaining({ batchId: 'MIDR20260202T0000-aaaa0003' })],
      nextCursor: null,
    });
    expect((await page('?status=applied')).body.requests).toEqual([]);
    expect(
      (await page('?batchId=MIDR20260202T0000-aaaa0002')).body.requests.map(
        (r: { batchId: string }) => r.batchId,
      ),
    ).toEqual(['MIDR20260202T0000-aaaa0002']);
  });

  it('applies by hand for an unanswered request, quoting it; another key approves; twice is a conflict', async () => {
    const batchId = 'MIDR20260202T0000-aaaa0001';
    await requestFrom(batchId);
    const requestId = liquidityLoanRequestId(batchId, COOPS.A);
    const apply = (body: object, id = requestId, token = h.fx.keys.treasurerP) =>
      request(h.app).post(`${requests}/${id}/application`).set(h.as(token)).send(body);

    problem(
      await apply({ productCode: 'LIKUIDITAS', termMonths: 3 }, 'no-such-request'),
      404,
      'liquidity_loan_request_not_found',
    );
    problem(
      await apply({ productCode: 'LIKUIDITAS', termMonths: 3 }, requestId, h.fx.keys.auditorP),
      403,
      'forbidden',
    );
    // The application's own refusal is answered, and kept as the request's reason.
    problem(await apply({ productCode: 'LIKUIDITAS', termMonths: 24 }), 422, 'term_out_of_range');
    const listed = await request(h.app).get(requests).set(h.as(h.fx.keys.treasurerP)).expect(200);
    expect(listed.body.requests[0]).toMatchObject({
      status: 'unanswered',
      reason: 'term_out_of_range',
    });

    const applied = await apply({ productCode: 'LIKUIDITAS', termMonths: 6 }).expect(201);
    expect(applied.body).toMatchObject({
      loanId: requestId,
      coopId: COOPS.P,
      memberId: 'm-pa',
      status: 'applied',
      termMonths: 6,
      principal: { amount: '15000000', currency: 'IDR' },
    });
    expect(applied.headers.location).toBe(`/api/loan/v1/coops/${COOPS.P}/loans/${requestId}`);
    problem(
      await apply({ productCode: 'LIKUIDITAS', termMonths: 6 }),
      409,
      'liquidity_loan_request_answered',
    );
    // Maker-checker: the treasurer who applied by hand does not approve.
    const approve = (token: string) =>
      request(h.app).post(`${API}/coops/${COOPS.P}/loans/${requestId}/approval`).set(h.as(token));
    problem(await approve(h.fx.keys.treasurerP), 422, 'maker_checker');
    await approve(h.fx.keys.admin).expect(200);
  });
});
