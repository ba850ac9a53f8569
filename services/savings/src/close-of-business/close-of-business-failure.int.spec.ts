import request from 'supertest';
import { SqliteEventStore } from '@kopfed/eventstore';
import { HttpProblem } from '@kopfed/service-kit';
import { accountStream } from '../accounts/account-context';
import { memberTurnLease } from '../interest/member-postings';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * A close of business that fails for one member (a store error, a lease refused on a shared
 * store) stops every worker before it answers: none starts another member, none posts a member
 * whose turn came after the failure, and run again it posts what the first run left. Figures as
 * in close-during-close-of-business.int.spec.ts: Rp43,400 withheld for m-race's March.
 */
const base = `/api/savings/v1/coops/${COOPS.A}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let h: SavingsHarness;
/** The store a test's instance shares with others, if it does. */
let shared: SqliteEventStore | undefined;

afterEach(async () => {
  jest.restoreAllMocks();
  await h.close();
  await shared?.close();
  shared = undefined;
});

function poster(token = h.keys.coopA) {
  return (path: string, body?: object, as = token) => {
    const asked = request(h.app)
      .post(`${base}${path}`)
      .set({ Authorization: `Bearer ${as}` });
    return body === undefined ? asked : asked.send(body);
  };
}

async function events(accountId: string, type: string) {
  return (await h.store.readStream(accountStream(accountId))).filter((e) => e.type === type);
}

async function taxWithheld(accountId: string): Promise<bigint> {
  return (await events(accountId, 'InterestTaxWithheld')).reduce(
    (sum, e) => sum + BigInt((e.data as { amount: string }).amount),
    0n,
  );
}

/** m-fail with fail-1, and `memberId` with `accountId`: Rp70,000,000 each in sukarela. */
async function twoMembers(memberId: string, accountId: string): Promise<void> {
  const post = poster();
  await post('/products', PRODUCTS.SUKARELA).expect(201);
  for (const [member, account] of [
    ['m-fail', 'fail-1'],
    [memberId, accountId],
  ]) {
    await h.joinPerson(COOPS.A, member!);
    await post('/accounts', {
      accountId: account,
      memberId: member,
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(70_000_000), via: 'bank' },
    }).expect(201);
  }
}

/** `accountId`'s close of business throws `error`; the promise resolves once it has. */
function failOn(error: Error, accountId = 'fail-1'): Promise<void> {
  let failed!: () => void;
  const thrown = new Promise<void>((resolve) => (failed = resolve));
  const { aggregates } = h.savings.accounts;
  const execute = aggregates.execute.bind(aggregates);
  jest.spyOn(aggregates, 'execute').mockImplementation(async (stream, ...rest) => {
    if (stream === accountStream(accountId)) {
      failed();
      throw error;
    }
    return execute(stream, ...rest);
  });
  return thrown;
}

/** `memberId`'s first turn waits for `before` (and whatever it does) before it is taken. */
function turnAfter(memberId: string, before: () => Promise<unknown>) {
  const { memberPostings } = h.savings.accounts;
  const run = memberPostings.run.bind(memberPostings);
  let waited = false;
  jest.spyOn(memberPostings, 'run').mockImplementation(async (coopId, member, ...rest) => {
    if (member !== memberId || waited) return run(coopId, member, ...rest);
    waited = true;
    await before();
    return run(coopId, member, ...rest);
  });
}

it('a member whose turn comes after another failed is left to the run again, which withholds the month’s whole tax', async () => {
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  const post = poster();
  await post('/products', PRODUCTS.SUKARELA).expect(201);
  await h.joinPerson(COOPS.A, 'm-fail');
  await h.joinPerson(COOPS.A, 'm-race');
  await post('/accounts', {
    accountId: 'fail-1',
    memberId: 'm-fail',
    productCode: 'SUKARELA',
    initialDeposit: { amount: idr(1_000_000), via: 'bank' },
  }).expect(201);
  for (const accountId of ['race-1', 'race-2'])
    await post('/accounts', {
      accountId,
      memberId: 'm-race',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(70_000_000), via: 'bank' },
    }).expect(201);
  h.setNow('2026-03-31T03:00:00.000Z');
  const asked = await post('/accounts/race-2/close', { via: 'bank' }).expect(202);
  h.setNow('2026-04-01T01:00:00.000Z');

  const failed = failOn(new Error('SQLITE_BUSY: database is locked'));
  // m-race's turn comes after fail-1 failed, and after a teller approved race-2's close.
  turnAfter('m-race', async () => {
    await failed;
    await post(
      `/accounts/race-2/withdrawals/${asked.body.withdrawalId}/approve`,
      undefined,
      h.keys.coopA2,
    ).expect(200);
    await h.savings.projection.catchUp();
  });
  await expect(h.savings.closeOfBusiness('2026-03-31')).rejects.toThrow('SQLITE_BUSY');
  // The failed run posted nothing for m-race: only the close posted race-2's March.
  expect(await events('race-1', 'InterestPosted')).toHaveLength(0);
  expect(await events('race-2', 'InterestPosted')).toHaveLength(1);

  jest.restoreAllMocks();
  const again = await h.savings.closeOfBusiness('2026-03-31');
  expect(again.alreadyClosed).toBe(false);
  expect((await taxWithheld('race-1')) + (await taxWithheld('race-2'))).toBe(43_400n);
  expect(await events('fail-1', 'InterestPosted')).toHaveLength(1);
});

it('answers 503 only once every worker has stopped, and writes nothing after it', async () => {
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  await twoMembers('m-late', 'late-1');
  h.setNow('2026-04-01T01:00:00.000Z');
  const failed = failOn(
    new HttpProblem('unavailable', 'The event store did not answer; try again shortly.', {
      headers: { 'Retry-After': '2' },
    }),
  );
  // m-late is still waiting for its turn when fail-1 fails.
  turnAfter('m-late', async () => {
    await failed;
    await sleep(50);
  });
  const res = await request(h.app)
    .post('/api/savings/v1/close-of-business')
    .set({ Authorization: `Bearer ${h.keys.admin}` })
    .send({ businessDate: '2026-03-31' });
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toBe('2');
  const atAnswer = (await h.store.readStream(accountStream('late-1'))).length;
  await sleep(200);
  expect((await h.store.readStream(accountStream('late-1'))).length).toBe(atAnswer);
  expect(await events('late-1', 'InterestPosted')).toHaveLength(0);

  jest.restoreAllMocks();
  await request(h.app)
    .post('/api/savings/v1/close-of-business')
    .set({ Authorization: `Bearer ${h.keys.admin}` })
    .send({ businessDate: '2026-03-31' })
    .expect(200);
  expect(await events('late-1', 'InterestPosted')).toHaveLength(1);
  expect(await events('fail-1', 'InterestPosted')).toHaveLength(1);
});

it('a member whose second account failed is taxed on the whole month when run again', async () => {
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  const post = poster();
  await post('/products', PRODUCTS.SUKARELA).expect(201);
  await h.joinPerson(COOPS.A, 'm-three');
  // March's interest at 3.65%: Rp93,000, Rp124,000 and Rp31,000, Rp248,000 for the month.
  for (const [accountId, amount] of [
    ['three-1', 30_000_000],
    ['three-2', 40_000_000],
    ['three-3', 10_000_000],
  ] as const)
    await post('/accounts', {
      accountId,
      memberId: 'm-three',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(amount), via: 'bank' },
    }).expect(201);
  h.setNow('2026-04-01T01:00:00.000Z');
  void failOn(new Error('SQLITE_BUSY: database is locked'), 'three-2');
  await expect(h.savings.closeOfBusiness('2026-03-31')).rejects.toThrow('SQLITE_BUSY');
  expect(await events('three-1', 'InterestPosted')).toHaveLength(1);
  expect(await events('three-2', 'InterestPosted')).toHaveLength(0);

  jest.restoreAllMocks();
  await h.savings.closeOfBusiness('2026-03-31');
  const withheld = [
    await taxWithheld('three-1'),
    await taxWithheld('three-2'),
    await taxWithheld('three-3'),
  ];
  // 10% of the member's month, in proportion, as a run that never failed withholds it.
  expect(withheld).toEqual([9_300n, 12_400n, 3_100n]);
  for (const accountId of ['three-1', 'three-2', 'three-3'])
    expect(await events(accountId, 'InterestPosted')).toHaveLength(1);
});

it('on a store other instances share, stops waiting for a member another instance holds once the run failed', async () => {
  const store = (shared = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 10 }));
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z', alongside: store });
  await twoMembers('m-held', 'held-1');
  h.setNow('2026-04-01T01:00:00.000Z');
  // Another instance posts m-held's month (its turn lasts up to 35 s for a close of business).
  const lease = memberTurnLease(COOPS.A, 'm-held');
  expect(await store.leases.acquire(lease, 'another-instance', 30_000)).toBe(true);
  const failed = failOn(new Error('SQLITE_BUSY: database is locked'));
  turnAfter('m-held', () => failed);
  const started = Date.now();
  await expect(h.savings.closeOfBusiness('2026-03-31')).rejects.toThrow('SQLITE_BUSY');
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(await events('held-1', 'InterestPosted')).toHaveLength(0);
});
