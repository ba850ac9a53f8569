import request from 'supertest';
import { SqliteEventStore } from '@kopfed/eventstore';
import { accountStream } from '../accounts/account-context';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * Two instances of savings over one store (as over one KurrentDB): a close approved on one
 * while close of business posts the member's month on the other must see each other, as they do
 * in one process (close-during-close-of-business.int.spec.ts). Each account's own postings are
 * safe already (appended at an expected revision); the member's month is not an aggregate, so
 * each instance must wait for the other's postings of the member and read them first.
 * race-1 and race-2 earn Rp217,000 each in March (Rp70,000,000 at 3.65%): Rp434,000 for the
 * member's month → Rp43,400 withheld in all (PP 15/2009); alone, neither is taxed.
 */
const base = `/api/savings/v1/coops/${COOPS.A}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let now = new Date('2026-03-01T02:00:00.000Z');
let store: SqliteEventStore;
/** Close of business runs here. */
let one: SavingsHarness;
/** The close is approved here. */
let two: SavingsHarness;

const post = (h: SavingsHarness, path: string, body?: object, token = h.keys.coopA) => {
  const asked = request(h.app)
    .post(`${base}${path}`)
    .set({ Authorization: `Bearer ${token}` });
  return body === undefined ? asked : asked.send(body);
};
const setNow = (instant: string) => {
  now = new Date(instant);
  one.setNow(instant);
  two.setNow(instant);
};

beforeEach(async () => {
  now = new Date('2026-03-01T02:00:00.000Z');
  store = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 10, clock: () => now });
  one = await savingsHarness({ start: now.toISOString(), alongside: store });
  two = await savingsHarness({ start: now.toISOString(), alongside: store });
  await post(one, '/products', PRODUCTS.SUKARELA).expect(201);
  for (const h of [one, two]) await h.joinPerson(COOPS.A, 'm-race');
  for (const accountId of ['race-1', 'race-2'])
    await post(one, '/accounts', {
      accountId,
      memberId: 'm-race',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(70_000_000), via: 'bank' },
    }).expect(201);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await one.close();
  await two.close();
  await store.close();
});

/** race-2's close, asked on 31 March above the approval threshold, approved on `two` on 1 April. */
async function closeAsked(): Promise<() => Promise<unknown>> {
  setNow('2026-03-31T03:00:00.000Z');
  const asked = await post(one, '/accounts/race-2/close', { via: 'bank' }).expect(202);
  setNow('2026-04-01T01:00:00.000Z');
  await two.savings.projection.catchUp();
  return () =>
    post(
      two,
      `/accounts/race-2/withdrawals/${asked.body.withdrawalId}/approve`,
      undefined,
      two.keys.coopA2,
    ).expect(200);
}

async function taxWithheld(accountId: string): Promise<bigint> {
  const events = await store.readStream(accountStream(accountId));
  return events
    .filter((e) => e.type === 'InterestTaxWithheld')
    .reduce((sum, e) => sum + BigInt((e.data as { amount: string }).amount), 0n);
}

describe('a close approved on one instance during close of business on another (PP 15/2009)', () => {
  it('withholds the month’s whole tax when the approval comes while close of business posts race-1', async () => {
    const approve = await closeAsked();
    let approved: Promise<unknown> | undefined;
    const { aggregates } = one.savings.accounts;
    const execute = aggregates.execute.bind(aggregates);
    jest.spyOn(aggregates, 'execute').mockImplementation(async (stream, ...rest) => {
      if (stream === accountStream('race-1') && !approved) {
        approved = approve();
        // The approval's chance to go ahead, were it not held back.
        await Promise.race([approved, sleep(1_000)]);
      }
      return execute(stream, ...rest);
    });
    await one.savings.closeOfBusiness('2026-03-31');
    await approved;
    expect((await taxWithheld('race-1')) + (await taxWithheld('race-2'))).toBe(43_400n);
  });

  it('withholds the month’s whole tax when the close is approved after close of business read the due accounts', async () => {
    const approve = await closeAsked();
    let approved: Promise<unknown> | undefined;
    const { catalogue } = one.savings.accounts;
    const product = catalogue.product.bind(catalogue);
    jest.spyOn(catalogue, 'product').mockImplementation(async (...args) => {
      approved ??= approve();
      await approved;
      return product(...args);
    });
    await one.savings.closeOfBusiness('2026-03-31');
    expect((await taxWithheld('race-1')) + (await taxWithheld('race-2'))).toBe(43_400n);
    // race-2's close posted March's interest; close of business posted race-1's only.
    const interest = (await store.readStream(accountStream('race-2'))).filter(
      (e) => e.type === 'InterestPosted',
    );
    expect(interest).toHaveLength(1);
  });
});
