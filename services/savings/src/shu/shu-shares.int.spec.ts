import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { catalog } from '@kopfed/contracts';
import { deterministicUuid } from '@kopfed/eventstore';
import type { AccountEvent } from '../accounts/account-events';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * Settlement's `ShuDistributed` handed straight to the savings.shu consumption (the contract
 * event, not settlement's code): who is credited, on which day, and once.
 */
const base = `/api/savings/v1/coops/${COOPS.A}`;
const as = (token: string) => ({ Authorization: `Bearer ${token}` });

let h: SavingsHarness;
const post = (path: string, body: object) =>
  request(h.app).post(`${base}${path}`).set(as(h.keys.coopA)).send(body);

beforeAll(async () => {
  h = await savingsHarness({ start: '2027-03-10T03:00:00.000Z' });
  await post('/products', PRODUCTS.SUKARELA).expect(201);
});
afterAll(() => h.close());

/** Delivers a ShuDistributed of coop A dated `businessDate`; `id` again is a redelivery. */
async function deliver(
  credits: { memberId: string; amount: bigint }[],
  businessDate: string,
  id = uuidv7(),
): Promise<void> {
  const envelope = catalog.toEnvelope('ShuDistributed', {
    id,
    subject: `${COOPS.A}/2026`,
    time: h.now().toISOString(),
    businessDate,
    data: {
      coopId: COOPS.A,
      financialYear: 2026,
      simulationId: '2026-1',
      currency: 'IDR',
      credits: credits.map((c) => ({ memberId: c.memberId, amount: idr(c.amount) })),
      businessDate,
      distributedAt: h.now().toISOString(),
    },
  });
  const consumption = h.savings.consumes!.find((c) => c.group === 'savings.shu')!;
  await consumption.handler({
    key: envelope.subject,
    value: JSON.stringify(envelope),
    topic: catalog.topicOf('settlement'),
    headers: {},
    attempt: 1,
  });
}

/** The SHU deposits appended to an account's stream. */
async function shuDeposits(accountId: string) {
  const events = await h.store.readStream(`account-${accountId}`);
  return events
    .map((e) => ({ type: e.type, data: e.data }) as AccountEvent)
    .filter(
      (e): e is Extract<AccountEvent, { type: 'Deposited' }> =>
        e.type === 'Deposited' && e.data.via === 'shu_payable',
    )
    .map((e) => ({ amount: e.data.amount, on: e.data.on }));
}

const balanceOf = async (accountId: string) =>
  (
    (await request(h.app).get(`${base}/accounts/${accountId}`).set(as(h.keys.coopA)).expect(200))
      .body as { balance: { amount: string } }
  ).balance.amount;

describe('the SHU share of a member who has left since the year ended', () => {
  it('goes into the open account of the SHU product they still hold, once', async () => {
    await h.joinPerson(COOPS.A, 'm-2');
    await post('/accounts', {
      accountId: 'sk-2',
      memberId: 'm-2',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(100_000) },
    }).expect(201);
    await h.member('MemberLeft', {
      coopId: COOPS.A,
      memberId: 'm-2',
      reason: 'resigned',
      leftOn: '2027-02-01',
    });
    const id = uuidv7();
    const share = [{ memberId: 'm-2', amount: 250_000n }];
    await expect(deliver(share, '2027-03-10', id)).resolves.toBeUndefined();
    await expect(deliver(share, '2027-03-10', id)).resolves.toBeUndefined();
    expect(await shuDeposits('sk-2')).toEqual([{ amount: '250000', on: '2027-03-10' }]);
    expect(await balanceOf('sk-2')).toBe('350000');
    // A member who has left is paid back by withdrawals.
    await post('/accounts/sk-2/withdrawals', { amount: idr(300_000) }).expect(200);
  });

  it('opens an account of the SHU product for it when they hold none open, once', async () => {
    await h.joinPerson(COOPS.A, 'm-3');
    await post('/accounts', { accountId: 'sk-3', memberId: 'm-3', productCode: 'SUKARELA' }).expect(
      201,
    );
    await post('/accounts/sk-3/close', { via: 'cash' }).expect(200);
    await h.member('MemberLeft', {
      coopId: COOPS.A,
      memberId: 'm-3',
      reason: 'resigned',
      leftOn: '2027-02-01',
    });
    const id = uuidv7();
    const share = [{ memberId: 'm-3', amount: 250_000n }];
    await expect(deliver(share, '2027-03-10', id)).resolves.toBeUndefined();
    await expect(deliver(share, '2027-03-10', id)).resolves.toBeUndefined();
    const opened = deterministicUuid('savings-shu-account', id, 'm-3');
    expect(await shuDeposits(opened)).toEqual([{ amount: '250000', on: '2027-03-10' }]);
    expect(await balanceOf(opened)).toBe('250000');
    await post(`/accounts/${opened}/withdrawals`, { amount: idr(240_000) }).expect(200);
  });

  it('still refuses money paid in by a member who has left', async () => {
    await post('/accounts/sk-2/deposits', { amount: idr(1_000) }).expect(422);
  });
});

describe('the day an SHU share is credited on', () => {
  it('is the distribution’s business date, however late the message comes', async () => {
    h.setNow('2027-03-10T03:00:00.000Z');
    await h.joinPerson(COOPS.A, 'm-1');
    await post('/accounts', {
      accountId: 'sk-1',
      memberId: 'm-1',
      productCode: 'SUKARELA',
      initialDeposit: { amount: idr(100_000) },
    }).expect(201);
    await h.joinPerson(COOPS.A, 'm-4');
    h.setNow('2027-03-18T03:00:00.000Z');
    const id = uuidv7();
    await deliver(
      [
        { memberId: 'm-1', amount: 250_000n },
        { memberId: 'm-4', amount: 250_000n },
      ],
      '2027-03-15',
      id,
    );
    expect(await shuDeposits('sk-1')).toEqual([{ amount: '250000', on: '2027-03-15' }]);
    const opened = deterministicUuid('savings-shu-account', id, 'm-4');
    expect(await shuDeposits(opened)).toEqual([{ amount: '250000', on: '2027-03-15' }]);
    const [openedEvent] = await h.store.readStream(`account-${opened}`, { maxCount: 1 });
    expect(openedEvent!.data).toMatchObject({ openedOn: '2027-03-15', accrualFrom: '2027-03-15' });

    // 3.65% a year: 10 rupiah a day on 100,000 from 10 March, 25 on the share from 15 March.
    h.setNow('2027-04-01T03:00:00.000Z');
    await h.savings.closeOfBusiness('2027-03-31');
    const interest = async (accountId: string) =>
      (await h.store.readStream(`account-${accountId}`))
        .filter((e) => e.type === 'InterestPosted')
        .map((e) => (e.data as { amount: string }).amount);
    expect(await interest('sk-1')).toEqual([String(22 * 10 + 17 * 25)]);
    expect(await interest(opened)).toEqual([String(17 * 25)]);
  });

  it('is the day the account opened when the distribution is dated before it', async () => {
    h.setNow('2027-04-05T03:00:00.000Z');
    await h.joinPerson(COOPS.A, 'm-5');
    await post('/accounts', { accountId: 'sk-5', memberId: 'm-5', productCode: 'SUKARELA' }).expect(
      201,
    );
    await deliver([{ memberId: 'm-5', amount: 250_000n }], '2027-03-15');
    expect(await shuDeposits('sk-5')).toEqual([{ amount: '250000', on: '2027-04-05' }]);
  });
});
