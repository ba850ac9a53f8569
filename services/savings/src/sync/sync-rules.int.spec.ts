import request from 'supertest';
import { deterministicUuid } from '@kopfed/eventstore';
import { accountStream, Accounts } from '../accounts/account-context';
import { AccountService } from '../accounts/account-service';
import { MembershipDirectory } from '../membership/membership-directory';
import { CatalogueStore } from '../products/catalogue-store';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';
import { SyncItem } from './sync-items';
import { SyncService } from './sync-service';

const base = '/api/savings/v1';
const as = (token: string) => ({ Authorization: `Bearer ${token}` });
let h: SavingsHarness;
let sequence = 1;
/** One batch, numbered in turn; resolves with its per-item results. */
const sync = async (...items: object[]) =>
  (
    await request(h.app)
      .post(`${base}/coops/${COOPS.A}/sync/transactions`)
      .set(as(h.keys.coopA))
      .send({ sequence: sequence++, items })
      .expect(200)
  ).body.results as { status: string; problem?: { code: string; pointer?: string } }[];
const balance = async (accountId: string, query = '') =>
  (
    await request(h.app)
      .get(`${base}/coops/${COOPS.A}/accounts/${accountId}/balance${query}`)
      .set(as(h.keys.coopA))
      .expect(200)
  ).body.balance;
const deposit = (externalId: string, accountId: string, amount: number, businessDate: string) => ({
  externalId,
  accountId,
  type: 'deposit',
  amount: idr(amount),
  businessDate,
});
const withdrawal = (externalId: string, accountId: string, amount: number, date: string) => ({
  ...deposit(externalId, accountId, amount, date),
  type: 'withdrawal',
});

beforeAll(async () => {
  h = await savingsHarness(); // today is 2026-03-10 in Jakarta
  await request(h.app)
    .post(`${base}/coops/${COOPS.A}/products`)
    .set(as(h.keys.coopA))
    .send(PRODUCTS.SUKARELA)
    .expect(201);
  await h.joinPerson(COOPS.A, 'm-1');
  const opened = await sync(
    ...(
      [
        ['S-1', 1_000_000],
        ['S-2', 1_000_000],
        ['S-3', 100_000_000],
        ['S-4', 20_000],
      ] as const
    ).map(([accountId, amount]) => ({
      externalId: `O-${accountId}`,
      accountId,
      type: 'open',
      memberId: 'm-1',
      productCode: 'SUKARELA',
      businessDate: '2026-01-02',
      openingBalance: idr(amount),
    })),
  );
  expect(opened.map((r) => r.status)).toEqual(['created', 'created', 'created', 'created']);
});
afterAll(() => h.close());

describe('external ids in bulk sync', () => {
  it('refuses an external id repeated within a batch, applying only its first use', async () => {
    const results = await sync(
      deposit('DUP-1', 'S-1', 100_000, '2026-03-01'),
      deposit('DUP-1', 'S-2', 700_000, '2026-03-01'),
    );
    expect(results.map((r) => r.status)).toEqual(['created', 'rejected']);
    expect(results[1]!.problem).toMatchObject({ code: 'duplicate_in_batch' });
    expect(await balance('S-1')).toEqual(idr(1_100_000));
    expect(await balance('S-2')).toEqual(idr(1_000_000));
  });

  it('answers an item applied before its record was kept by what was stored', async () => {
    // A crash between applying TX-9 and recording it: its deposit is in the account only.
    const stream = accountStream('S-2');
    const [opened] = await h.store.readStream(stream, { maxCount: 1 });
    await h.store.append(
      stream,
      [
        {
          id: deterministicUuid('savings', 'sync', `${COOPS.A}:TX-9`, '0'),
          type: 'Deposited',
          schemaVersion: 1,
          data: {
            amount: '50000',
            on: '2026-03-02',
            via: 'cash',
            reference: null,
            externalId: 'TX-9',
          },
          metadata: opened!.metadata,
          businessDate: '2026-03-02',
        },
      ],
      { expectedRevision: (await h.store.streamRevision(stream))! },
    );
    const other = await sync(deposit('TX-9', 'S-2', 80_000, '2026-03-02'));
    expect(other[0]).toMatchObject({ status: 'rejected', problem: { code: 'external-id-reused' } });
    const same = await sync(deposit('TX-9', 'S-2', 50_000, '2026-03-02'));
    expect(same[0]!.status).toBe('unchanged');
    expect(await balance('S-2')).toEqual(idr(1_050_000));
  });

  it('answers an opening applied before its record was kept by what was stored', async () => {
    // A crash between opening S-CR and recording O-S-CR: the account exists, the record does not.
    const item = {
      externalId: 'O-S-CR',
      accountId: 'S-CR',
      type: 'open',
      memberId: 'm-1',
      productCode: 'SUKARELA',
      businessDate: '2026-01-05',
      openingBalance: idr(300_000),
    };
    await new AccountService(h.savings.accounts).open(
      COOPS.A,
      {
        accountId: 'S-CR',
        memberId: 'm-1',
        productCode: 'SUKARELA',
        openedOn: '2026-01-05',
        externalId: 'O-S-CR',
        initialDeposit: { amount: 300_000n, via: 'cash' },
      },
      { keyId: 'sync', metadata: { coopId: COOPS.A } },
    );
    const revision = await h.store.streamRevision(accountStream('S-CR'));
    const [other] = await sync({ ...item, openingBalance: idr(400_000) });
    expect(other).toMatchObject({ status: 'rejected', problem: { code: 'external-id-reused' } });
    const [same] = await sync(item);
    expect(same!.status).toBe('unchanged');
    const [again] = await sync(item);
    expect(again!.status).toBe('unchanged');
    // Another item opening the same account is still refused as the account it is.
    const [another] = await sync({ ...item, externalId: 'O-S-CR-2' });
    expect(another).toMatchObject({ status: 'rejected', problem: { code: 'account-exists' } });
    expect(await h.store.streamRevision(accountStream('S-CR'))).toBe(revision);
    expect(await balance('S-CR')).toEqual(idr(300_000));
  });
});

describe('what bulk sync refuses', () => {
  it('a withdrawal above the coop’s approval threshold: it needs a second person', async () => {
    const revision = await h.store.streamRevision(accountStream('S-3'));
    const results = await sync(withdrawal('W-BIG', 'S-3', 60_000_000, '2026-03-10'));
    expect(results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'approval-required', pointer: '/amount/amount' },
    });
    expect(await h.store.streamRevision(accountStream('S-3'))).toBe(revision);
    // Up to the threshold (Rp50,000,000 by default) it is the coop's own core's record.
    const at = await sync(withdrawal('W-50M', 'S-3', 50_000_000, '2026-03-10'));
    expect(at[0]!.status).toBe('created');
  });

  it('not a back-dated withdrawal above the threshold: that is history the coop’s core approved', async () => {
    const results = await sync(
      {
        externalId: 'O-S-5',
        accountId: 'S-5',
        type: 'open',
        memberId: 'm-1',
        productCode: 'SUKARELA',
        businessDate: '2025-01-02',
        openingBalance: idr(200_000_000),
      },
      withdrawal('W-5H', 'S-5', 60_000_000, '2025-06-30'),
    );
    expect(results.map((r) => [r.status, r.problem?.code])).toEqual([
      ['created', undefined],
      ['created', undefined],
    ]);
    expect(await balance('S-5', '?on=2025-07-01')).toEqual(idr(140_000_000));
  });

  it('an item dated after today’s business date', async () => {
    const results = await sync(deposit('FUT-1', 'S-4', 5_000_000, '2026-03-11'), {
      externalId: 'FUT-2',
      accountId: 'S-9',
      type: 'open',
      memberId: 'm-1',
      productCode: 'SUKARELA',
      businessDate: '2030-01-01',
    });
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'rejected',
        problem: { code: 'business-date-in-future', pointer: '/businessDate' },
      });
    }
    expect(await balance('S-4')).toEqual(idr(20_000));
  });

  it('an amount in a currency other than rupiah', async () => {
    const results = await sync(
      { ...deposit('USD-D', 'S-2', 100, '2026-03-09'), amount: { amount: '100', currency: 'USD' } },
      {
        ...withdrawal('USD-W', 'S-2', 100, '2026-03-09'),
        amount: { amount: '100', currency: 'SGD' },
      },
      {
        externalId: 'USD-O',
        accountId: 'S-USD',
        type: 'open',
        memberId: 'm-1',
        productCode: 'SUKARELA',
        businessDate: '2026-03-09',
        openingBalance: { amount: '500000', currency: 'USD' },
      },
    );
    expect(results.map((r) => [r.status, r.problem?.code, r.problem?.pointer])).toEqual([
      ['rejected', 'currency-not-supported', '/amount/currency'],
      ['rejected', 'currency-not-supported', '/amount/currency'],
      ['rejected', 'currency-not-supported', '/openingBalance/currency'],
    ]);
    expect(await balance('S-2')).toEqual(idr(1_050_000));
    expect(await h.store.streamRevision(accountStream('S-USD'))).toBeUndefined();
  });

  it('a transaction dated before the account opened', async () => {
    // S-1 opened on 2 January 2026: it held nothing on any earlier day.
    const revision = await h.store.streamRevision(accountStream('S-1'));
    const results = await sync(
      deposit('EARLY-D', 'S-1', 300_000, '2025-12-31'),
      withdrawal('EARLY-W', 'S-1', 10_000, '2026-01-01'),
    );
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'rejected',
        problem: { code: 'before-opening', pointer: '/businessDate' },
      });
    }
    expect(await h.store.streamRevision(accountStream('S-1'))).toBe(revision);
    expect(await balance('S-1', '?on=2025-12-31')).toEqual(idr(0));
  });

  it('a back-dated withdrawal that would take an earlier day below the minimum balance', async () => {
    const results = await sync(
      deposit('D-4', 'S-4', 500_000, '2026-03-05'),
      withdrawal('W-4', 'S-4', 500_000, '2026-02-01'),
      withdrawal('W-5', 'S-4', 10_000, '2026-02-01'),
    );
    expect(results.map((r) => r.status)).toEqual(['created', 'rejected', 'created']);
    expect(results[1]!.problem).toMatchObject({ code: 'insufficient-funds' });
    // Rp20,000 held until 5 March, minimum balance Rp10,000: Rp10,000 could go on 1 February.
    expect(await balance('S-4', '?on=2026-02-15')).toEqual(idr(10_000));
    expect(await balance('S-4')).toEqual(idr(510_000));
  });

  it('of two back-dated withdrawals sent at once in two batches, only what the history allows', async () => {
    const opened = await sync(
      {
        externalId: 'O-S-6',
        accountId: 'S-6',
        type: 'open',
        memberId: 'm-1',
        productCode: 'SUKARELA',
        businessDate: '2026-01-02',
        openingBalance: idr(100_000),
      },
      deposit('D-6', 'S-6', 1_000_000, '2026-03-01'),
    );
    expect(opened.map((r) => r.status)).toEqual(['created', 'created']);
    // Each alone fits the Rp90,000 February leaves above the minimum balance; both do not.
    const [first, second] = await Promise.all([
      sync(withdrawal('W-6A', 'S-6', 60_000, '2026-02-01')),
      sync(withdrawal('W-6B', 'S-6', 60_000, '2026-02-02')),
    ]);
    expect([first[0]!.status, second[0]!.status].sort()).toEqual(['created', 'rejected']);
    expect(await balance('S-6', '?on=2026-02-15')).toEqual(idr(40_000));
  });

  it('of two back-dated withdrawals checked by two processes at once, only what the history allows', async () => {
    const opened = await sync(
      {
        externalId: 'O-S-7',
        accountId: 'S-7',
        type: 'open',
        memberId: 'm-1',
        productCode: 'SUKARELA',
        businessDate: '2026-01-02',
        openingBalance: idr(100_000),
      },
      deposit('D-7', 'S-7', 1_000_000, '2026-03-01'),
    );
    expect(opened.map((r) => r.status)).toEqual(['created', 'created']);
    // A second savings process over the same store: the other process's withdrawal is written
    // just after this one has read the whole history to check against (a read with no options).
    let other: Promise<{ status: string }[]> | undefined;
    const store = new Proxy(h.store, {
      get(target, prop) {
        if (prop === 'readStream')
          return async (...args: Parameters<typeof target.readStream>) => {
            const read = await target.readStream(...args);
            if (args[0] === accountStream('S-7') && args[1] === undefined && !other) {
              other = sync(withdrawal('W-7A', 'S-7', 60_000, '2026-02-01'));
              await other;
            }
            return read;
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    const db = h.savings.accounts.db;
    const accounts = new Accounts(
      store,
      db,
      new CatalogueStore(h.store),
      new MembershipDirectory(db),
      () => h.now(),
    );
    const secondProcess = new SyncService(accounts, new AccountService(accounts));
    const item = SyncItem.parse(withdrawal('W-7B', 'S-7', 60_000, '2026-02-02'));
    // Each alone fits the Rp90,000 February leaves above the minimum balance; both do not.
    const second = await secondProcess.receive(COOPS.A, sequence++, [item], { coopId: COOPS.A });
    const first = (await other!)[0]!;
    expect([first.status, second.results[0]!.status].sort()).toEqual(['created', 'rejected']);
    expect(await balance('S-7', '?on=2026-02-15')).toEqual(idr(40_000));
  });
});
