import { idr } from '../testing/savings-harness';
import { useAccountsHttp } from '../testing/accounts-http';
import { accountSnapshots } from './account-projection';

const world = useAccountsHttp();
const { post, get, open } = world;

/** The available balance at `now` as a read over the accounts read model computes it. */
function availableInReadModel(accountId: string, now: string): string {
  const row = world.h.savings.accounts.db
    .prepare<[string, string], { available: bigint }>(
      `SELECT a.balance - a.reserved + coalesce((SELECT sum(h.amount) FROM savings_holds h
          WHERE h.account_id = a.account_id AND h.expires_at <= ?), 0) AS available
         FROM savings_accounts a WHERE a.account_id = ?`,
    )
    .safeIntegers(true)
    .get(now, accountId);
  return row!.available.toString();
}

const holdsOf = (accountId: string) =>
  world.h.savings.accounts.db
    .prepare('SELECT hold_id, amount, expires_at FROM savings_holds WHERE account_id = ?')
    .all(accountId);

describe('accounts read model: holds with their expiry', () => {
  it('keeps each hold not yet released, so a read can leave out those lapsed at now', async () => {
    await open('m-1', 'SUKARELA', { accountId: 'rm', initialDeposit: { amount: idr(1_000_000) } });
    const hold = (holdId: string, amount: number, expiresAt: string) =>
      post('/accounts/rm/holds', world.h.keys.coopA, {
        holdId,
        amount: idr(amount),
        reason: 'x',
        expiresAt,
      }).expect(201);
    await hold('short', 500_000, '2026-03-10T05:00:00Z');
    await hold('long', 100_000, '2027-01-01T00:00:00Z');
    await hold('gone', 50_000, '2027-01-01T00:00:00Z');
    await post('/accounts/rm/holds/gone/release', world.h.keys.coopA).expect(200);
    await world.h.savings.projection.catchUp();
    expect(holdsOf('rm')).toEqual([
      { hold_id: 'long', amount: 100_000, expires_at: '2027-01-01T00:00:00.000Z' },
      { hold_id: 'short', amount: 500_000, expires_at: '2026-03-10T05:00:00.000Z' },
    ]);
    for (const now of ['2026-03-10T04:00:00.000Z', '2026-03-10T06:00:00.000Z']) {
      world.h.setNow(now);
      const view = (await get('/accounts/rm', world.h.keys.coopA).expect(200)).body;
      expect(availableInReadModel('rm', now)).toBe(view.availableBalance.amount);
    }
    expect(availableInReadModel('rm', '2026-03-10T06:00:00.000Z')).toBe('900000');
    world.h.setNow('2026-03-10T03:00:00.000Z');
  });

  it('fills the holds in when a read model written before it kept them is opened', async () => {
    const db = world.h.savings.accounts.db;
    const before = holdsOf('rm');
    db.exec('DROP TABLE savings_holds');
    accountSnapshots(db);
    expect(holdsOf('rm')).toEqual(before);
  });
});
