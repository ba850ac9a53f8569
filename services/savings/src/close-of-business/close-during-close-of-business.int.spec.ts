import request from 'supertest';
import { accountStream } from '../accounts/account-context';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * A close approved while close of business posts the member's month: the two must see each
 * other, whichever comes first. race-1 and race-2 earn Rp217,000 each in March (Rp70,000,000 at
 * 3.65%): Rp434,000 for the member's month → Rp43,400 withheld in all (PP 15/2009).
 */
const base = `/api/savings/v1/coops/${COOPS.A}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function harness() {
  const h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  const post = (path: string, body?: object, token = h.keys.coopA) => {
    const asked = request(h.app)
      .post(`${base}${path}`)
      .set({ Authorization: `Bearer ${token}` });
    return body === undefined ? asked : asked.send(body);
  };
  await post('/products', PRODUCTS.SUKARELA).expect(201);
  await h.joinPerson(COOPS.A, 'm-race');
  for (const accountId of ['race-1', 'race-2'])
    await post('/accounts', {
      accountId,
      memberId: 'm-race',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(70_000_000), via: 'bank' },
    }).expect(201);
  // Asked on 31 March, above the approval threshold: it waits for a second teller.
  h.setNow('2026-03-31T03:00:00.000Z');
  const asked = await post('/accounts/race-2/close', { via: 'bank' }).expect(202);
  h.setNow('2026-04-01T01:00:00.000Z');
  const approve = () =>
    post(
      `/accounts/race-2/withdrawals/${asked.body.withdrawalId}/approve`,
      undefined,
      h.keys.coopA2,
    ).expect(200);
  return { h, approve };
}

async function taxWithheld(h: SavingsHarness, accountId: string): Promise<bigint> {
  const events = await h.store.readStream(accountStream(accountId));
  return events
    .filter((e) => e.type === 'InterestTaxWithheld')
    .reduce((sum, e) => sum + BigInt((e.data as { amount: string }).amount), 0n);
}

/** Runs `during` when close of business first does something of `kind` (awaited, or for a while). */
function intercept(
  h: SavingsHarness,
  during: () => Promise<unknown>,
  at: 'product' | 'race-1',
): () => Promise<unknown> {
  let fired: Promise<unknown> | undefined;
  const fire = async (wait: boolean) => {
    if (fired) return;
    fired = during();
    // Awaited when the close can finish first; else given its chance while this one waits.
    if (wait) await fired;
    else await Promise.race([fired, sleep(1_000)]);
  };
  const { catalogue, aggregates } = h.savings.accounts;
  if (at === 'product') {
    const product = catalogue.product.bind(catalogue);
    jest.spyOn(catalogue, 'product').mockImplementation(async (...args) => {
      await fire(true);
      await h.savings.projection.catchUp();
      return product(...args);
    });
  } else {
    const execute = aggregates.execute.bind(aggregates);
    jest.spyOn(aggregates, 'execute').mockImplementation(async (stream, ...rest) => {
      if (stream === accountStream('race-1')) await fire(false);
      return execute(stream, ...rest);
    });
  }
  return () => fired ?? Promise.resolve();
}

describe('a close approved during close of business, on the member’s month (PP 15/2009)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('withholds the month’s whole tax when the approval comes while close of business posts race-1', async () => {
    const { h, approve } = await harness();
    try {
      const approved = intercept(h, approve, 'race-1');
      await h.savings.closeOfBusiness('2026-03-31');
      await approved();
      const total = (await taxWithheld(h, 'race-1')) + (await taxWithheld(h, 'race-2'));
      expect(total).toBe(43_400n);
    } finally {
      await h.close();
    }
  });

  it('withholds the month’s whole tax when the close is approved, and projected, after close of business read the due accounts', async () => {
    const { h, approve } = await harness();
    try {
      const approved = intercept(h, approve, 'product');
      await h.savings.closeOfBusiness('2026-03-31');
      await approved();
      const total = (await taxWithheld(h, 'race-1')) + (await taxWithheld(h, 'race-2'));
      expect(total).toBe(43_400n);
      // race-2's close posted March's interest; close of business posted race-1's only.
      const interest = (await h.store.readStream(accountStream('race-2'))).filter(
        (e) => e.type === 'InterestPosted',
      );
      expect(interest).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});
