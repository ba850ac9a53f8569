import { Projection } from '../shared/projection';
import { idr } from '../testing/savings-harness';
import { useAccountsHttp } from '../testing/accounts-http';
import { accountSnapshots, accountsProjection } from './account-projection';

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

describe('accounts read model: a node upgraded from savings-accounts-v1', () => {
  const TABLES = [
    'savings_accounts',
    'savings_holds',
    'savings_statement_lines',
    'savings_wajib_months',
  ];
  /** Every row of the tables, in a fixed order. */
  const rowsOf = (tables: readonly string[]) =>
    tables.map((table) =>
      world.h.savings.accounts.db
        .prepare(`SELECT * FROM ${table}`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort(),
    );
  const stateOf = (accountId: string) =>
    JSON.parse(
      (
        world.h.savings.accounts.db
          .prepare('SELECT state FROM savings_accounts WHERE account_id = ?')
          .get(accountId) as { state: string }
      ).state,
    ) as { finishedHolds?: unknown };

  it('builds its read model again from the log, so it equals a rebuild and serves snapshots', async () => {
    const coop = world.h.keys.coopA;
    await open('m-1', 'SUKARELA', { accountId: 'up', initialDeposit: { amount: idr(1_000_000) } });
    await post('/accounts/up/holds', coop, {
      holdId: 'h1',
      amount: idr(100_000),
      reason: 'x',
      expiresAt: '2027-01-01T00:00:00Z',
    }).expect(201);
    await post('/accounts/up/holds/h1/release', coop).expect(200);
    await world.h.savings.projection.catchUp();
    await world.h.savings.projection.stop();
    // The node as v1 left it: rows without finished holds, under v1's checkpoint.
    const db = world.h.savings.accounts.db;
    db.exec(`UPDATE savings_accounts SET state = json_remove(state, '$.finishedHolds')`);
    db.exec(
      `UPDATE savings_checkpoints SET name = 'savings-accounts-v1' WHERE name = 'savings-accounts-v5'`,
    );
    expect(stateOf('up').finishedHolds).toBeUndefined();
    const upgraded = new Projection(world.h.store, db, accountsProjection());
    upgraded.start();
    try {
      await post('/accounts/up/deposits', coop, { amount: idr(5_000) }).expect(200);
      await upgraded.catchUp();
      const live = { tables: rowsOf(TABLES), up: stateOf('up') };
      expect(live.up.finishedHolds).toEqual({
        h1: {
          amount: '100000',
          reason: 'x',
          expiresAt: '2027-01-01T00:00:00.000Z',
          ended: { kind: 'released' },
        },
      });
      expect(accountSnapshots(db)('account-up')).toBeDefined();
      await upgraded.rebuild();
      expect({ tables: rowsOf(TABLES), up: stateOf('up') }).toEqual(live);
    } finally {
      await upgraded.stop();
    }
  });
});
