import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createNode, SERVICE_MODULES, type FederationNode } from '@kopfed/node';
import { createLogger } from '@kopfed/service-kit';
import { idr, PRODUCTS } from '../testing/savings-harness';
import { LoanConsumers, LOAN_HOLD_EXPIRY } from './loan-consumers';

/**
 * The loan service's events reaching savings through the whole node (member, savings, loan on
 * the in-process bus): a payout into savings, repayments from it, a secured loan's hold.
 */
const COOP = { A: 'lc-coop-a', P: 'lc-coop-p' } as const;
const TODAY = '2026-03-02';

interface AccountView {
  balance: { amount: string };
  availableBalance: { amount: string };
  holds: { holdId: string; amount: { amount: string }; reason: string; expiresAt: string }[];
}

interface LoanView {
  status: string;
  outstandingPrincipal: { amount: string; currency: string };
  payoffAmount: { amount: string; currency: string };
  due: Record<string, { amount: string; currency: string }>;
  failedRepayments: { amount: { amount: string }; reason: string; reversed: boolean }[];
  collateral: {
    held: { amount: string };
    holdId: string | null;
    refused: { reason: string; detail: string; refusedOn: string } | null;
  } | null;
}

describe('savings consumes the loan events (in the node)', () => {
  let node: FederationNode;
  const logs: { level: number; msg: string; code?: string }[] = [];
  const keys = { coopA: '', treasurerP: '', admin: '' };
  let now = new Date(`${TODAY}T03:00:00.000Z`);
  let memberId = '';
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const savings = `/api/savings/v1/coops/${COOP.A}`;
  const loans = `/api/loan/v1/coops/${COOP.A}/loans`;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kopfed-savings-loans-'));
    node = await createNode({
      dataDir,
      modules: SERVICE_MODULES.filter((m) => ['member', 'savings', 'loan'].includes(m.name)),
      clock: () => now,
      logger: createLogger(
        { level: 'info' },
        { write: (line: string) => void logs.push(JSON.parse(line) as (typeof logs)[number]) },
      ),
    });
    node.coopDirectory.setParent(COOP.A, COOP.P);
    const admin = node.bootstrap.created ? node.bootstrap.token : undefined;
    if (!admin) throw new Error('a fresh node hands out its admin key');
    keys.admin = admin;
    const key = async (role: string, coopId: string) =>
      (
        await request(node.app)
          .post('/api/access/v1/keys')
          .set(auth(admin))
          .send({ role, coopId })
          .expect(201)
      ).body.token as string;
    keys.coopA = await key('coop', COOP.A);
    keys.treasurerP = await key('treasurer', COOP.P);
    const member = (path: string, token: string, body: object) =>
      request(node.app).post(`/api/member/v1${path}`).set(auth(token)).send(body);
    await member('/coops', admin, coopBody(COOP.P, 'secondary', null)).expect(201);
    await member(`/coops/${COOP.P}/approval`, admin, { on: '2026-01-06' }).expect(200);
    await member(
      `/coops/${COOP.P}/member-coops`,
      keys.treasurerP,
      coopBody(COOP.A, 'primary', COOP.P),
    ).expect(201);
    await member(`/coops/${COOP.A}/approval`, keys.treasurerP, { on: '2026-01-07' }).expect(200);
    const joined = await member(`/coops/${COOP.A}/members`, keys.coopA, {
      kind: 'person',
      memberNumber: 'A-0001',
      joinedOn: '2026-02-01',
      person: {
        name: 'Siti Aminah',
        nik: '3374024502800001',
        birthDate: '1980-02-05',
        gender: 'female',
        address: { line: 'Jl. Pemuda 1', province: '33' },
      },
    }).expect(201);
    memberId = joined.body.memberId as string;
    await request(node.app)
      .post(`${savings}/products`)
      .set(auth(keys.coopA))
      .send(PRODUCTS.SUKARELA)
      .expect(201);
    // PINJAMAN is secured by a quarter of its principal in savings; TUNAI is not secured.
    for (const [code, collateralSharePercent] of [
      ['PINJAMAN', '25'],
      ['TUNAI', '0'],
    ] as const) {
      await request(node.app)
        .post(`/api/loan/v1/coops/${COOP.A}/loan-products/${code}/versions`)
        .set(auth(keys.coopA))
        .send({
          effectiveFrom: '2026-01-01',
          terms: {
            name: `Pinjaman ${code}`,
            method: 'ANNUITY',
            annualRatePercent: '12',
            minTermMonths: 1,
            maxTermMonths: 60,
            maxGraceMonths: 0,
            minPrincipal: idr(1_000_000),
            maxPrincipal: idr(50_000_000),
            disbursementFeePercent: '1',
            collateralSharePercent,
          },
        })
        .expect(201);
    }
  }, 60_000);
  afterAll(async () => {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Polls until `read` returns something `done` accepts (the relays carry events in ms). */
  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    let value = await read();
    for (let tries = 0; !done(value) && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      value = await read();
    }
    return value;
  }
  const account = async (accountId: string) =>
    (await request(node.app).get(`${savings}/accounts/${accountId}`).set(auth(keys.coopA)))
      .body as AccountView;
  const loan = async (loanId: string) =>
    (await request(node.app).get(`${loans}/${loanId}`).set(auth(keys.coopA))).body as LoanView;

  /** A sukarela account of the member with `deposit` rupiah in it. */
  async function savingsAccount(accountId: string, deposit: number): Promise<void> {
    const open = () =>
      request(node.app)
        .post(`${savings}/accounts`)
        .set(auth(keys.coopA))
        .send({ accountId, memberId, productCode: 'SUKARELA' });
    // The relay brings MemberJoined to savings a moment after the join is acknowledged.
    const opened = await eventually(open, (r) => r.status !== 422);
    expect(opened.status).toBe(201);
    await request(node.app)
      .post(`${savings}/accounts/${accountId}/deposits`)
      .set(auth(keys.coopA))
      .send({ amount: idr(deposit) })
      .expect(200);
  }

  /** Applies for a Rp10,000,000 loan (a PINJAMAN secured by `collateral`, else TUNAI) and approves it. */
  async function approvedLoan(collateral?: string): Promise<string> {
    const apply = () =>
      request(node.app)
        .post(loans)
        .set(auth(keys.coopA))
        .send({
          memberId,
          productCode: collateral ? 'PINJAMAN' : 'TUNAI',
          principal: idr(10_000_000),
          termMonths: 12,
          ...(collateral ? { collateral: { savingsAccountId: collateral } } : {}),
        });
    const applied = await eventually(apply, (r) => r.body.code !== 'borrower_not_member');
    expect(applied.status).toBe(201);
    const loanId = applied.body.loanId as string;
    await request(node.app)
      .post(`${loans}/${loanId}/approval`)
      .set(auth(keys.treasurerP))
      .expect(200);
    return loanId;
  }

  const viaSavings = (savingsAccountId: string) => ({
    kind: 'savings',
    savingsAccountId,
    productCode: 'SUKARELA',
  });
  const repay = (loanId: string, amount: number, via: object) =>
    request(node.app)
      .post(`${loans}/${loanId}/repayments`)
      .set(auth(keys.coopA))
      .send({ amount: idr(amount), via });

  it('holds a secured loan’s collateral, pays the loan into savings, debits repayments and shrinks then releases the hold', async () => {
    await savingsAccount('lc-secured', 3_000_000);
    const loanId = await approvedLoan('lc-secured');

    // LoanCollateralHoldRequested → a hold named as the loan expects; SavingsHoldPlaced → the loan records it.
    const held = await eventually(
      () => account('lc-secured'),
      (a) => a.holds.length === 1,
    );
    expect(held.holds).toEqual([
      {
        holdId: loanId,
        amount: idr(2_500_000),
        reason: `collateral for loan ${loanId}`,
        expiresAt: LOAN_HOLD_EXPIRY,
      },
    ]);
    expect(held.availableBalance).toEqual(idr(500_000));
    const secured = await eventually(
      () => loan(loanId),
      (l) => l.collateral?.held.amount === '2500000',
    );
    expect(secured.collateral).toMatchObject({ holdId: loanId, held: idr(2_500_000) });

    // LoanDisbursed into savings: principal less the 1% fee.
    await request(node.app)
      .post(`${loans}/${loanId}/disbursement`)
      .set(auth(keys.coopA))
      .send({ via: viaSavings('lc-secured') })
      .expect(200);
    const paidOut = await eventually(
      () => account('lc-secured'),
      (a) => a.balance.amount !== '3000000',
    );
    expect(paidOut.balance).toEqual(idr(12_900_000));
    expect(paidOut.availableBalance).toEqual(idr(10_400_000));

    // LoanRepaid from savings debits it; LoanCollateralHoldReduced shrinks the hold to 25% of
    // what is still outstanding.
    await repay(loanId, 900_000, viaSavings('lc-secured')).expect(200);
    const reduced = await eventually(
      () => account('lc-secured'),
      (a) => a.balance.amount !== '12900000' && a.holds[0]?.amount.amount !== '2500000',
    );
    expect(reduced.balance).toEqual(idr(12_000_000));
    const afterRepayment = await loan(loanId);
    expect(reduced.holds).toMatchObject([
      { holdId: loanId, amount: afterRepayment.collateral!.held },
    ]);
    expect(BigInt(afterRepayment.collateral!.held.amount)).toBeLessThan(2_500_000n);
    expect(reduced.availableBalance).toEqual(
      idr(12_000_000 - Number(afterRepayment.collateral!.held.amount)),
    );

    // Paid off from savings: the loan closes and its hold is released.
    const tooMuch = await repay(loanId, 50_000_000, viaSavings('lc-secured')).expect(422);
    const { payoffAmount } = (tooMuch.body as { details: { payoffAmount: { amount: string } } })
      .details;
    const payoff = Number(payoffAmount.amount);
    await repay(loanId, payoff, viaSavings('lc-secured')).expect(200);
    const settled = await eventually(
      () => account('lc-secured'),
      (a) => a.holds.length === 0 && a.balance.amount !== '12000000',
    );
    expect(settled.holds).toEqual([]);
    expect(settled.balance).toEqual(idr(12_000_000 - payoff));
    expect(settled.availableBalance).toEqual(settled.balance);
    expect((await loan(loanId)).status).toBe('closed');
  }, 60_000);

  it('refuses a repayment savings cannot cover and tells the loan, which takes it back: outstanding as it was', async () => {
    const deadLetters = () =>
      logs.filter((l) => l.msg.startsWith('a message failed every retry and is kept')).length;
    const dead = deadLetters();
    await savingsAccount('lc-thin', 100_000);
    const loanId = await approvedLoan();
    await request(node.app)
      .post(`${loans}/${loanId}/disbursement`)
      .set(auth(keys.coopA))
      .send({ via: { kind: 'cash' } })
      .expect(200);
    const before = await loan(loanId);
    expect(before.outstandingPrincipal).toEqual(idr(10_000_000));
    // 100,000 less the 10,000 minimum balance is all that can be taken. The loan books the
    // repayment when it asks savings for it…
    const booked = await repay(loanId, 90_001, viaSavings('lc-thin')).expect(200);
    expect(BigInt(booked.body.outstandingPrincipal.amount)).toBeLessThan(10_000_000n);
    const refusal = await eventually(
      async () => logs.find((l) => l.msg === 'LoanRepaid refused by savings; the loan is told'),
      (l) => l !== undefined,
    );
    expect(refusal).toMatchObject({ code: 'insufficient-funds', accountId: 'lc-thin', loanId });
    // …and takes it back when savings refuses it (SavingsDebitRefused).
    const reversed = await eventually(
      () => loan(loanId),
      (l) => l.failedRepayments.length > 0,
    );
    expect(reversed.outstandingPrincipal).toEqual(before.outstandingPrincipal);
    expect(reversed.due).toEqual(before.due);
    expect(reversed.payoffAmount).toEqual(before.payoffAmount);
    expect(reversed.failedRepayments).toEqual([
      expect.objectContaining({
        amount: idr(90_001),
        paidOn: TODAY,
        reason: 'insufficient-funds',
        refusedOn: TODAY,
        reversed: true,
      }),
    ]);
    expect(deadLetters()).toBe(dead);
    const untouched = await account('lc-thin');
    expect(untouched.balance).toEqual(idr(100_000));
    expect(untouched.availableBalance).toEqual(idr(100_000));

    // A repayment it can cover goes through, and stands.
    await repay(loanId, 90_000, viaSavings('lc-thin')).expect(200);
    const debited = await eventually(
      () => account('lc-thin'),
      (a) => a.balance.amount !== '100000',
    );
    expect(debited.balance).toEqual(idr(10_000));
    const repaid = await loan(loanId);
    expect(BigInt(repaid.outstandingPrincipal.amount)).toBeLessThan(10_000_000n);
    expect(repaid.failedRepayments).toHaveLength(1);
  }, 60_000);

  it('tells the loan of a hold savings refused: the loan is not paid out until a hold is placed', async () => {
    const deadLetters = () =>
      logs.filter((l) => l.msg.startsWith('a message failed every retry and is kept')).length;
    const dead = deadLetters();
    await savingsAccount('lc-short', 1_000_000);
    const loanId = await approvedLoan('lc-short');

    // 2,500,000 is asked for; 990,000 is available above the minimum balance.
    const refused = await eventually(
      () => loan(loanId),
      (l) => l.collateral?.refused != null,
    );
    expect(refused.status).toBe('approved');
    expect(refused.collateral).toMatchObject({
      held: idr(0),
      holdId: null,
      refused: { reason: 'insufficient-funds', refusedOn: TODAY },
    });
    expect(refused.collateral!.refused!.detail).toContain('990000 rupiah can be taken');
    expect((await account('lc-short')).holds).toEqual([]);
    expect(deadLetters()).toBe(dead);
    const notPaid = await request(node.app)
      .post(`${loans}/${loanId}/disbursement`)
      .set(auth(keys.coopA))
      .send({ via: viaSavings('lc-short') })
      .expect(422);
    expect(notPaid.body.code).toBe('collateral_refused');

    // The member saves more and staff hold it under the loan id: the loan is secured after all.
    await request(node.app)
      .post(`${savings}/accounts/lc-short/deposits`)
      .set(auth(keys.coopA))
      .send({ amount: idr(2_000_000) })
      .expect(200);
    await request(node.app)
      .post(`${savings}/accounts/lc-short/holds`)
      .set(auth(keys.coopA))
      .send({
        holdId: loanId,
        amount: idr(2_500_000),
        reason: `collateral for loan ${loanId}`,
        expiresAt: LOAN_HOLD_EXPIRY,
      })
      .expect(201);
    const secured = await eventually(
      () => loan(loanId),
      (l) => l.collateral?.held.amount === '2500000',
    );
    expect(secured.collateral).toMatchObject({ holdId: loanId, refused: null });
    await request(node.app)
      .post(`${loans}/${loanId}/disbursement`)
      .set(auth(keys.coopA))
      .send({ via: viaSavings('lc-short') })
      .expect(200);
  }, 60_000);

  it('tells the loan its hold was captured: the loan counts it no more, and later repayments go through', async () => {
    await savingsAccount('lc-captured', 3_000_000);
    const loanId = await approvedLoan('lc-captured');
    await eventually(
      () => loan(loanId),
      (l) => l.collateral?.held.amount === '2500000',
    );
    await request(node.app)
      .post(`${loans}/${loanId}/disbursement`)
      .set(auth(keys.coopA))
      .send({ via: { kind: 'cash' } })
      .expect(200);

    // Staff take 100,000 of the collateral in cash; the rest of the hold is released with it.
    await request(node.app)
      .post(`${savings}/accounts/lc-captured/holds/${loanId}/capture`)
      .set(auth(keys.coopA))
      .send({ amount: idr(100_000), via: 'cash' })
      .expect(200);
    const captured = await eventually(
      () => loan(loanId),
      (l) => l.collateral?.held.amount === '0',
    );
    expect(captured.collateral).toMatchObject({ holdId: loanId, held: idr(0) });
    expect((await account('lc-captured')).holds).toEqual([]);

    // Staff record the captured cash on the loan; a repayment from savings asks no hold change.
    await repay(loanId, 100_000, { kind: 'cash' }).expect(200);
    await repay(loanId, 200_000, viaSavings('lc-captured')).expect(200);
    const debited = await eventually(
      () => account('lc-captured'),
      (a) => a.balance.amount !== '2900000',
    );
    expect(debited.balance).toEqual(idr(2_700_000));
  }, 60_000);

  it('takes a back-dated repayment from savings on the day it was paid, after both services closed that day', async () => {
    await savingsAccount('lc-late', 2_000_000);
    const loanId = await approvedLoan();
    await request(node.app)
      .post(`${loans}/${loanId}/disbursement`)
      .set(auth(keys.coopA))
      .send({ via: { kind: 'cash' } })
      .expect(200);
    // Three days on, both services have closed 2–4 March; the repayment made on 3 March is
    // entered only now.
    now = new Date('2026-03-05T03:00:00.000Z');
    for (const day of ['2026-03-02', '2026-03-03', '2026-03-04'])
      for (const service of ['savings', 'loan'])
        await request(node.app)
          .post(`/api/${service}/v1/close-of-business`)
          .set(auth(keys.admin))
          .send({ businessDate: day })
          .expect(200);
    await request(node.app)
      .post(`${loans}/${loanId}/repayments`)
      .set(auth(keys.coopA))
      .send({ amount: idr(500_000), via: viaSavings('lc-late'), paidOn: '2026-03-03' })
      .expect(200);
    const debited = await eventually(
      () => account('lc-late'),
      (a) => a.balance.amount !== '2000000',
    );
    expect(debited.balance).toEqual(idr(1_500_000));
    const statement = await request(node.app)
      .get(`${savings}/accounts/lc-late/statement?from=2026-03-02&to=2026-03-05`)
      .set(auth(keys.coopA))
      .expect(200);
    expect(statement.body.lines.at(-1)).toMatchObject({
      businessDate: '2026-03-03',
      amount: { amount: '-500000' },
      reference: `loan ${loanId} repaid`,
    });
    const onThe3rd = await request(node.app)
      .get(`${savings}/accounts/lc-late/balance?on=2026-03-03`)
      .set(auth(keys.coopA))
      .expect(200);
    expect(onThe3rd.body.balance).toEqual(idr(1_500_000));
    // The loan's books took it on the same day.
    const loanStatement = await request(node.app)
      .get(`${loans}/${loanId}/statement`)
      .set(auth(keys.coopA))
      .expect(200);
    expect(loanStatement.body.lines.at(-1)).toMatchObject({
      date: '2026-03-03',
      amount: idr(500_000),
    });
  }, 60_000);

  it('applies each loan message once: redelivering all of them changes nothing', async () => {
    const hosted = (name: string) => node.host.services.find((s) => s.name === name)!.instance;
    const consumer = hosted('savings').consumes!.find((c) => c.group === LoanConsumers.GROUP)!;
    const encode = hosted('loan').publishes!.encode;
    const before = {
      secured: await account('lc-secured'),
      thin: await account('lc-thin'),
      late: await account('lc-late'),
      short: await account('lc-short'),
      captured: await account('lc-captured'),
    };
    const savingsHead = await node.stores.get('savings')!.headPosition();
    const refusedAgain: string[] = [];
    const redelivered: string[] = [];
    for (const recorded of await node.stores.get('loan')!.readAll()) {
      const message = encode(recorded, undefined);
      if (!message) continue;
      redelivered.push((JSON.parse(message.value) as { type: string }).type);
      await Promise.resolve(
        consumer.handler({
          topic: 'loan',
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
          attempt: 2,
        }),
      ).catch((error: unknown) => void refusedAgain.push((error as Error).name));
    }
    for (const name of [
      'LoanCollateralHoldRequested',
      'LoanDisbursed',
      'LoanRepaid',
      'LoanCollateralHoldReduced',
      'LoanCollateralHoldReleased',
    ]) {
      expect(redelivered.filter((type) => type.includes(name)).length).toBeGreaterThan(0);
    }
    // The repayment savings could not cover is refused again, its refusal already reported:
    // nothing is thrown, and nothing is appended.
    expect(refusedAgain).toEqual([]);
    expect(await node.stores.get('savings')!.headPosition()).toBe(savingsHead);
    expect({
      secured: await account('lc-secured'),
      thin: await account('lc-thin'),
      late: await account('lc-late'),
      short: await account('lc-short'),
      captured: await account('lc-captured'),
    }).toEqual(before);
  }, 60_000);
});

function coopBody(coopId: string, kind: 'primary' | 'secondary', parentCoopId: string | null) {
  return {
    coopId,
    kind,
    name: `Koperasi ${coopId}`,
    legalEntityNumber: `AHU-${coopId}`,
    nikKoperasi: { number: '3374010020190001', validUntil: '2030-12-31' },
    npwp: '012345678901234',
    address: { line: 'Jl. Pandanaran 1', province: '33' },
    parentCoopId,
    registeredOn: '2026-01-05',
  };
}
