import request from 'supertest';
import { accountStream } from '../accounts/account-context';
import { TransferService } from '../transfers/transfer-service';
import { CloseOfBusiness } from './close-of-business';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

/**
 * PP 15/2009 judges a member's interest in a month, whichever of its accounts it was paid to:
 * Rp240,000 is the member's threshold, not each account's. Sukarela at 3.65% earns Rp0.0001 a
 * rupiah a day: Rp70,000,000 earns Rp217,000 in March.
 */
const base = `/api/savings/v1/coops/${COOPS.A}`;
let h: SavingsHarness;
let visited = 0;
const post = (path: string, body?: object, token = h.keys.coopA) => {
  const asked = request(h.app)
    .post(`${base}${path}`)
    .set({ Authorization: `Bearer ${token}` });
  return body === undefined ? asked : asked.send(body);
};

const open = (memberId: string, accountId: string, amount: number) =>
  post('/accounts', {
    accountId,
    memberId,
    productCode: 'SUKARELA',
    initialDeposit: { amount: idr(amount), via: 'bank' },
  }).expect(201);

async function close(accountId: string) {
  const asked = await post(`/accounts/${accountId}/close`, { via: 'bank' }).expect(202);
  const approve = `/accounts/${accountId}/withdrawals/${asked.body.withdrawalId}/approve`;
  await post(approve, undefined, h.keys.coopA2).expect(200);
}

async function postings(accountId: string) {
  const events = await h.store.readStream(accountStream(accountId));
  const amounts = (type: string) =>
    events.filter((e) => e.type === type).map((e) => (e.data as { amount: string }).amount);
  return { interest: amounts('InterestPosted'), tax: amounts('InterestTaxWithheld') };
}

beforeAll(async () => {
  h = await savingsHarness({ start: '2026-03-01T02:00:00.000Z' });
  await post('/products', PRODUCTS.SUKARELA).expect(201);
  for (const member of ['m-two', 'm-three', 'm-closed', 'm-closes', 'm-alone'])
    await h.joinPerson(COOPS.A, member);
  await open('m-two', 'two-1', 70_000_000);
  await open('m-two', 'two-2', 70_000_000);
  await open('m-three', 'three-1', 30_000_000);
  await open('m-three', 'three-2', 40_000_000);
  await open('m-three', 'three-3', 10_000_000);
  await open('m-closed', 'closed-1', 60_000_000);
  await open('m-closed', 'closed-2', 60_000_000);
  await open('m-alone', 'alone-1', 70_000_000);
  for (const id of ['closes-1', 'closes-2', 'closes-3']) await open('m-closes', id, 60_000_000);
  // Closed on 16 March: interest for 1–15 March (Rp90,000) is posted then, untaxed on its own.
  h.setNow('2026-03-16T03:00:00.000Z');
  await close('closed-1');
  await close('closes-1');
  // Interest for 1–26 March (Rp156,000): with the Rp90,000 above, the member's month passes.
  h.setNow('2026-03-27T03:00:00.000Z');
  await close('closes-2');
  h.setNow('2026-04-01T01:00:00.000Z');
  // Two due accounts a page: members cut short by a page start the next; one filling it is read whole.
  const { accounts, projection } = h.savings;
  const cob = new CloseOfBusiness(accounts, projection, new TransferService(accounts), 10_000, 2);
  visited = (await cob.run('2026-03-31')).accountsVisited;
});
afterAll(() => h.close());

describe('withholding tax judged on the member’s month, across its accounts (PP 15/2009)', () => {
  it('taxes two accounts each under Rp240,000 whose month together is above it: 10% of Rp434,000', async () => {
    expect(await postings('two-1')).toEqual({ interest: ['217000'], tax: ['21700'] });
    expect(await postings('two-2')).toEqual({ interest: ['217000'], tax: ['21700'] });
  });

  it('splits the member’s tax across three accounts in proportion to their interest, exactly', async () => {
    // Rp93,000 + Rp124,000 + Rp31,000 = Rp248,000 → Rp24,800.
    expect(await postings('three-1')).toEqual({ interest: ['93000'], tax: ['9300'] });
    expect(await postings('three-2')).toEqual({ interest: ['124000'], tax: ['12400'] });
    expect(await postings('three-3')).toEqual({ interest: ['31000'], tax: ['3100'] });
  });

  it('counts interest an account closed earlier in the month posted: the month’s tax falls on what is paid at its end', async () => {
    // Rp90,000 at the close + Rp186,000 at the month's end = Rp276,000 → Rp27,600.
    expect(await postings('closed-1')).toEqual({ interest: ['90000'], tax: [] });
    expect(await postings('closed-2')).toEqual({ interest: ['186000'], tax: ['27600'] });
  });

  it('judges a close on the member’s month so far, and the month’s end on the whole month', async () => {
    // Rp90,000 + Rp156,000 = Rp246,000 at the second close → Rp24,600 withheld by it.
    expect(await postings('closes-1')).toEqual({ interest: ['90000'], tax: [] });
    expect(await postings('closes-2')).toEqual({ interest: ['156000'], tax: ['24600'] });
    // + Rp186,000 = Rp432,000 → Rp43,200 for the month, Rp18,600 of it still owed.
    expect(await postings('closes-3')).toEqual({ interest: ['186000'], tax: ['18600'] });
  });

  it('rebuilds the member months the tax was judged on from the log, as they were', async () => {
    const months = () =>
      h.savings.accounts.db
        .prepare('SELECT * FROM savings_interest_months ORDER BY account_id, month')
        .all();
    await h.savings.projection.catchUp();
    const live = months();
    expect(live).toContainEqual(
      expect.objectContaining({
        account_id: 'two-2',
        month: '2026-03',
        gross: 217_000,
        tax: 21_700,
      }),
    );
    await h.savings.projection.rebuild();
    expect(months()).toEqual(live);
  });

  it('visits every due account once, its member’s accounts together', () => {
    expect(visited).toBe(8);
  });

  it('leaves a member whose only account stays under Rp240,000 untaxed', async () => {
    expect(await postings('alone-1')).toEqual({ interest: ['217000'], tax: [] });
  });
});
