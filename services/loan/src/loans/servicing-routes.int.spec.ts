import request from 'supertest';
import {
  activeLoan,
  API,
  COOPS,
  loanHarness,
  productBody,
  type LoanHarness,
} from '../testing/harness';

/** Restructuring, write-off and recoveries over HTTP, on a loan disbursed months before today. */
describe('servicing a loan over HTTP', () => {
  let h: LoanHarness;
  const loans = `${API}/coops/${COOPS.A}/loans`;
  const post = (path: string, body: Record<string, unknown>) =>
    request(h.app).post(`${loans}${path}`).set(h.as(h.fx.keys.coopA)).send(body);
  const get = async (path: string) =>
    (await request(h.app).get(`${loans}${path}`).set(h.as(h.fx.keys.coopA)).expect(200)).body;

  /** A 12-month annuity of Rp10,000,000 disbursed on 2025-08-31; nothing is ever repaid. */
  async function loanFrom20250831(): Promise<string> {
    h.setToday('2025-08-31');
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send({ ...productBody(), effectiveFrom: '2025-01-01' });
    const applied = await post('', {
      memberId: 'm-a1',
      productCode: 'PINJAMAN',
      principal: { amount: '10000000', currency: 'IDR' },
      termMonths: 12,
    }).expect(201);
    const loanId = (applied.body as { loanId: string }).loanId;
    await request(h.app)
      .post(`${loans}/${loanId}/approval`)
      .set(h.as(h.fx.keys.treasurerP))
      .expect(200);
    await post(`/${loanId}/disbursement`, { via: { kind: 'cash' } }).expect(200);
    return loanId;
  }

  beforeEach(async () => {
    h = await loanHarness('2025-08-31');
    await h.federation();
  });
  afterEach(() => h.close());

  it('reschedules a loan in arrears within the rate cap, and refuses terms above it', async () => {
    const loanId = await loanFrom20250831();
    await h.closeDays('2025-11-15', '2025-11-15');
    h.setToday('2025-11-15');
    expect((await get(`/${loanId}`)).kolektibilitas).toBe('DPK');
    const capped = await post(`/${loanId}/restructurings`, {
      installments: 12,
      method: 'FLAT',
      annualRatePercent: '20',
    }).expect(422);
    expect(capped.body.code).toBe('rate_cap_exceeded');
    const rescheduled = await post(`/${loanId}/restructurings`, {
      installments: 24,
      graceMonths: 2,
      fee: { amount: '50000', currency: 'IDR' },
    }).expect(200);
    expect(rescheduled.body.outstandingPrincipal).toEqual({ amount: '10000000', currency: 'IDR' });
    const schedule = (await get(`/${loanId}/schedule`)) as {
      installments: { dueDate: string; principal: { amount: string } }[];
    };
    const upcoming = schedule.installments.filter((i) => i.dueDate > '2025-11-15');
    expect(upcoming).toHaveLength(24);
    expect(upcoming.slice(0, 2).map((i) => i.principal.amount)).toEqual(['0', '0']);
    expect(upcoming.reduce((sum, i) => sum + BigInt(i.principal.amount), 0n)).toBe(10_000_000n);
  });

  it('writes off a doubtful loan, records recoveries up to the claim, and no further', async () => {
    const loanId = await loanFrom20250831();
    // Installment 1 fell due on 2025-09-30: 123 days past due on 2026-01-31 is Diragukan.
    await h.closeDays('2026-01-31', '2026-01-31');
    h.setToday('2026-01-31');
    const doubtful = await get(`/${loanId}`);
    expect(doubtful).toMatchObject({ kolektibilitas: 'D', daysPastDue: 123 });
    const writtenOff = await post(`/${loanId}/write-off`, {
      reason: 'borrower unreachable',
    }).expect(200);
    expect(writtenOff.body).toMatchObject({ status: 'written_off' });
    await post(`/${loanId}/repayments`, {
      amount: { amount: '1000', currency: 'IDR' },
      via: { kind: 'cash' },
    }).expect(409);
    await post(`/${loanId}/recoveries`, {
      amount: { amount: '1000000', currency: 'IDR' },
      via: { kind: 'bank' },
    }).expect(200);
    const beyond = await post(`/${loanId}/recoveries`, {
      amount: { amount: '100000000', currency: 'IDR' },
      via: { kind: 'bank' },
    }).expect(422);
    expect(beyond.body.code).toBe('recovery_exceeds_claim');
    const history = (await get(`/${loanId}/history`)) as { events: { type: string }[] };
    expect(history.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['LoanWrittenOff', 'LoanRecovered']),
    );
  });

  it('refuses to write off a performing loan', async () => {
    const loanId = await loanFrom20250831();
    const refused = await post(`/${loanId}/write-off`, { reason: 'too early' });
    expect([409, 422]).toContain(refused.status);
    expect(refused.body.code).toBe('write_off_not_allowed');
    expect((await get(`/${loanId}`)).status).toBe('active');
  });

  it('takes a payment entered after the close of business of its date as paid on that date', async () => {
    h.setToday('2026-01-31');
    const loanId = await activeLoan(h);
    // Installment 1 (888,488) was due on Saturday 28 February; Sunday's close of business
    // marked it overdue, charged the late fee and a day's penalty, and classed the loan DPK.
    await h.closeDays('2026-01-31', '2026-03-01');
    h.setToday('2026-03-03');
    expect(await get(`/${loanId}`)).toMatchObject({ kolektibilitas: 'DPK', daysPastDue: 3 });
    // The teller enters Saturday's payment on Tuesday, while Monday's close of business runs.
    const [paid] = await Promise.all([
      post(`/${loanId}/repayments`, {
        amount: { amount: '888488', currency: 'IDR' },
        via: { kind: 'cash' },
        paidOn: '2026-02-28',
      }).expect(200),
      h.instance.closeOfBusiness!('2026-03-02'),
    ]);
    expect(paid.body).toMatchObject({ kolektibilitas: 'L' });
    const loan = await get(`/${loanId}`);
    expect(loan).toMatchObject({
      kolektibilitas: 'L',
      daysPastDue: 0,
      due: {
        principal: { amount: '0' },
        interest: { amount: '0' },
        penalty: { amount: '0' },
        fee: { amount: '0' },
      },
    });
    const history = (await get(`/${loanId}/history`)) as { events: { type: string }[] };
    expect(history.events.map((e) => e.type)).toContain('LoanLateChargesWaived');
    const statement = (await get(`/${loanId}/statement?from=2026-02-01&to=2026-03-02`)) as {
      lines: { kind: string; amount: { amount: string } }[];
    };
    // Whichever of the two went first, every charge on the statement is waived.
    const total = (kinds: string[]) =>
      statement.lines
        .filter((l) => kinds.includes(l.kind))
        .reduce((sum, l) => sum + BigInt(l.amount.amount), 0n);
    expect(total(['fee', 'penalty'])).toBeGreaterThanOrEqual(25_888n);
    expect(total(['waiver'])).toBe(total(['fee', 'penalty']));
    await h.closeDays('2026-03-03', '2026-03-03');
    expect(await get(`/${loanId}`)).toMatchObject({ kolektibilitas: 'L', daysPastDue: 0 });
  });
});
