import request from 'supertest';
import { activeLoan, API, COOPS, loanHarness, type LoanHarness } from '../testing/harness';
import { addDays } from '../shared/dates';
import { loanStream } from '../shared/streams';
import { loanModule } from '../module';

/**
 * Issue 7's acceptance: a loan that misses its payments walks through every kolektibilitas
 * class as close of business runs day by day, its provision follows the policy table, and
 * paying the arrears brings it back.
 */
describe('close of business', () => {
  let h: LoanHarness;
  let loanId: string;
  const get = async () =>
    (
      await request(h.app)
        .get(`${API}/coops/${COOPS.A}/loans/${loanId}`)
        .set(h.as(h.fx.keys.coopA))
        .expect(200)
    ).body as {
      kolektibilitas: string;
      provision: { amount: string };
      outstandingPrincipal: { amount: string };
      daysPastDue: number;
      due: Record<'principal' | 'interest' | 'penalty' | 'fee', { amount: string }>;
      accruedInterest: { amount: string };
    };
  const portfolio = async () =>
    (
      await request(h.app)
        .get(`${API}/coops/${COOPS.P}/portfolio?consolidated=true`)
        .set(h.as(h.fx.keys.treasurerP))
        .expect(200)
    ).body as {
      nplRatioPercent: string | null;
      provisionRequired: { amount: string };
      ageing: { bucket: string; loans: number }[];
    };

  beforeAll(async () => {
    h = await loanHarness('2026-01-31');
    await h.federation();
    loanId = await activeLoan(h);
  });
  afterAll(() => h.close());

  // Installment 1 is due 2026-02-28 and never paid: days past due count from there.
  const walk: [string, string, string, number][] = [
    ['2026-02-28', 'L', '50000', 0],
    ['2026-03-01', 'DPK', '300000', 1],
    ['2026-05-29', 'DPK', '300000', 90],
    ['2026-05-30', 'KL', '1000000', 91],
    ['2026-06-28', 'KL', '1000000', 120],
    ['2026-06-29', 'D', '5000000', 121],
    ['2026-08-27', 'D', '5000000', 180],
    ['2026-08-28', 'M', '10000000', 181],
  ];

  it('walks L → DPK → KL → D → M day by day, provisioning by the policy table', async () => {
    let from = '2026-01-31';
    for (const [date, kolektibilitas, provision, daysPastDue] of walk) {
      await h.closeDays(from, date);
      from = addDays(date, 1);
      h.setToday(date);
      const loan = await get();
      expect({
        date,
        kolektibilitas: loan.kolektibilitas,
        provision: loan.provision.amount,
        daysPastDue: loan.daysPastDue,
      }).toEqual({
        date,
        kolektibilitas,
        provision,
        daysPastDue,
      });
    }
    const p = await portfolio();
    expect(p.nplRatioPercent).toBe('100.00');
    expect(p.provisionRequired.amount).toBe('10000000');
    expect(p.ageing.find((b) => b.bucket === 'over-180')?.loans).toBe(1);
  });

  it('stopped accruing interest when the loan became non-performing', async () => {
    const events = await h.store.readStream(loanStream(loanId));
    const accruals = events.filter((e) => e.type === 'LoanInterestAccrued');
    expect(accruals.at(-1)!.businessDate < '2026-05-30').toBe(true);
    const loan = await get();
    expect(BigInt(loan.accruedInterest.amount)).toBeGreaterThan(0n);
  });

  it('is idempotent per business date and refuses to go back in time', async () => {
    h.setToday('2026-08-29');
    const before = await h.store.headPosition();
    const again = await h.instance.closeOfBusiness!('2026-08-28');
    expect(again).toMatchObject({ businessDate: '2026-08-28', alreadyClosed: true });
    expect(await h.store.headPosition()).toBe(before);
    const back = await request(h.app)
      .post(`${API}/close-of-business`)
      .set(h.as(h.fx.keys.admin))
      .send({ businessDate: '2026-01-15' })
      .expect(409);
    expect(back.body.code).toBe('close_of_business_out_of_order');
    await request(h.app)
      .post(`${API}/close-of-business`)
      .set(h.as(h.fx.keys.treasurerP))
      .send({ businessDate: '2026-08-28' })
      .expect(403);
  });

  it('refuses a date that has not ended, today included, and changes nothing', async () => {
    h.setToday('2026-08-29');
    const before = await h.store.headPosition();
    for (const businessDate of ['2026-08-29', '2026-09-30']) {
      const early = await request(h.app)
        .post(`${API}/close-of-business`)
        .set(h.as(h.fx.keys.admin))
        .send({ businessDate })
        .expect(422);
      expect(early.body.code).toBe('business_date_not_over');
      expect(early.body.errors[0].pointer).toBe('/businessDate');
      expect(early.body.detail).toContain('2026-08-29');
      // The node's own call is refused alike: the nightly run only ever asks for ended dates.
      await expect(h.instance.closeOfBusiness!(businessDate)).rejects.toMatchObject({
        code: 'business_date_not_over',
      });
    }
    expect(await h.store.headPosition()).toBe(before);
    expect(await h.instance.lastClosedBusinessDate!()).toBe('2026-08-28');
  });

  it('comes back to Lancar once the arrears are paid', async () => {
    h.setToday('2026-08-29');
    const loan = await get();
    const arrears = Object.values(loan.due).reduce((sum, m) => sum + BigInt(m.amount), 0n);
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loans/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .send({ amount: { amount: arrears.toString(), currency: 'IDR' }, via: { kind: 'cash' } })
      .expect(200);
    await h.closeDays('2026-08-29', '2026-08-29');
    h.setToday('2026-08-29');
    const back = await get();
    expect(back.kolektibilitas).toBe('L');
    expect(back.daysPastDue).toBe(0);
    // 0.5% of what is still outstanding (installments 8–12), half-up.
    const outstanding = BigInt(back.outstandingPrincipal.amount);
    expect(back.provision.amount).toBe(((outstanding * 5n + 500n) / 1000n).toString());
    expect((await portfolio()).nplRatioPercent).toBe('0.00');
  });

  it('rebuilds the loan book from the log exactly as it was', async () => {
    const rows = () =>
      h.store.database
        .prepare('SELECT * FROM loan_book JOIN loan_book_detail USING (loan_id) ORDER BY loan_id')
        .all();
    const before = rows();
    expect(before).toHaveLength(1);
    h.store.database.exec("DELETE FROM checkpoints WHERE name = 'projection:loan-book-v2'");
    h.store.database.exec('DELETE FROM loan_book; DELETE FROM loan_book_detail');
    // A fresh host over the same store replays the whole log into the book.
    const again = await loanHarnessOver(h);
    expect(rows()).toEqual(before);
    await again();
  });
});

/** Starts a second loan module over the same store; its book catches up from the checkpoint. */
async function loanHarnessOver(h: LoanHarness): Promise<() => Promise<void>> {
  const instance = await loanModule.create({
    store: h.store,
    readModels: h.store.database,
    coopDirectory: h.fx.directory,
    logger: h.fx.deps.logger,
    clock: () => new Date('2026-08-30T05:00:00Z'),
    dataDir: '/tmp',
    env: {},
  });
  await instance.start?.();
  return async () => instance.close?.();
}
