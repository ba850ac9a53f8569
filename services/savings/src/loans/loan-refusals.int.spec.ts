import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { catalog, type EventName } from '@kopfed/contracts';
import { publicEventEncoder } from '@kopfed/messaging';
import { toPublic } from '../public-events';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';
import { loanDebitRefusalStream } from './loan-debit-refusals';
import { loanHoldRefusalStream, withLoanRefusals } from './loan-hold-refusals';

/**
 * The loan events savings cannot or need not act on, fed as the loan service's contract events
 * (not its code): a refused hold is told to the loan, other refusals are dead-lettered, and
 * neither changes the account; nothing to do is no error.
 */
const base = `/api/savings/v1/coops/${COOPS.A}`;
const as = (token: string) => ({ Authorization: `Bearer ${token}` });
const LOAN = { loanId: 'loan-1', coopId: COOPS.A, memberId: 'm-1', productCode: 'PINJAMAN' };

let h: SavingsHarness;
beforeAll(async () => {
  h = await savingsHarness();
  await request(h.app)
    .post(`${base}/products`)
    .set(as(h.keys.coopA))
    .send(PRODUCTS.SUKARELA)
    .expect(201);
  await h.joinPerson(COOPS.A, 'm-1');
  await h.joinPerson(COOPS.A, 'm-2');
  for (const [accountId, memberId] of [
    ['acc-m1', 'm-1'],
    ['acc-m2', 'm-2'],
  ]) {
    await request(h.app)
      .post(`${base}/accounts`)
      .set(as(h.keys.coopA))
      .send({ accountId, memberId, productCode: 'SUKARELA' })
      .expect(201);
    await request(h.app)
      .post(`${base}/accounts/${accountId}/deposits`)
      .set(as(h.keys.coopA))
      .send({ amount: idr(1_000_000) })
      .expect(200);
  }
});
afterAll(() => h.close());

/** Publishes a loan event on the loan topic; resolves once savings handled (or dead-lettered) it. */
async function loanEvent(name: EventName, data: object, id = uuidv7()): Promise<void> {
  const envelope = catalog.toEnvelope(name, {
    id,
    subject: LOAN.loanId,
    time: h.now().toISOString(),
    businessDate: '2026-03-10',
    data: { ...LOAN, ...data } as never,
  });
  await h.bus.publish(catalog.topicOf('loan'), [
    { key: envelope.subject, value: JSON.stringify(envelope) },
  ]);
}

/**
 * What the relay publishes for the refusal of hold (or, with `loanDebitRefusalStream`, debit) request
 * `requestId`, if savings recorded one.
 */
async function refusalOf(
  requestId: string,
  stream = loanHoldRefusalStream,
): Promise<{ name: string; subject: string; data: Record<string, unknown> } | undefined> {
  const [recorded, ...more] = await h.store.readStream(stream(requestId));
  expect(more).toEqual([]);
  if (!recorded) return undefined;
  const message = publicEventEncoder(catalog, withLoanRefusals(toPublic))(recorded, undefined);
  const envelope = JSON.parse(message!.value) as {
    type: string;
    subject: string;
    data: Record<string, unknown>;
  };
  return { name: envelope.type, subject: envelope.subject, data: envelope.data };
}

const account = async (accountId: string) =>
  (await request(h.app).get(`${base}/accounts/${accountId}`).set(as(h.keys.coopA))).body as {
    balance: { amount: string };
    availableBalance: { amount: string };
    holds: { holdId: string; amount: { amount: string } }[];
  };

const disbursed = (via: object) => ({
  borrower: { kind: 'person' },
  origin: 'kopfed',
  principal: idr(2_000_000),
  fee: idr(20_000),
  netAmount: idr(1_980_000),
  via,
  method: 'ANNUITY',
  annualRatePercent: '12',
  termMonths: 12,
  graceMonths: 0,
  firstDueDate: '2026-04-10',
  maturityDate: '2027-03-10',
  disbursedOn: '2026-03-10',
});
const savingsOf = (savingsAccountId: string) => ({
  kind: 'savings',
  savingsAccountId,
  productCode: 'SUKARELA',
});

describe('loan events savings refuses or passes over', () => {
  it.each([
    ['another member’s account', 'acc-m2'],
    ['an account that does not exist', 'acc-none'],
  ])('dead-letters a payout into %s and credits nothing', async (_name, accountId) => {
    const dead = h.bus.deadLetters().length;
    await loanEvent('LoanDisbursed', disbursed(savingsOf(accountId)));
    expect(h.bus.deadLetters().length).toBe(dead + 1);
    expect((await account('acc-m2')).balance).toEqual(idr(1_000_000));
  });

  it('does nothing for a payout to cash', async () => {
    const dead = h.bus.deadLetters().length;
    await loanEvent('LoanDisbursed', disbursed({ kind: 'cash' }));
    expect(h.bus.deadLetters().length).toBe(dead);
    expect((await account('acc-m1')).balance).toEqual(idr(1_000_000));
  });

  it('tells the loan of a hold the available balance cannot cover, once, placing none', async () => {
    const dead = h.bus.deadLetters().length;
    const head = await h.store.headPosition();
    const request = {
      holdId: 'loan-1',
      savingsAccountId: 'acc-m1',
      amount: idr(990_001),
      requestedOn: '2026-03-10',
    };
    const id = uuidv7();
    await loanEvent('LoanCollateralHoldRequested', request, id);
    expect(h.bus.deadLetters().length).toBe(dead);
    expect((await account('acc-m1')).holds).toEqual([]);
    expect(await refusalOf(id)).toEqual({
      name: 'kopfed.savings.SavingsHoldRefused.v1',
      subject: 'acc-m1',
      data: {
        coopId: COOPS.A,
        accountId: 'acc-m1',
        memberId: 'm-1',
        loanId: 'loan-1',
        holdId: 'loan-1',
        amount: idr(990_001),
        reason: 'insufficient-funds',
        detail: expect.stringContaining('990000 rupiah can be taken') as string,
        businessDate: '2026-03-10',
      },
    });
    // Delivered again: refused again, reported once; the account's stream is untouched.
    await loanEvent('LoanCollateralHoldRequested', request, id);
    expect(h.bus.deadLetters().length).toBe(dead);
    expect(await h.store.headPosition()).toBe(head + 1);
    // Released before any hold was placed: nothing to release, and no error.
    await loanEvent('LoanCollateralHoldReleased', {
      holdId: null,
      savingsAccountId: 'acc-m1',
      released: idr(0),
      releasedOn: '2026-03-10',
    });
    expect(h.bus.deadLetters().length).toBe(dead);
  });

  it.each([
    ['another member’s account', 'acc-m2', 'not-borrowers-account'],
    ['an account that does not exist', 'acc-none', 'account-not-found'],
  ])('tells the loan of a hold on %s, placing none', async (_name, accountId, reason) => {
    const dead = h.bus.deadLetters().length;
    const id = uuidv7();
    await loanEvent(
      'LoanCollateralHoldRequested',
      {
        holdId: 'loan-1',
        savingsAccountId: accountId,
        amount: idr(1_000),
        requestedOn: '2026-03-10',
      },
      id,
    );
    expect(h.bus.deadLetters().length).toBe(dead);
    expect((await refusalOf(id))?.data).toMatchObject({ accountId, loanId: 'loan-1', reason });
    expect((await account('acc-m2')).holds).toEqual([]);
  });

  it('retries a hold that failed for want of the store, then dead-letters it, telling the loan nothing', async () => {
    const dead = h.bus.deadLetters().length;
    const append = jest
      .spyOn(h.savings.accounts.store, 'append')
      .mockRejectedValue(new Error('disk I/O error'));
    const id = uuidv7();
    let attempts: number;
    try {
      await loanEvent(
        'LoanCollateralHoldRequested',
        {
          holdId: 'loan-1',
          savingsAccountId: 'acc-m1',
          amount: idr(1_000),
          requestedOn: '2026-03-10',
        },
        id,
      );
    } finally {
      attempts = append.mock.calls.length;
      append.mockRestore();
    }
    expect(attempts).toBeGreaterThan(1);
    expect(h.bus.deadLetters().length).toBe(dead + 1);
    expect(await refusalOf(id)).toBeUndefined();
    expect((await account('acc-m1')).holds).toEqual([]);
  });

  it('refuses to grow a hold; shrinking it to nothing releases it', async () => {
    await loanEvent('LoanCollateralHoldRequested', {
      holdId: 'loan-1',
      savingsAccountId: 'acc-m1',
      amount: idr(400_000),
      requestedOn: '2026-03-10',
    });
    expect((await account('acc-m1')).holds).toMatchObject([
      { holdId: 'loan-1', amount: idr(400_000) },
    ]);
    const dead = h.bus.deadLetters().length;
    const reduced = (amount: number) => ({
      holdId: 'loan-1',
      savingsAccountId: 'acc-m1',
      amount: idr(amount),
      released: idr(1),
      reducedOn: '2026-03-10',
    });
    await loanEvent('LoanCollateralHoldReduced', reduced(400_001));
    expect(h.bus.deadLetters().length).toBe(dead + 1);
    await loanEvent('LoanCollateralHoldReduced', reduced(0));
    const released = await account('acc-m1');
    expect(released.holds).toEqual([]);
    expect(released.availableBalance).toEqual(idr(1_000_000));
  });

  it('lifts the hold named by the loan when its placement was never reported (holdId null)', async () => {
    // Another loan: a hold id is used once, and loan-1's hold was released above.
    await loanEvent('LoanCollateralHoldRequested', {
      loanId: 'loan-2',
      holdId: 'loan-2',
      savingsAccountId: 'acc-m1',
      amount: idr(300_000),
      requestedOn: '2026-03-10',
    });
    expect((await account('acc-m1')).availableBalance).toEqual(idr(700_000));
    await loanEvent('LoanCollateralHoldReleased', {
      loanId: 'loan-2',
      holdId: null,
      savingsAccountId: 'acc-m1',
      released: idr(0),
      releasedOn: '2026-03-10',
    });
    expect((await account('acc-m1')).holds).toEqual([]);
  });

  it('debits a recovery on a written-off loan taken from savings', async () => {
    await loanEvent('LoanRecovered', {
      amount: idr(100_000),
      via: savingsOf('acc-m1'),
      recoveredOn: '2026-03-10',
    });
    expect((await account('acc-m1')).balance).toEqual(idr(900_000));
  });
});

describe('a loan paid into savings after the day it was disbursed', () => {
  it('is credited on the loan’s disbursement date, as the loan’s books post it', async () => {
    // Delivered the next morning (the bus was down overnight), 09:00 in Jakarta on 11 March.
    h.setNow('2026-03-11T02:00:00.000Z');
    try {
      const before = await account('acc-m1');
      await loanEvent('LoanDisbursed', disbursed(savingsOf('acc-m1')));
      const paid = BigInt(before.balance.amount) + 1_980_000n;
      expect((await account('acc-m1')).balance).toEqual(idr(paid));
      const statement = await request(h.app)
        .get(`${base}/accounts/acc-m1/statement?from=2026-03-10&to=2026-03-11`)
        .set(as(h.keys.coopA))
        .expect(200);
      expect(statement.body.lines.at(-1)).toMatchObject({
        businessDate: '2026-03-10',
        amount: idr(1_980_000),
        reference: 'loan loan-1 disbursed',
      });
      const effective = await request(h.app)
        .get(`${base}/accounts/acc-m1/balance?on=2026-03-10`)
        .set(as(h.keys.coopA))
        .expect(200);
      expect(effective.body.balance).toEqual(idr(paid));
    } finally {
      h.setNow('2026-03-10T03:00:00.000Z');
    }
  });
});

describe('a loan repaid from savings after the day it was paid', () => {
  const repaid = (amount: number, paidOn: string) => ({
    amount: idr(amount),
    via: savingsOf('acc-m1'),
    principal: idr(amount),
    prepaidPrincipal: idr(0),
    interest: idr(0),
    accruedInterest: idr(0),
    penalty: idr(0),
    fee: idr(0),
    outstandingPrincipal: idr(1_000_000),
    paidOn,
    externalId: null,
  });
  const lines = async (from: string, to: string) =>
    (
      await request(h.app)
        .get(`${base}/accounts/acc-m1/statement?from=${from}&to=${to}`)
        .set(as(h.keys.coopA))
        .expect(200)
    ).body.lines as { businessDate: string; amount: { amount: string }; reference: string }[];
  const balanceOn = async (on: string) =>
    BigInt(
      (
        (
          await request(h.app)
            .get(`${base}/accounts/acc-m1/balance?on=${on}`)
            .set(as(h.keys.coopA))
            .expect(200)
        ).body as { balance: { amount: string } }
      ).balance.amount,
    );

  beforeAll(() => h.setNow('2026-03-12T02:00:00.000Z'));
  afterAll(() => h.setNow('2026-03-10T03:00:00.000Z'));

  it('is debited on the repayment’s date, after that day’s close of business, once however often it arrives', async () => {
    // Savings closed 11 March before the message came: the debit still belongs to that day.
    await h.savings.closeOfBusiness('2026-03-10');
    await h.savings.closeOfBusiness('2026-03-11');
    const before = BigInt((await account('acc-m1')).balance.amount);
    const closingOn11 = await balanceOn('2026-03-11');
    const dead = h.bus.deadLetters().length;
    const id = uuidv7();
    await loanEvent('LoanRepaid', repaid(200_000, '2026-03-11'), id);
    expect((await account('acc-m1')).balance).toEqual(idr(before - 200_000n));
    expect((await lines('2026-03-11', '2026-03-12')).at(-1)).toMatchObject({
      businessDate: '2026-03-11',
      reference: 'loan loan-1 repaid',
    });
    expect(await balanceOn('2026-03-11')).toBe(closingOn11 - 200_000n);
    expect(await balanceOn('2026-03-10')).toBe(closingOn11);

    // The bus delivers it again: nothing more is taken.
    await loanEvent('LoanRepaid', repaid(200_000, '2026-03-11'), id);
    expect((await account('acc-m1')).balance).toEqual(idr(before - 200_000n));
    expect(h.bus.deadLetters().length).toBe(dead);
  });

  it('debits a recovery taken from savings on the day the loan recovered it', async () => {
    const before = BigInt((await account('acc-m1')).balance.amount);
    await loanEvent('LoanRecovered', {
      amount: idr(30_000),
      via: savingsOf('acc-m1'),
      recoveredOn: '2026-03-11',
    });
    expect((await account('acc-m1')).balance).toEqual(idr(before - 30_000n));
    expect((await lines('2026-03-11', '2026-03-12')).at(-1)).toMatchObject({
      businessDate: '2026-03-11',
      reference: 'loan loan-1 recovered',
    });
  });

  it('tells the loan of a repayment dated before the account opened, debiting nothing', async () => {
    const before = await account('acc-m1');
    const dead = h.bus.deadLetters().length;
    const id = uuidv7();
    await loanEvent('LoanRepaid', repaid(100_000, '2026-03-09'), id);
    expect(h.bus.deadLetters().length).toBe(dead);
    expect((await refusalOf(id, loanDebitRefusalStream))?.data).toMatchObject({
      request: 'LoanRepaid',
      requestId: id,
      requestedOn: '2026-03-09',
      reason: 'before-opening',
    });
    expect(await account('acc-m1')).toEqual(before);
  });

  it('tells the loan of a repayment the available balance cannot cover, once, debiting nothing', async () => {
    const before = await account('acc-m1');
    const dead = h.bus.deadLetters().length;
    const id = uuidv7();
    const tooMuch = BigInt(before.availableBalance.amount) + 1n;
    await loanEvent('LoanRepaid', repaid(Number(tooMuch), '2026-03-11'), id);
    expect(h.bus.deadLetters().length).toBe(dead);
    expect(await account('acc-m1')).toEqual(before);
    expect(await refusalOf(id, loanDebitRefusalStream)).toEqual({
      name: 'kopfed.savings.SavingsDebitRefused.v1',
      subject: 'acc-m1',
      data: {
        coopId: COOPS.A,
        accountId: 'acc-m1',
        memberId: 'm-1',
        loanId: 'loan-1',
        request: 'LoanRepaid',
        requestId: id,
        amount: idr(tooMuch),
        requestedOn: '2026-03-11',
        reason: 'insufficient-funds',
        detail: expect.stringContaining('rupiah can be taken') as string,
        businessDate: '2026-03-12',
      },
    });
    // Delivered again: refused again, reported once.
    const head = await h.store.headPosition();
    await loanEvent('LoanRepaid', repaid(Number(tooMuch), '2026-03-11'), id);
    expect(h.bus.deadLetters().length).toBe(dead);
    expect(await h.store.headPosition()).toBe(head);
    expect(await account('acc-m1')).toEqual(before);
  });

  it('tells the loan of a recovery from another member’s account, debiting nothing', async () => {
    const other = await account('acc-m2');
    const id = uuidv7();
    await loanEvent(
      'LoanRecovered',
      { amount: idr(10_000), via: savingsOf('acc-m2'), recoveredOn: '2026-03-11' },
      id,
    );
    expect((await refusalOf(id, loanDebitRefusalStream))?.data).toMatchObject({
      accountId: 'acc-m2',
      request: 'LoanRecovered',
      reason: 'not-borrowers-account',
    });
    expect(await account('acc-m2')).toEqual(other);
  });

  it('retries a repayment that failed for want of the store, then dead-letters it, telling the loan nothing', async () => {
    const before = await account('acc-m1');
    const dead = h.bus.deadLetters().length;
    const append = jest
      .spyOn(h.savings.accounts.store, 'append')
      .mockRejectedValue(new Error('disk I/O error'));
    const id = uuidv7();
    try {
      await loanEvent('LoanRepaid', repaid(1_000, '2026-03-11'), id);
    } finally {
      append.mockRestore();
    }
    expect(h.bus.deadLetters().length).toBe(dead + 1);
    expect(await refusalOf(id, loanDebitRefusalStream)).toBeUndefined();
    expect(await account('acc-m1')).toEqual(before);
  });

  it('dates a repayment the loan’s clock put after savings’ today on savings’ today', async () => {
    const before = BigInt((await account('acc-m1')).balance.amount);
    await loanEvent('LoanRepaid', repaid(50_000, '2026-03-13'));
    expect((await account('acc-m1')).balance).toEqual(idr(before - 50_000n));
    expect((await lines('2026-03-12', '2026-03-13')).at(-1)).toMatchObject({
      businessDate: '2026-03-12',
      reference: 'loan loan-1 repaid',
    });
  });
});
