import { idr } from '../testing/savings-harness';
import { useAccountsHttp } from '../testing/accounts-http';

const world = useAccountsHttp();
const { post, get, open } = world;

describe('reads over the accounts read model, once a hold lapsed during the day', () => {
  it('the accounts list and the totals count it no longer, as the account view does', async () => {
    const coop = world.h.keys.coopA;
    await open('m-1', 'SUKARELA', { accountId: 'sk', initialDeposit: { amount: idr(1_000_000) } });
    for (const [holdId, amount, expiresAt] of [
      ['short', 500_000, '2026-03-10T05:00:00Z'],
      ['long', 100_000, '2027-01-01T00:00:00Z'],
    ] as const) {
      await post('/accounts/sk/holds', coop, {
        holdId,
        amount: idr(amount),
        reason: 'collateral',
        expiresAt,
      }).expect(201);
    }
    const reads = async () => ({
      view: (await get('/accounts/sk', coop).expect(200)).body.availableBalance,
      listed: (await get('/accounts?memberId=m-1&productCode=SUKARELA', coop).expect(200)).body
        .items[0].availableBalance,
      held: (await get('/totals', world.h.keys.coopA).expect(200)).body.products.find(
        (p: { productCode: string }) => p.productCode === 'SUKARELA',
      ).held,
    });
    expect(await reads()).toEqual({ view: idr(400_000), listed: idr(400_000), held: idr(600_000) });
    // After the short hold's expiry, before close of business releases it.
    world.h.setNow('2026-03-10T06:00:00.000Z');
    expect(await reads()).toEqual({ view: idr(900_000), listed: idr(900_000), held: idr(100_000) });
  });
});
