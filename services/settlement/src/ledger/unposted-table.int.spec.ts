import Database from 'better-sqlite3';
import { coopId, productCode, type MoneyEvent } from '@kopfed/ledger';
import { money } from '@kopfed/money';
import { UnpostedTable } from './unposted-table';

const deposit = (coop: string, eventId: string): MoneyEvent => ({
  eventId,
  eventType: 'SavingsDeposited',
  coopId: coopId(coop),
  businessDate: '2026-11-27',
  recordedAt: '2026-11-27T08:00:00.000Z',
  movement: {
    type: 'SavingsDeposited',
    product: productCode('SIBUHAR'),
    amount: money(1_000n),
    via: { kind: 'cash' },
  },
});

const sources = (table: UnpostedTable, coop?: string) =>
  table.list(coop, 10).map((item) => item.sourceId);

describe('UnpostedTable', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => db.close());

  it('forgets the posted events of a coop and keeps the rest, its own and other coops’', () => {
    const table = new UnpostedTable(db);
    for (const id of ['e1', 'e2', 'e3']) table.record(deposit('KSP-A', id), 'c', 'd', id);
    table.record(deposit('KSP-B', 'e1'), 'c', 'd', 'e4');
    table.posted('KSP-A', ['e1', 'e3', 'never-refused']);
    expect(sources(table, 'KSP-A')).toEqual(['e2']);
    expect(sources(table, 'KSP-B')).toEqual(['e1']);
    table.posted('KSP-A', ['e2']);
    expect(sources(table)).toEqual(['e1']);
    expect(table.waiting(['KSP-A', 'KSP-B'])).toMatchObject({ count: 1, coops: ['KSP-B'] });
  });

  it('forgets events refused before it was opened, and events refused after the coop’s last ones went', () => {
    new UnpostedTable(db).record(deposit('KSP-A', 'e1'), 'c', 'd', 't1');
    const reopened = new UnpostedTable(db);
    reopened.posted('KSP-A', ['e1']);
    expect(sources(reopened)).toEqual([]);
    reopened.record(deposit('KSP-A', 'e2'), 'c', 'd', 't2');
    reopened.posted('KSP-A', ['e2']);
    expect(sources(reopened)).toEqual([]);
  });
});
