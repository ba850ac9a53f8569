import request from 'supertest';
import { catalog } from '@kopfed/contracts';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from './testing/savings-harness';

const base = '/api/savings/v1';
let h: SavingsHarness;
const post = (path: string, body?: object) => {
  const req = request(h.app)
    .post(`${base}/coops/${COOPS.A}${path}`)
    .set({ Authorization: `Bearer ${h.keys.coopA}` });
  return body ? req.send(body) : req;
};

beforeAll(async () => {
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  for (const product of [PRODUCTS.SUKARELA, PRODUCTS.WAJIB])
    await post('/products', product).expect(201);
  await h.joinPerson(COOPS.A, 'm-1');
});
afterAll(() => h.close());

async function published() {
  await new Promise((resolve) => setTimeout(resolve, 100));
  return h.published.map((m) => catalog.fromEnvelope(JSON.parse(m.value)));
}

describe('the savings service’s integration events', () => {
  it('publishes every money movement once, valid against its contract, with what the books need', async () => {
    await post('/accounts', {
      accountId: 'sk',
      memberId: 'm-1',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(90_000_000), via: 'bank' },
    }).expect(201);
    await post('/accounts', { accountId: 'wj', memberId: 'm-1', productCode: 'WAJIB' }).expect(201);
    await post('/accounts/sk/withdrawals', { amount: idr(1_000) }).expect(200);
    await post('/accounts/sk/holds', {
      holdId: 'h-1',
      amount: idr(5_000),
      reason: 'payment',
      expiresAt: '2026-03-02T00:00:00Z',
    }).expect(201);
    await post('/accounts/sk/holds/h-1/capture', {
      amount: idr(4_000),
      via: 'settlement_in_transit',
    }).expect(200);
    await post('/transfers', {
      transferId: 't-1',
      fromAccountId: 'sk',
      toAccountId: 'wj',
      amount: idr(50_000),
    }).expect(201);
    h.setNow('2026-04-01T01:00:00.000Z');
    await h.savings.closeOfBusiness('2026-03-31');
    const events = await published();
    expect(events.map((e) => e.name)).toEqual([
      'SavingsAccountOpened',
      'SavingsDeposited',
      'SavingsAccountOpened',
      'SavingsWithdrawn',
      'SavingsHoldPlaced',
      'SavingsWithdrawn',
      'SavingsTransferred',
      'SavingsInterestPosted',
      'SavingsInterestTaxWithheld',
    ]);
    expect(events[1]!.data).toMatchObject({
      coopId: COOPS.A,
      accountId: 'sk',
      memberId: 'm-1',
      memberKind: 'person',
      product: { code: 'SUKARELA', kind: 'sukarela', classification: 'liability' },
      amount: idr(90_000_000),
      via: 'bank',
      businessDate: '2026-03-01',
    });
    expect(events[5]!.data).toMatchObject({
      reason: 'hold_captured',
      hold: { holdId: 'h-1', released: idr(1_000) },
      amount: idr(4_000),
    });
    expect(events[6]!.data).toMatchObject({
      from: { accountId: 'sk', product: { classification: 'liability' } },
      to: { accountId: 'wj', product: { code: 'WAJIB', classification: 'equity' } },
    });
    expect(events[7]!.data).toMatchObject({ periodEnd: '2026-03-31', businessDate: '2026-03-31' });
    expect(events[8]!.data).toMatchObject({ source: 'PP 15/2009', rateBasisPoints: 1000 });
    expect(h.published.every((m) => m.key === 'sk' || m.key === 'wj')).toBe(true);
  });
});
