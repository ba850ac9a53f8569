import request from 'supertest';
import { accountStream } from '../accounts/account-context';
import { accountDecider } from '../accounts/account.decider';
import { derivedEventIds } from '../shared/event-ids';
import { TransferService } from './transfer-service';
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
const balanceOf = async (coopId: string, accountId: string, token = h.keys.coopA) =>
  (await get(`/coops/${coopId}/accounts/${accountId}`, token).expect(200)).body.balance;

beforeAll(async () => {
  h = await savingsHarness({ start: '2026-03-02T02:00:00.000Z' });
  for (const product of Object.values(PRODUCTS)) {
    await post(`/coops/${COOPS.A}/products`, product).expect(201);
    await post(`/coops/${COOPS.B}/products`, product, h.keys.coopB).expect(201);
  }
  // Member ids are unique only within a coop: m-1 of coop A and m-1 of coop B are two people.
  await h.joinPerson(COOPS.A, 'm-1');
  await h.joinPerson(COOPS.B, 'm-1');
  await post(`/coops/${COOPS.A}/accounts`, {
    accountId: 'a-sk',
    memberId: 'm-1',
    productCode: 'SUKARELA',
    initialDeposit: { amount: idr(500_000) },
  }).expect(201);
  await post(`/coops/${COOPS.A}/accounts`, {
    accountId: 'a-wj',
    memberId: 'm-1',
    productCode: 'WAJIB',
  }).expect(201);
  await post(
    `/coops/${COOPS.B}/accounts`,
    {
      accountId: 'b-sk',
      memberId: 'm-1',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(20_000) },
    },
    h.keys.coopB,
  ).expect(201);
});
afterAll(() => h.close());

describe('transfer ids', () => {
  it('a retry with the same terms is the same transfer; another transfer under its id is refused', async () => {
    const transfer = { transferId: 'T-1', fromAccountId: 'a-sk', toAccountId: 'a-wj' };
    await post(`/coops/${COOPS.A}/transfers`, { ...transfer, amount: idr(50_000) }).expect(201);
    const retried = await post(`/coops/${COOPS.A}/transfers`, { ...transfer, amount: idr(50_000) });
    expect(retried.status).toBe(201);
    expect(retried.body.outcome).toBe('completed');
    const head = await h.store.headPosition();
    for (const reused of [
      { ...transfer, amount: idr(60_000) },
      { ...transfer, toAccountId: 'a-other', amount: idr(50_000) },
    ]) {
      if (reused.toAccountId === 'a-other') {
        await post(`/coops/${COOPS.A}/accounts`, {
          accountId: 'a-other',
          memberId: 'm-1',
          productCode: 'SUKARELA',
        }).expect(201);
      }
      const before = await h.store.headPosition();
      const response = await post(`/coops/${COOPS.A}/transfers`, reused);
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('transfer-id-reused');
      expect(await h.store.headPosition()).toBe(before);
    }
    expect(await h.store.headPosition()).toBeGreaterThan(head);
    expect(await balanceOf(COOPS.A, 'a-sk')).toEqual(idr(450_000));
    expect(await balanceOf(COOPS.A, 'a-wj')).toEqual(idr(50_000));
  });
});

describe('a transfer sent again after it completed', () => {
  const transfer = (
    transferId: string,
    fromAccountId: string,
    toAccountId: string,
    amount: number,
  ) =>
    post(`/coops/${COOPS.A}/transfers`, {
      transferId,
      fromAccountId,
      toAccountId,
      amount: idr(amount),
    });

  it('is answered as completed when it filled the pokok share the target now refuses more of', async () => {
    await h.joinPerson(COOPS.A, 'm-2');
    const open = (accountId: string, productCode: string, amount: number) =>
      post(`/coops/${COOPS.A}/accounts`, {
        accountId,
        memberId: 'm-2',
        productCode,
        initialDeposit: { amount: idr(amount) },
      }).expect(201);
    await open('rv-sk', 'SUKARELA', 500_000);
    await open('rv-pk', 'POKOK', 40_000);
    const first = await transfer('T-fill', 'rv-sk', 'rv-pk', 60_000);
    expect([first.status, first.body.outcome]).toEqual([201, 'completed']);
    const head = await h.store.headPosition();
    const resent = await transfer('T-fill', 'rv-sk', 'rv-pk', 60_000);
    expect([resent.status, resent.body.code, resent.body.outcome]).toEqual([
      201,
      undefined,
      'completed',
    ]);
    // Another transfer under the id is refused as one, not as what the pokok would refuse.
    const other = await transfer('T-fill', 'rv-sk', 'rv-pk', 50_000);
    expect([other.status, other.body.code]).toEqual([409, 'transfer-id-reused']);
    expect(await h.store.headPosition()).toBe(head);
    expect(await balanceOf(COOPS.A, 'rv-sk')).toEqual(idr(440_000));
    expect(await balanceOf(COOPS.A, 'rv-pk')).toEqual(idr(100_000));
  });

  it('is answered as completed when it took all the source could give', async () => {
    await post(`/coops/${COOPS.A}/accounts`, {
      accountId: 'rv-sk2',
      memberId: 'm-2',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(60_000) },
    }).expect(201);
    await post(`/coops/${COOPS.A}/accounts`, {
      accountId: 'rv-wj',
      memberId: 'm-2',
      productCode: 'WAJIB',
    }).expect(201);
    await transfer('T-all', 'rv-sk2', 'rv-wj', 50_000).expect(201);
    const head = await h.store.headPosition();
    const resent = await transfer('T-all', 'rv-sk2', 'rv-wj', 50_000);
    expect([resent.status, resent.body.outcome]).toEqual([201, 'completed']);
    expect(await h.store.headPosition()).toBe(head);
    expect(await balanceOf(COOPS.A, 'rv-sk2')).toEqual(idr(10_000));
    expect(await balanceOf(COOPS.A, 'rv-wj')).toEqual(idr(50_000));
  });
});

describe('a transfer the target refused', () => {
  it('stays reversed when it is sent again and the target would take it now', async () => {
    await post(`/coops/${COOPS.A}/accounts`, {
      accountId: 'a-pk',
      memberId: 'm-1',
      productCode: 'POKOK',
      initialDeposit: { amount: idr(100_000) },
    }).expect(201);
    // T-R left a-sk after its check of the target, and the full pokok refused it: reversed.
    const { accounts } = h.savings;
    const { account: source } = await accounts.account(COOPS.A, 'a-sk');
    const ctx = await accounts.contextFor(source);
    await accounts.aggregates.execute(
      accountStream('a-sk'),
      (state) =>
        accountDecider.decide(
          {
            type: 'TransferOut',
            ...ctx,
            transferId: 'T-R',
            toAccountId: 'a-pk',
            toProductCode: 'POKOK',
            amount: 30_000n,
          },
          state,
        ),
      { eventIds: derivedEventIds('transfer-out', `${COOPS.A}:T-R`) },
    );
    const transfers = new TransferService(accounts);
    expect(await transfers.complete('a-sk', 'T-R', 'a-pk', 30_000n, { metadata: {} })).toBe(
      'reversed',
    );
    const sk = await balanceOf(COOPS.A, 'a-sk');
    // The share is raised from today: the pokok has room for T-R now.
    await post(`/coops/${COOPS.A}/products/POKOK/revisions`, {
      effectiveFrom: '2026-03-02',
      pokokAmount: idr(200_000),
    }).expect(200);
    const again = await post(`/coops/${COOPS.A}/transfers`, {
      transferId: 'T-R',
      fromAccountId: 'a-sk',
      toAccountId: 'a-pk',
      amount: idr(30_000),
    });
    expect([again.status, again.body.outcome]).toEqual([201, 'reversed']);
    expect(await balanceOf(COOPS.A, 'a-sk')).toEqual(sk);
    expect(await balanceOf(COOPS.A, 'a-pk')).toEqual(idr(100_000));
  });
});

describe('a time deposit moved to another account at maturity', () => {
  it('lands in the target on its maturity date, even when close of business runs late', async () => {
    await post(`/coops/${COOPS.A}/accounts`, {
      accountId: 'a-bj',
      memberId: 'm-1',
      productCode: 'BERJANGKA_3',
      initialDeposit: { amount: idr(2_000_000), via: 'bank' },
      maturityInstruction: { kind: 'move_to_account', accountId: 'a-sk' },
    }).expect(201);
    // Matures on 2 June; that date's close of business runs late in the evening of 3 June.
    h.setNow('2026-06-03T15:00:00.000Z');
    await h.savings.closeOfBusiness('2026-06-02');
    const on = async (id: string, date: string) =>
      (await get(`/coops/${COOPS.A}/accounts/${id}/balance?on=${date}`).expect(200)).body.balance;
    expect(await on('a-bj', '2026-06-02')).toEqual(idr(0));
    const statement = await get(
      `/coops/${COOPS.A}/accounts/a-sk/statement?from=2026-06-01&to=2026-06-30`,
    ).expect(200);
    const moved = statement.body.lines.find((l: { type: string }) => l.type === 'TransferredIn');
    expect(moved).toMatchObject({ businessDate: '2026-06-02' });
    expect(BigInt((await on('a-sk', '2026-06-02')).amount)).toBeGreaterThan(2_450_000n);
  });

  it('moves each of two deposits with long ids maturing the same day to its target', async () => {
    h.setNow('2026-06-04T02:00:00.000Z');
    await h.joinPerson(COOPS.A, 'm-3');
    await post(`/coops/${COOPS.A}/accounts`, {
      accountId: 'sk',
      memberId: 'm-3',
      productCode: 'SUKARELA',
    }).expect(201);
    // 64 characters, the longest an account id may be, differing only in the last two.
    const ids = ['01', '02'].map((end) => `${'bj-long-'.repeat(7)}${'x'.repeat(6)}${end}`);
    for (const accountId of ids) {
      expect(accountId).toHaveLength(64);
      await post(`/coops/${COOPS.A}/accounts`, {
        accountId,
        memberId: 'm-3',
        productCode: 'BERJANGKA_3',
        initialDeposit: { amount: idr(2_000_000), via: 'bank' },
        maturityInstruction: { kind: 'move_to_account', accountId: 'sk' },
      }).expect(201);
    }
    h.setNow('2026-09-05T02:00:00.000Z');
    await h.savings.closeOfBusiness('2026-09-04');
    for (const accountId of ids) expect(await balanceOf(COOPS.A, accountId)).toEqual(idr(0));
    const statement = await get(
      `/coops/${COOPS.A}/accounts/sk/statement?from=2026-09-01&to=2026-09-30`,
    ).expect(200);
    const moved = statement.body.lines.filter((l: { type: string }) => l.type === 'TransferredIn');
    expect(moved).toHaveLength(2);
    expect(BigInt((await balanceOf(COOPS.A, 'sk')).amount)).toBeGreaterThan(4_000_000n);
  });

  it('never moves into an account of another coop (an instruction stored before openings checked it)', async () => {
    // An account opened before the opening checked its target: a copy of a-bj's opening and
    // placement whose instruction names coop B's account of coop B's m-1.
    h.setNow('2026-06-04T02:00:00.000Z');
    const [opened, placed] = await h.store.readStream(accountStream('a-bj'), { maxCount: 2 });
    const data = opened!.data as { timeDeposit: { maturesOn: string } };
    await h.store.append(
      accountStream('a-old'),
      [
        {
          id: '0190d5c0-0000-7000-8000-00000000a01d',
          type: 'AccountOpened',
          schemaVersion: 1,
          data: {
            ...data,
            accountId: 'a-old',
            openedOn: '2026-03-04',
            accrualFrom: '2026-03-04',
            timeDeposit: {
              ...data.timeDeposit,
              maturesOn: '2026-06-04',
              instruction: { kind: 'move_to_account', accountId: 'b-sk' },
            },
          },
          metadata: opened!.metadata,
          businessDate: '2026-03-04',
        },
        {
          id: '0190d5c0-0000-7000-8000-00000000a01e',
          type: 'Deposited',
          schemaVersion: 1,
          data: { ...(placed!.data as object), on: '2026-03-04' },
          metadata: placed!.metadata,
          businessDate: '2026-03-04',
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    h.setNow('2026-06-05T02:00:00.000Z');
    await h.savings.closeOfBusiness('2026-06-04');
    const credits = (await h.store.readStream(accountStream('b-sk'))).map((e) => e.type);
    expect(credits).not.toContain('TransferredIn');
    const old = (await get(`/coops/${COOPS.A}/accounts/a-old`).expect(200)).body;
    expect(BigInt(old.balance.amount)).toBeGreaterThanOrEqual(2_000_000n);
  });
});
