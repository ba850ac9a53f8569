import { hash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@kopfed/eventstore';
import { SqliteProjection, type SqliteProjectionDefinition } from '@kopfed/messaging';
import { auditableSqliteProjection, tablesOf, type ProjectionSource } from './auditable-projection';
import { rebuildCheck } from './rebuild-check';
import { hashTables } from './table-hash';

const balances: SqliteProjectionDefinition = {
  name: 'balances-v1',
  types: ['SavingsDeposited'],
  setUp: (db) =>
    db.exec(
      'CREATE TABLE IF NOT EXISTS balances (stream TEXT PRIMARY KEY, total INTEGER NOT NULL, events INTEGER NOT NULL)',
    ),
  reset: (db) => db.exec('DROP TABLE IF EXISTS balances'),
  apply: (db, event) =>
    void db
      .prepare(
        'INSERT INTO balances VALUES (?, ?, 1) ON CONFLICT (stream) DO UPDATE SET total = total + excluded.total, events = events + 1',
      )
      .run(event.stream, (event.data as { amount: number }).amount),
};

/** Remembers the order it applied events in across rebuilds: a rebuild cannot come out the same. */
let applied = 0;
const flaky: SqliteProjectionDefinition = {
  name: 'flaky-v1',
  setUp: (db) =>
    db.exec('CREATE TABLE IF NOT EXISTS flaky (id TEXT PRIMARY KEY, applied INTEGER NOT NULL)'),
  reset: (db) => db.exec('DROP TABLE IF EXISTS flaky'),
  apply: (db, event) => void db.prepare('INSERT INTO flaky VALUES (?, ?)').run(event.id, ++applied),
};

const source = (definitions: SqliteProjectionDefinition[]): ProjectionSource => ({
  store: 'ledger',
  open: ({ store }) => ({
    projections: definitions.map((d) => auditableSqliteProjection(new SqliteProjection(store, d))),
  }),
});

let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kopfed-rebuild-'));
  const store = new SqliteEventStore({ file: join(dataDir, 'ledger.db'), pollIntervalMs: 5 });
  for (let i = 0; i < 50; i++)
    await store.append(
      `account-${i % 4}`,
      [
        {
          id: crypto.randomUUID(),
          type: 'SavingsDeposited',
          schemaVersion: 1,
          data: { amount: i },
        },
      ],
      {
        expectedRevision: 'any',
      },
    );
  // Live, the projections saw the first 40 events only: rebuild-check brings them to the head first.
  for (const definition of [balances, flaky]) {
    const projection = new SqliteProjection(store, definition);
    projection.start();
    await projection.catchUp(40);
    await projection.stop();
  }
  await store.close();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('rebuild-check', () => {
  it('finds the tables a projection owns by running its setUp on an empty database', () => {
    expect(tablesOf(balances)).toEqual(['balances']);
  });

  it('rebuilds each projection on a copy and compares the hashes of its state', async () => {
    // Read-only connections may leave an empty -wal and -shm beside the file; the file itself is untouched.
    const fingerprint = () => [
      statSync(join(dataDir, 'ledger.db')).mtimeMs,
      hash('sha256', readFileSync(join(dataDir, 'ledger.db')), 'hex'),
    ];
    const before = fingerprint();
    const result = await rebuildCheck(dataDir, [
      source([balances, flaky]),
      { store: 'savings', open: () => ({ projections: [] }) },
    ]);
    expect(result.absent).toEqual(['savings']);
    expect(result.projections.map((p) => [p.projection, p.identical, p.rows])).toEqual([
      ['balances-v1', true, 4],
      ['flaky-v1', false, 50],
    ]);
    expect(result.identical).toBe(false);
    expect(fingerprint()).toEqual(before);
  });

  it('reports a projection that cannot be opened instead of failing the whole check', async () => {
    const broken: ProjectionSource = {
      store: 'ledger',
      open: () => {
        throw new Error('master key missing');
      },
    };
    const result = await rebuildCheck(dataDir, [broken]);
    expect(result.projections).toEqual([
      expect.objectContaining({ identical: false, error: 'master key missing' }),
    ]);
  });

  it('hashes rows whatever order they were written in, and tells different contents apart', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE a (k TEXT PRIMARY KEY, v BLOB); CREATE TABLE b (k TEXT)');
    db.exec("INSERT INTO a VALUES ('x', x'01'), ('y', NULL)");
    const first = hashTables(db, ['a', 'b']);
    db.exec("DELETE FROM a; INSERT INTO a VALUES ('y', NULL), ('x', x'01')");
    expect(hashTables(db, ['b', 'a'])).toEqual(first);
    db.exec("UPDATE a SET v = x'02' WHERE k = 'x'");
    expect(hashTables(db, ['a', 'b']).digest).not.toBe(first.digest);
    db.close();
  });
});
