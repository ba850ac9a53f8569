import { hash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@kopfed/eventstore';
import { SqliteProjection, type SqliteProjectionDefinition } from '@kopfed/messaging';
import { copyDataDir, withStoreFile } from '../testing/tamper';
import { auditableSqliteProjection, tablesOf, type ProjectionSource } from './auditable-projection';
import { snapshotDataDir } from './data-dir-snapshot';
import { rebuildCheck, type RebuildCheckOptions } from './rebuild-check';
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
const dirs: string[] = [];
/** A fresh empty directory, removed after the tests (as a caller removes its scratch copy). */
const scratchDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-rebuild-scratch-'));
  dirs.push(dir);
  return dir;
};
const onCopy = (): RebuildCheckOptions => ({ scratch: { copyInto: scratchDir() } });

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
afterAll(() => [dataDir, ...dirs].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

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
    const result = await rebuildCheck(
      dataDir,
      [source([balances, flaky]), { store: 'savings', open: () => ({ projections: [] }) }],
      onCopy(),
    );
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
    const result = await rebuildCheck(dataDir, [broken], onCopy());
    expect(result.projections).toEqual([
      expect.objectContaining({ identical: false, error: 'master key missing' }),
    ]);
  });

  it('copies each store once, or not at all for a directory that is already a snapshot', async () => {
    const copies = countCopies();
    try {
      const snapshot = scratchDir();
      await snapshotDataDir(dataDir, snapshot);
      expect(copies()).toBe(1);
      const inPlace = await rebuildCheck(snapshot, [source([balances])], { scratch: 'in-place' });
      expect(copies()).toBe(1);
      expect(inPlace).toMatchObject({ dataDir: snapshot, identical: true });
      const copied = await rebuildCheck(dataDir, [source([balances])], onCopy());
      expect(copies()).toBe(2);
      expect(copied).toMatchObject({ dataDir, identical: true });
    } finally {
      jest.restoreAllMocks();
    }
    await expect(snapshotDataDir(dataDir, dataDir)).rejects.toThrow(/empty directory/);
    // Aborted while it runs (the node closing), it stops between files.
    const aborting = new AbortController();
    const copying = snapshotDataDir(dataDir, scratchDir(), aborting.signal);
    aborting.abort();
    await expect(copying).rejects.toThrow(/aborted/i);
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

/** Counts the SQLite files copied (every copy is a VACUUM INTO) from now on. */
function countCopies(): () => number {
  const prepare = Database.prototype.prepare;
  let copies = 0;
  jest.spyOn(Database.prototype, 'prepare').mockImplementation(function (
    this: Database.Database,
    sql: string,
  ) {
    if (sql === 'VACUUM INTO ?') copies += 1;
    return prepare.call(this, sql);
  });
  return () => copies;
}

/**
 * Runs `write` right after the first of `files` is copied out of the data directory (every
 * copy is a VACUUM INTO): a write the running node makes while rebuild-check copies its files.
 */
function writeDuringCopy(files: string[], write: () => void): jest.SpyInstance {
  const prepare = Database.prototype.prepare;
  let written = false;
  return jest.spyOn(Database.prototype, 'prepare').mockImplementation(function (
    this: Database.Database,
    sql: string,
  ) {
    const statement = prepare.call(this, sql);
    if (written || sql !== 'VACUUM INTO ?' || !files.includes(this.name)) return statement;
    const run: (to: string) => Database.RunResult = statement.run.bind(statement);
    statement.run = (to: string) => {
      const result = run(to);
      written = true;
      write();
      return result;
    };
    return statement;
  });
}

/**
 * A member directory that reads each person through their key in the key store beside the
 * event store (`member-keys.db`), as the member service does: no key, and the person reads
 * as erased.
 */
const directory = (keys: Database.Database): SqliteProjectionDefinition => ({
  name: 'directory-v1',
  types: ['PersonRegistered'],
  setUp: (db) =>
    db.exec(
      'CREATE TABLE IF NOT EXISTS directory (person_id TEXT PRIMARY KEY, readable INTEGER NOT NULL)',
    ),
  reset: (db) => db.exec('DROP TABLE IF EXISTS directory'),
  apply: (db, event) => {
    const { personId } = event.data as { personId: string };
    const key = keys.prepare('SELECT 1 FROM person_keys WHERE person_id = ?').get(personId);
    db.prepare('INSERT INTO directory VALUES (?, ?)').run(personId, key ? 1 : 0);
  },
});

const memberSource: ProjectionSource = {
  store: 'member',
  open: ({ dataDir: dir, store }) => {
    const keys = new Database(join(dir, 'member-keys.db'), { readonly: true });
    return {
      projections: [auditableSqliteProjection(new SqliteProjection(store, directory(keys)))],
      close: () => void keys.close(),
    };
  },
};

describe('rebuild-check while the node writes person keys', () => {
  const PEOPLE = ['person-1', 'person-2', 'person-3'];
  let memberDir: string;
  let live: string;
  let keys: string;
  beforeAll(async () => {
    memberDir = mkdtempSync(join(tmpdir(), 'kopfed-rebuild-member-'));
    dirs.push(memberDir);
    withStoreFile(join(memberDir, 'member-keys.db'), (db) => {
      db.exec('CREATE TABLE person_keys (person_id TEXT PRIMARY KEY, wrapped_key BLOB NOT NULL)');
      for (const id of PEOPLE)
        db.prepare('INSERT INTO person_keys VALUES (?, ?)').run(id, Buffer.from(id));
    });
    const store = new SqliteEventStore({ file: join(memberDir, 'member.db'), pollIntervalMs: 5 });
    for (const personId of PEOPLE)
      await store.append(
        `person-${personId}`,
        [
          {
            id: crypto.randomUUID(),
            type: 'PersonRegistered',
            schemaVersion: 1,
            data: { personId },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    const keysDb = new Database(join(memberDir, 'member-keys.db'), { readonly: true });
    const projection = new SqliteProjection(store, directory(keysDb));
    projection.start();
    await projection.catchUp(PEOPLE.length);
    await projection.stop();
    keysDb.close();
    await store.close();
  });
  beforeEach(() => {
    live = copyDataDir(memberDir);
    dirs.push(live);
    keys = join(live, 'member-keys.db');
  });
  const member = () => [join(live, 'member.db'), keys];
  const check = () => rebuildCheck(live, [memberSource], onCopy());

  it('finds every person readable in both states when nothing is written meanwhile', async () => {
    const result = await check();
    expect(result.projections).toEqual([
      expect.objectContaining({ projection: 'directory-v1', identical: true, rows: 3 }),
    ]);
  });

  it('reads a person registered between the copies of the key store and the store as registered', async () => {
    // The member service stores the key, then the events sealed with it: here the events are
    // in and the key arrives while the files are copied.
    withStoreFile(keys, (db) =>
      db.prepare('DELETE FROM person_keys WHERE person_id = ?').run('person-2'),
    );
    const spy = writeDuringCopy(member(), () =>
      withStoreFile(keys, (db) =>
        db.prepare('INSERT INTO person_keys VALUES (?, ?)').run('person-2', Buffer.from('k')),
      ),
    );
    try {
      expect(await check()).toMatchObject({ identical: true });
    } finally {
      spy.mockRestore();
    }
  });

  it('reads a person whose key is destroyed while the files are copied as not erased before the erasure is', async () => {
    // Erasure records PersonErased, then destroys the key: a copy of the store taken before the
    // event must not meet a key store taken after the destruction.
    const spy = writeDuringCopy(member(), () =>
      withStoreFile(keys, (db) =>
        db.prepare('DELETE FROM person_keys WHERE person_id = ?').run('person-2'),
      ),
    );
    try {
      expect(await check()).toMatchObject({ identical: true });
    } finally {
      spy.mockRestore();
    }
  });

  it('leaves in the copy one key store, holding every key either of its copies held', async () => {
    const copyInto = scratchDir();
    const spy = writeDuringCopy(member(), () =>
      withStoreFile(keys, (db) => db.prepare('DELETE FROM person_keys').run()),
    );
    try {
      await rebuildCheck(live, [memberSource], { scratch: { copyInto } });
    } finally {
      spy.mockRestore();
    }
    expect(readdirSync(copyInto).sort()).toEqual(['member-keys.db', 'member.db']);
    withStoreFile(join(copyInto, 'member-keys.db'), (db) =>
      expect(db.prepare('SELECT person_id FROM person_keys ORDER BY 1').pluck().all()).toEqual(
        PEOPLE,
      ),
    );
  });
});
