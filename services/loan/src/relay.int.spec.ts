import request from 'supertest';
import { catalog, type ReceivedEvent } from '@kopfed/contracts';
import { integrationEventHandler } from '@kopfed/messaging';
import { activeLoan, API, COOPS, loanHarness, type LoanHarness } from './testing/harness';

/** The host's relay publishes the loan service's public events as contract envelopes. */
describe('publishing loan events', () => {
  let h: LoanHarness;
  const received: ReceivedEvent[] = [];
  beforeAll(async () => {
    h = await loanHarness('2026-01-31');
    await h.bus.subscribe({
      topic: catalog.topicOf('loan'),
      group: 'test.books',
      handler: integrationEventHandler(catalog, (event) => void received.push(event)),
    });
    await h.federation();
  });
  afterAll(() => h.close());

  it('publishes disbursements, repayments and close-of-business events the books can post', async () => {
    const loanId = await activeLoan(h);
    h.setToday('2026-02-28');
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loans/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .send({
        amount: { amount: '888488', currency: 'IDR' },
        via: { kind: 'savings', savingsAccountId: 'sav-1', productCode: 'SUKARELA' },
      })
      .expect(200);
    await h.closeDays('2026-02-28', '2026-03-01');
    for (let wait = 0; wait < 200 && !received.some((e) => e.name === 'LoanProvisionAdded'); wait++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const names = received.map((e) => e.name);
    expect(names.slice(0, 2)).toEqual(['LoanDisbursed', 'LoanRepaid']);
    expect(names).toContain('LoanInterestAccrued');
    const repaid = received.find((e) => e.name === 'LoanRepaid')!;
    expect(repaid.envelope).toMatchObject({
      subject: loanId,
      coopid: COOPS.A,
      businessdate: '2026-02-28',
    });
    expect(repaid.data).toMatchObject({
      loanId,
      coopId: COOPS.A,
      memberId: 'm-a1',
      productCode: 'PINJAMAN',
      principal: { amount: '788488', currency: 'IDR' },
      interest: { amount: '100000', currency: 'IDR' },
      via: { kind: 'savings', savingsAccountId: 'sav-1' },
    });
    // February's interest was paid on its due date before any accrual; March's starts accruing
    // at the close of 1 March, on that business date.
    const accrued = received.find((e) => e.name === 'LoanInterestAccrued')!;
    expect(accrued.envelope.businessdate).toBe('2026-03-01');
    expect(accrued.data).toMatchObject({ accruedThrough: '2026-03-01' });
  });
});
