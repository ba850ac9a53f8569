import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { catalog } from '@kopfed/contracts';
import { toPublic } from '../public-events';
import { loanStream } from '../shared/streams';
import { activeLoan, API, COOPS, loanHarness, type LoanHarness } from '../testing/harness';

/**
 * A repayment from savings is booked when the loan asks savings to debit the account; when
 * savings refuses the debit (SavingsDebitRefused), the loan takes the repayment back.
 */
describe('repayments from savings the savings service refused to debit', () => {
  let h: LoanHarness;
  const loans = `${API}/coops/${COOPS.A}/loans`;
  const fromSavings = { kind: 'savings', savingsAccountId: 'sav-1', productCode: 'SUKARELA' };
  const get = async (path: string) =>
    (await request(h.app).get(`${loans}${path}`).set(h.as(h.fx.keys.coopA)).expect(200)).body;
  const repay = (loanId: string, amount: string, via: object = fromSavings) =>
    request(h.app)
      .post(`${loans}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .send({ amount: { amount, currency: 'IDR' }, via })
      .expect(200);
  /** The ids of the loan's LoanRepaid events, oldest first: the messages savings answers. */
  const repaymentIds = async (loanId: string) =>
    (await h.store.readStream(loanStream(loanId)))
      .filter((e) => e.type === 'LoanRepaid')
      .map((e) => e.id);
  const refused = (loanId: string, requestId: string, amount: string, accountId = 'sav-1') => ({
    coopId: COOPS.A,
    accountId,
    memberId: 'm-a1',
    loanId,
    request: 'LoanRepaid',
    requestId,
    amount: { amount, currency: 'IDR' },
    requestedOn: h.today(),
    reason: 'insufficient-funds',
    detail: 'Only 100000 rupiah can be taken (available 110000, minimum balance 10000).',
    businessDate: h.today(),
  });
  /** SavingsDebitRefused as savings publishes it, under envelope id `id`. */
  async function savingsRefused(data: object, id = uuidv7()): Promise<void> {
    const envelope = catalog.toEnvelope('SavingsDebitRefused', {
      id,
      subject: 'sav-1',
      time: new Date().toISOString(),
      businessDate: h.today(),
      data: data as never,
    });
    await h.bus.publish(catalog.topicOf('savings'), [
      { key: envelope.subject, value: JSON.stringify(envelope) },
    ]);
  }
  const parts = (loan: Record<string, unknown>) => ({
    status: loan.status,
    outstandingPrincipal: loan.outstandingPrincipal,
    due: loan.due,
    daysPastDue: loan.daysPastDue,
    kolektibilitas: loan.kolektibilitas,
    closedOn: loan.closedOn,
  });

  beforeEach(async () => {
    h = await loanHarness('2026-01-31');
    await h.federation();
  });
  afterEach(() => h.close());

  it('takes back a refused repayment of arrears and more: owed again, schedule and class as before, once', async () => {
    const loanId = await activeLoan(h);
    // The same loan, never repaid: what the refused one owes once its repayment is taken back.
    const twin = await activeLoan(h);
    // Installment 1 (due 2026-02-28) is 5 days past due after the close of 2026-03-05: DPK.
    await h.closeDays('2026-02-01', '2026-03-04');
    h.setToday('2026-03-05');
    const before = await get(`/${loanId}`);
    const scheduleBefore = await get(`/${loanId}/schedule`);
    expect(before).toMatchObject({ kolektibilitas: 'DPK', daysPastDue: 5 });

    // Pays the arrears and prepays: the schedule is recomputed, and the day's close makes it L.
    await repay(loanId, '2000000');
    await h.closeDays('2026-03-05', '2026-03-05');
    h.setToday('2026-03-05');
    expect(await get(`/${loanId}`)).toMatchObject({ kolektibilitas: 'L', daysPastDue: 0 });
    expect(await get(`/${loanId}/schedule`)).not.toEqual(scheduleBefore);
    const [repaymentId] = await repaymentIds(loanId);

    const message = uuidv7();
    await savingsRefused(refused(loanId, repaymentId!, '2000000'), message);
    const after = await get(`/${loanId}`);
    // As before it, and charged the day's penalty the close of 2026-03-05 left out.
    expect(parts(after)).toEqual(parts(await get(`/${twin}`)));
    expect(BigInt(after.due.penalty.amount)).toBeGreaterThan(BigInt(before.due.penalty.amount));
    expect({ ...parts(after), due: null }).toEqual({ ...parts(before), due: null });
    expect(after.failedRepayments).toEqual([
      {
        repaymentId,
        amount: { amount: '2000000', currency: 'IDR' },
        paidOn: '2026-03-05',
        reason: 'insufficient-funds',
        detail: expect.stringContaining('100000 rupiah') as string,
        refusedOn: '2026-03-05',
        reversed: true,
        kind: 'repayment',
      },
    ]);
    expect(await get(`/${loanId}/schedule`)).toEqual(scheduleBefore);

    // The books hear the repayment's mirror: the same parts, funds and date.
    const events = await h.store.readStream(loanStream(loanId));
    const repaid = toPublic(events.find((e) => e.id === repaymentId)!)!;
    const reversal = toPublic(events.find((e) => e.type === 'LoanRepaymentReversed')!)!;
    const {
      outstandingPrincipal: _o,
      externalId: _x,
      ...repaidParts
    } = repaid.data as Record<string, unknown>;
    expect(reversal).toMatchObject({
      name: 'LoanRepaymentReversed',
      data: {
        ...repaidParts,
        repaymentId,
        outstandingPrincipal: { amount: '10000000', currency: 'IDR' },
        reason: 'insufficient-funds',
        reversedOn: '2026-03-05',
      },
    });

    // Delivered again, or refused again in another message: nothing more.
    const revision = (await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA)))
      .headers.etag;
    await savingsRefused(refused(loanId, repaymentId!, '2000000'), message);
    await savingsRefused(refused(loanId, repaymentId!, '2000000'));
    const again = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(again.headers.etag).toBe(revision);
    expect(h.bus.deadLetters()).toEqual([]);
  });

  it('charges what the closes since the refused repayment left out: late fee, penalties, class', async () => {
    const loanId = await activeLoan(h);
    const twin = await activeLoan(h);
    await h.closeDays('2026-02-01', '2026-02-27');
    h.setToday('2026-02-28');
    // Installment 1 paid from savings on its due date; three closes after it count it paid.
    const due = (await get(`/${loanId}`)).nextInstallment as { amount: { amount: string } };
    await repay(loanId, due.amount.amount);
    await h.closeDays('2026-02-28', '2026-03-03');
    h.setToday('2026-03-04');
    expect(await get(`/${loanId}`)).toMatchObject({ kolektibilitas: 'L', daysPastDue: 0 });
    const [repaymentId] = await repaymentIds(loanId);

    await savingsRefused(refused(loanId, repaymentId!, due.amount.amount));
    const after = await get(`/${loanId}`);
    const never = await get(`/${twin}`);
    expect(never).toMatchObject({ kolektibilitas: 'DPK', daysPastDue: 4 });
    expect(BigInt(never.due.penalty.amount)).toBeGreaterThan(0n);
    expect(parts(after)).toEqual(parts(never));
    expect(after.provision).toEqual(never.provision);

    // The late fee and each day's penalty are the loan's own charges, heard as any close's.
    const events = await h.store.readStream(loanStream(loanId));
    const charges = events.slice(events.findIndex((e) => e.type === 'LoanRepaymentReversed'));
    expect(charges.map((e) => toPublic(e)?.name).filter(Boolean)).toEqual([
      'LoanRepaymentReversed',
      'LoanFeeCharged',
      'LoanPenaltyCharged',
      'LoanPenaltyCharged',
      'LoanPenaltyCharged',
      'LoanReclassified',
      'LoanProvisionAdded',
    ]);
    const statement = await get(`/${loanId}/statement?from=2026-03-01&to=2026-03-04`);
    expect(statement.lines.map((l: { kind: string }) => l.kind)).toEqual(
      expect.arrayContaining(['fee', 'penalty']),
    );

    // The next close charges the next day as for the loan never repaid.
    await h.closeDays('2026-03-04', '2026-03-04');
    h.setToday('2026-03-05');
    expect(parts(await get(`/${loanId}`))).toEqual(parts(await get(`/${twin}`)));
  });

  it('reopens a loan a refused payoff had closed, owing all it owed', async () => {
    const loanId = await activeLoan(h);
    const before = await get(`/${loanId}`);
    const scheduleBefore = await get(`/${loanId}/schedule`);
    await repay(loanId, (before.payoffAmount as { amount: string }).amount);
    expect(await get(`/${loanId}`)).toMatchObject({ status: 'closed' });
    const [repaymentId] = await repaymentIds(loanId);

    await savingsRefused(
      refused(loanId, repaymentId!, (before.payoffAmount as { amount: string }).amount),
    );
    const after = await get(`/${loanId}`);
    expect(parts(after)).toEqual(parts(before));
    expect(after).toMatchObject({ status: 'active', closedOn: null });
    expect(await get(`/${loanId}/schedule`)).toEqual(scheduleBefore);
    const statement = await get(`/${loanId}/statement?from=2026-01-31&to=2026-01-31`);
    expect(statement.lines.map((l: { kind: string }) => l.kind)).toEqual([
      'disbursement',
      'repayment',
      'repayment_reversed',
    ]);
    expect(statement.closingPrincipal).toEqual({ amount: '10000000', currency: 'IDR' });
  });

  it('records, and leaves for staff, a refused repayment a later one was allocated over', async () => {
    const loanId = await activeLoan(h);
    await repay(loanId, '500000');
    await repay(loanId, '300000', { kind: 'cash' });
    const before = await get(`/${loanId}`);
    const [first] = await repaymentIds(loanId);

    await savingsRefused(refused(loanId, first!, '500000'));
    const after = await get(`/${loanId}`);
    expect(parts(after)).toEqual(parts(before));
    expect(after.failedRepayments).toMatchObject([
      { repaymentId: first, reason: 'insufficient-funds', reversed: false },
    ]);
    const history = (await get(`/${loanId}/history`)) as { events: { type: string }[] };
    expect(history.events.at(-1)?.type).toBe('LoanRepaymentFailed');
  });

  it('takes back a written-off loan’s recovery savings refused: the claim is open by it again', async () => {
    const loanId = await activeLoan(h);
    await h.closeDays('2026-02-01', '2026-07-31');
    h.setToday('2026-07-31');
    await request(h.app)
      .post(`${loans}/${loanId}/write-off`)
      .set(h.as(h.fx.keys.coopA))
      .send({ reason: 'macet' })
      .expect(200);
    const before = await get(`/${loanId}`);
    await request(h.app)
      .post(`${loans}/${loanId}/recoveries`)
      .set(h.as(h.fx.keys.coopA))
      .send({ amount: { amount: '400000', currency: 'IDR' }, via: fromSavings })
      .expect(200);
    const recoveryId = (await h.store.readStream(loanStream(loanId))).find(
      (e) => e.type === 'LoanRecovered',
    )!.id;
    await savingsRefused({
      ...refused(loanId, recoveryId, '400000'),
      request: 'LoanRecovered',
    });
    const after = await get(`/${loanId}`);
    expect(after.writtenOff).toEqual(before.writtenOff);
    expect(after.failedRepayments).toEqual([
      expect.objectContaining({ kind: 'recovery', repaymentId: recoveryId, reversed: true }),
    ]);
    const events = await h.store.readStream(loanStream(loanId));
    expect(toPublic(events.at(-1)!)).toMatchObject({
      name: 'LoanRecoveryReversed',
      data: { recoveryId, amount: { amount: '400000', currency: 'IDR' }, via: fromSavings },
    });
  });

  it('ignores a refusal of a repayment the loan has no record of, or of another account', async () => {
    const loanId = await activeLoan(h);
    await repay(loanId, '500000');
    const [repaymentId] = await repaymentIds(loanId);
    const revision = (await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA)))
      .headers.etag;
    await savingsRefused(refused(loanId, uuidv7(), '500000'));
    await savingsRefused(refused(loanId, repaymentId!, '500000', 'sav-9'));
    await savingsRefused(refused('loan-unknown', repaymentId!, '500000'));
    const after = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(after.headers.etag).toBe(revision);
    expect(after.body.failedRepayments).toEqual([]);
    expect(h.bus.deadLetters()).toEqual([]);
  });
});
