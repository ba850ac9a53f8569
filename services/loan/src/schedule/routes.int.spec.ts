import request from 'supertest';
import { API, loanHarness, type LoanHarness } from '../testing/harness';

describe('POST /schedule-previews', () => {
  let h: LoanHarness;
  beforeAll(async () => {
    h = await loanHarness();
  });
  afterAll(() => h.close());
  const preview = (body: unknown, token = h.fx.keys.auditorP) =>
    request(h.app)
      .post(`${API}/schedule-previews`)
      .set(h.as(token))
      .send(body as object);

  it('answers exactly the contract of issue 7', async () => {
    const response = await preview({
      method: 'ANNUITY',
      principal: '10000000',
      annualRatePercent: '12',
      termMonths: 12,
      disbursementDate: '2026-01-31',
      graceMonths: 0,
    }).expect(200);
    expect(Object.keys(response.body)).toEqual([
      'installments',
      'totalInterest',
      'effectiveAnnualRatePercent',
    ]);
    expect(response.body.installments[0]).toEqual({
      number: 1,
      dueDate: '2026-02-28',
      principal: '788488',
      interest: '100000',
      total: '888488',
      outstandingAfter: '9211512',
    });
    expect(response.body.installments).toHaveLength(12);
    expect(response.body.totalInterest).toBe('661853');
    expect(response.body.effectiveAnnualRatePercent).toBe('12.00');
  });

  it('is a read any role may make, auditors included, and writes nothing', async () => {
    const before = await h.store.headPosition();
    await preview(
      {
        method: 'FLAT',
        principal: '10000000',
        annualRatePercent: '20',
        termMonths: 12,
        disbursementDate: '2026-01-31',
      },
      h.fx.keys.coopB,
    )
      .expect(200)
      .expect((r) => expect(r.body.effectiveAnnualRatePercent).toBe('35.07'));
    expect(await h.store.headPosition()).toBe(before);
  });

  it('refuses bad input with problems naming the field', async () => {
    const base = {
      method: 'ANNUITY',
      principal: '10000000',
      annualRatePercent: '12',
      termMonths: 12,
      disbursementDate: '2026-01-31',
    };
    const cases: [object, string][] = [
      [{ ...base, principal: '0' }, '/principal'],
      [{ ...base, principal: '1.5' }, '/principal'],
      [{ ...base, termMonths: 361 }, '/termMonths'],
      [{ ...base, disbursementDate: '2026-02-30' }, '/disbursementDate'],
      [{ ...base, method: 'BALLOON' }, '/method'],
      [{ ...base, annualRatePercent: '1e2' }, '/annualRatePercent'],
      [{ ...base, extra: 1 }, '/extra'],
    ];
    for (const [body, pointer] of cases) {
      const response = await preview(body).expect(400);
      expect(response.body.errors.map((e: { pointer?: string }) => e.pointer)).toContain(pointer);
    }
    const grace = await preview({ ...base, graceMonths: 12 }).expect(422);
    expect(grace.body).toMatchObject({
      code: 'grace_out_of_range',
      errors: [{ pointer: '/graceMonths' }],
    });
  });
});
