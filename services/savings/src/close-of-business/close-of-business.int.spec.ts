import request from 'supertest';
import { accountDecider } from '../accounts/account.decider';
import { TransferService } from '../transfers/transfer-service';
import { CloseOfBusiness } from './close-of-business';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

const base = '/api/savings/v1';
const as = (token: string) => ({ Authorization: `Bearer ${token}` });
let h: SavingsHarness;
const post = (path: string, body: object, token = h.keys.coopA) =>
  request(h.app).post(`${base}${path}`).set(as(token)).send(body);
const get = (path: string, token = h.keys.coopA) =>
  request(h.app).get(`${base}${path}`).set(as(token));
const account = (id: string) =>
  get(`/coops/${COOPS.A}/accounts/${id}`)
    .expect(200)
    .then((r) => r.body);

beforeAll(async () => {
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  for (const product of Object.values(PRODUCTS))
    await post(`/coops/${COOPS.A}/products`, product).expect(201);
  await h.joinPerson(COOPS.A, 'm-1');
  const open = (body: object) =>
    post(`/coops/${COOPS.A}/accounts`, { memberId: 'm-1', ...body }).expect(201);
  await open({
    accountId: 'sk',
    productCode: 'SUKARELA',
    initialDeposit: { amount: idr(1_000_000) },
  });
  await open({ accountId: 'wj', productCode: 'WAJIB', initialDeposit: { amount: idr(50_000) } });
  await open({
    accountId: 'bj',
    productCode: 'BERJANGKA_3',
    initialDeposit: { amount: idr(2_000_000), via: 'bank' },
    maturityInstruction: { kind: 'move_to_account', accountId: 'sk' },
  });
  await post(`/coops/${COOPS.A}/accounts/sk/holds`, {
    holdId: 'h-1',
    amount: idr(5_000),
    reason: 'payment',
    expiresAt: '2026-03-02T05:00:00Z',
  }).expect(201);
});
afterAll(() => h.close());

describe('close of business', () => {
  it('refuses a business date that has not ended, and is for admins only', async () => {
    const early = await post('/close-of-business', { businessDate: '2026-03-01' }, h.keys.admin);
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('business-day-not-over');
    await post('/close-of-business', { businessDate: '2026-02-28' }, h.keys.coopA).expect(403);
  });

  it('releases expired holds at the end of their day', async () => {
    h.setNow('2026-03-03T01:00:00.000Z');
    const summary = await post(
      '/close-of-business',
      { businessDate: '2026-03-02' },
      h.keys.admin,
    ).expect(200);
    expect(summary.body).toMatchObject({
      businessDate: '2026-03-02',
      alreadyClosed: false,
      events: { HoldReleased: 1 },
    });
    expect((await account('sk')).holds).toEqual([]);
  });

  it('posts interest and marks wajib arrears at month end; a second run for the date changes nothing', async () => {
    h.setNow('2026-04-01T01:00:00.000Z');
    const first = await h.savings.closeOfBusiness('2026-03-31');
    // Rp1,000,000 at 3.65% for 31 days; the time deposit Rp2,000,000 at 7.3% for 31 days.
    expect(first.events).toMatchObject({ InterestPosted: 2, WajibMonthClosed: 1 });
    expect((await account('sk')).balance).toEqual(idr(1_003_100));
    expect((await account('bj')).balance).toEqual(idr(2_012_400));
    const head = await h.store.headPosition();
    const again = await post(
      '/close-of-business',
      { businessDate: '2026-03-31' },
      h.keys.admin,
    ).expect(200);
    expect(again.body).toMatchObject({ alreadyClosed: true, businessDate: '2026-03-31' });
    expect(await h.store.headPosition()).toBe(head);
    await get('/close-of-business/2026-03-31', h.keys.auditorP).expect(200);
  });

  it('even without its record, deciding the same date again changes nothing (idempotent by state)', async () => {
    const head = await h.store.headPosition();
    const { accounts } = h.savings;
    for (const id of ['sk', 'wj', 'bj']) {
      const { account: state } = await accounts.account(COOPS.A, id);
      const product = await accounts.catalogue.product(COOPS.A, state.product.code);
      const result = await accounts.aggregates.execute(`account-${id}`, (s) =>
        accountDecider.decide(
          { type: 'CloseBusinessDay', date: '2026-03-31', product, memberLeftOn: null },
          s,
        ),
      );
      expect(result.events).toEqual([]);
    }
    expect(await h.store.headPosition()).toBe(head);
  });

  it('matures the time deposit into the member’s sukarela account', async () => {
    h.setNow('2026-06-02T01:00:00.000Z');
    for (const date of ['2026-04-30', '2026-05-31', '2026-06-01'])
      await h.savings.closeOfBusiness(date);
    const deposit = await account('bj');
    expect(deposit).toMatchObject({
      status: 'closed',
      balance: idr(0),
      timeDeposit: { matured: true },
    });
    const arrears = await get(`/coops/${COOPS.A}/members/m-1/wajib-arrears`).expect(200);
    // March to May: 3 × Rp50,000 owed, Rp50,000 paid.
    expect(arrears.body.arrears).toEqual(idr(100_000));
    const statement = await get(
      `/coops/${COOPS.A}/accounts/sk/statement?from=2026-06-01&to=2026-06-30`,
    ).expect(200);
    expect(statement.body.lines.map((l: { type: string }) => l.type)).toEqual(['TransferredIn']);
  });

  it('rebuilds the accounts read model from the log, identically', async () => {
    const db = h.savings.accounts.db;
    const dump = () => ({
      accounts: db.prepare('SELECT * FROM savings_accounts ORDER BY account_id').all(),
      lines: db
        .prepare('SELECT * FROM savings_statement_lines ORDER BY account_id, revision')
        .all(),
      wajib: db.prepare('SELECT * FROM savings_wajib_months ORDER BY account_id, month').all(),
    });
    await h.savings.projection.catchUp();
    const before = dump();
    await h.savings.projection.rebuild();
    expect(dump()).toEqual(before);
  });
});

describe('close of business with more transfers under way than it reads at once', () => {
  it('finishes every one of them in the run', async () => {
    const many = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
    try {
      const send = (path: string, body: object) =>
        request(many.app).post(`${base}${path}`).set(as(many.keys.coopA)).send(body);
      for (const product of [PRODUCTS.SUKARELA, PRODUCTS.BERJANGKA_3])
        await send(`/coops/${COOPS.A}/products`, product).expect(201);
      await many.joinPerson(COOPS.A, 'm-1');
      await send(`/coops/${COOPS.A}/accounts`, {
        memberId: 'm-1',
        accountId: 'sk',
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(100_000) },
      }).expect(201);
      for (const id of ['bj-1', 'bj-2', 'bj-3']) {
        await send(`/coops/${COOPS.A}/accounts`, {
          memberId: 'm-1',
          accountId: id,
          productCode: 'BERJANGKA_3',
          initialDeposit: { amount: idr(1_000_000), via: 'bank' },
          maturityInstruction: { kind: 'move_to_account', accountId: 'sk' },
        }).expect(201);
      }
      many.setNow('2026-06-02T01:00:00.000Z');
      const { accounts, projection } = many.savings;
      // Two accounts a page: the three deposits maturing on 1 June take two pages.
      const cob = new CloseOfBusiness(accounts, projection, new TransferService(accounts), 2);
      const summary = await cob.run('2026-06-01');
      expect(summary.transfersCompleted).toBe(3);
      for (const id of ['bj-1', 'bj-2', 'bj-3']) {
        const { account } = await accounts.account(COOPS.A, id);
        expect([account.status, account.balance]).toEqual(['closed', 0n]);
      }
    } finally {
      await many.close();
    }
  });
});

describe('close of business over a row written before finished holds were kept', () => {
  it('starts from the stream, so a finished hold id stays used', async () => {
    const old = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
    try {
      const send = (path: string, body: object) =>
        request(old.app).post(`${base}${path}`).set(as(old.keys.coopA)).send(body);
      await send(`/coops/${COOPS.A}/products`, PRODUCTS.SUKARELA).expect(201);
      await old.joinPerson(COOPS.A, 'm-1');
      await send(`/coops/${COOPS.A}/accounts`, {
        memberId: 'm-1',
        accountId: 'sk',
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(1_000_000) },
      }).expect(201);
      const hold = (amount: number) =>
        send(`/coops/${COOPS.A}/accounts/sk/holds`, {
          holdId: 'h-old',
          amount: idr(amount),
          reason: 'payment',
          expiresAt: '2026-12-20T05:00:00Z',
        });
      await hold(5_000).expect(201);
      await request(old.app)
        .post(`${base}/coops/${COOPS.A}/accounts/sk/holds/h-old/release`)
        .set(as(old.keys.coopA))
        .expect(200);
      await old.savings.projection.catchUp();
      // The row as an earlier version wrote it, and no state of the account in memory (a restart).
      old.store.database
        .prepare(
          `UPDATE savings_accounts SET state = json_remove(state, '$.finishedHolds') WHERE account_id = 'sk'`,
        )
        .run();
      (old.savings.accounts.aggregates as unknown as { cache: { clear(): void } }).cache.clear();
      old.setNow('2026-04-01T01:00:00.000Z');
      expect((await old.savings.closeOfBusiness('2026-03-31')).events).toMatchObject({
        InterestPosted: 1,
      });
      const reused = await hold(6_000);
      expect(reused.status).toBe(409);
      expect(reused.body.code).toBe('hold-id-used');
    } finally {
      await old.close();
    }
  });
});

describe('a roll-over deposit whose early close waits for approval at maturity', () => {
  it('is paid out without the penalty when approved, and rolled over when rejected', async () => {
    const w = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
    try {
      const send = (path: string, body: object) =>
        request(w.app).post(`${base}/coops/${COOPS.A}${path}`).set(as(w.keys.coopA)).send(body);
      await send('/products', PRODUCTS.BERJANGKA_3).expect(201);
      await request(w.app)
        .put(`${base}/coops/${COOPS.A}/savings-policy`)
        .set(as(w.keys.coopA))
        .send({ effectiveFrom: '2026-03-01', withdrawalApprovalThreshold: idr(1_000_000) })
        .expect(200);
      await w.joinPerson(COOPS.A, 'm-1');
      const closes: Record<string, string> = {};
      for (const id of ['bj-approved', 'bj-rejected']) {
        await send('/accounts', {
          memberId: 'm-1',
          accountId: id,
          productCode: 'BERJANGKA_3',
          initialDeposit: { amount: idr(2_000_000), via: 'bank' },
          maturityInstruction: { kind: 'roll_over' },
        }).expect(201);
        const asked = await send(`/accounts/${id}/close`, { via: 'cash' }).expect(202);
        closes[id] = asked.body.withdrawalId as string;
      }
      // Matures on 1 June, both closes still waiting.
      w.setNow('2026-06-02T01:00:00.000Z');
      await w.savings.closeOfBusiness('2026-06-01');
      const decide = (id: string, decision: 'approve' | 'reject') => {
        const asked = request(w.app)
          .post(`${base}/coops/${COOPS.A}/accounts/${id}/withdrawals/${closes[id]}/${decision}`)
          .set(as(w.keys.coopA2));
        return (decision === 'reject' ? asked.send({ reason: 'kept' }) : asked).expect(200);
      };
      const approved = await decide('bj-approved', 'approve');
      expect(approved.body).toMatchObject({ status: 'closed', balance: idr(0) });
      const events = await w.store.readStream('account-bj-approved');
      expect(events.map((e) => e.type)).not.toContain('PenaltyCharged');
      expect(events.map((e) => e.type)).not.toContain('TimeDepositRolledOver');
      await decide('bj-rejected', 'reject');
      w.setNow('2026-06-03T01:00:00.000Z');
      await w.savings.closeOfBusiness('2026-06-02');
      const rolled = (await w.store.readStream('account-bj-rejected')).find(
        (e) => e.type === 'TimeDepositRolledOver',
      );
      expect(rolled?.data).toMatchObject({ on: '2026-06-02', maturesOn: '2026-09-02' });
    } finally {
      await w.close();
    }
  });
});
