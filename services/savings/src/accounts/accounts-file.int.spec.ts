import {
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { SqliteEventStore, SqliteWriterThread } from '@kopfed/eventstore';
import { createLogger, InMemoryCoopDirectory } from '@kopfed/service-kit';
import { createSavings } from '../module';
import { COOPS, idr, PRODUCTS, savingsHarness } from '../testing/savings-harness';
import type { Worker } from 'node:worker_threads';
import { Projection } from '../shared/projection';
import { ACCOUNTS_DDL, ACCOUNTS_TABLES, accountsProjection } from './account-projection';
import { ACCOUNTS_FILE, openAccountsFile, SESSION_FILE } from './accounts-file';

const tableNames = (db: Database.Database) =>
  db
    .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck(true)
    .all();

/** The read model's rows, table by table, in an order of their own. */
const contents = (db: Database.Database) =>
  Object.fromEntries(
    ACCOUNTS_TABLES.map((table) => [
      table,
      db
        .prepare(`SELECT * FROM ${table}`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort(),
    ]),
  );

describe('the accounts read model in a file of its own', () => {
  it('is written by its thread into savings-accounts.db, not the store file, and reads back', async () => {
    const h = await savingsHarness({ file: true });
    try {
      const dataDir = dirname(h.store.database.name);
      expect(h.savings.accounts.db.name).toBe(join(dataDir, ACCOUNTS_FILE));
      await h.joinPerson(COOPS.A, 'm-1');
      await request(h.app)
        .post(`/api/savings/v1/coops/${COOPS.A}/products`)
        .set('Authorization', `Bearer ${h.keys.coopA}`)
        .send(PRODUCTS.SUKARELA)
        .expect(201);
      await request(h.app)
        .post(`/api/savings/v1/coops/${COOPS.A}/accounts`)
        .set('Authorization', `Bearer ${h.keys.coopA}`)
        .send({
          accountId: 'own-file',
          memberId: 'm-1',
          productCode: 'SUKARELA',
          initialDeposit: { amount: idr(250_000) },
        })
        .expect(201);
      await h.savings.projection.catchUp();
      // Another connection sees what the thread committed.
      const reader = new Database(join(dataDir, ACCOUNTS_FILE), { readonly: true });
      try {
        expect(
          reader
            .prepare('SELECT balance FROM savings_accounts WHERE account_id = ?')
            .get('own-file'),
        ).toEqual({ balance: 250_000 });
      } finally {
        reader.close();
      }
      expect(tableNames(h.store.database)).not.toContain('savings_accounts');
      const listed = await request(h.app)
        .get(`/api/savings/v1/coops/${COOPS.A}/accounts`)
        .set('Authorization', `Bearer ${h.keys.coopA}`)
        .expect(200);
      expect(JSON.stringify(listed.body)).toContain('own-file');
    } finally {
      await h.close();
    }
  });

  it('drops the read model an earlier version kept in the store file, keeping other checkpoints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kopfed-accounts-file-'));
    const former = new Database(':memory:');
    try {
      former.exec(ACCOUNTS_DDL);
      former.exec(
        'CREATE TABLE savings_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID',
      );
      former
        .prepare('INSERT INTO savings_checkpoints VALUES (?, ?), (?, ?)')
        .run('savings-accounts-v5', 120, 'another-read-model', 7);
      const file = openAccountsFile(dir, former, 120);
      file.close();
      expect(tableNames(former)).toEqual(['savings_checkpoints']);
      expect(former.prepare('SELECT name, position FROM savings_checkpoints').all()).toEqual([
        { name: 'another-read-model', position: 7 },
      ]);
      expect(existsSync(join(dir, ACCOUNTS_FILE))).toBe(true);
    } finally {
      former.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes the data directory it is opened in when it does not exist yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kopfed-accounts-file-'));
    const former = new Database(':memory:');
    try {
      const file = openAccountsFile(join(dir, 'data', 'savings'), former, 0);
      file.close();
      expect(existsSync(join(dir, 'data', 'savings', ACCOUNTS_FILE))).toBe(true);
    } finally {
      former.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the accounts file after a crash', () => {
  let dir: string;
  let former: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-accounts-session-'));
    former = new Database(':memory:');
  });
  afterEach(() => {
    former.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const session = () => JSON.parse(readFileSync(join(dir, SESSION_FILE), 'utf8')) as unknown;

  /** Opens the file in boot `bootId` and leaves a row in it. */
  function writeRow(bootId: string | undefined) {
    const file = openAccountsFile(dir, former, 0, () => bootId);
    file.db.exec('CREATE TABLE IF NOT EXISTS probe (x INTEGER); INSERT INTO probe VALUES (1)');
    return file;
  }

  /** A process killed: its connection ends, its session is never closed. */
  function killed(file: ReturnType<typeof writeRow>) {
    file.db.close();
  }

  function probeAfterOpening(bootId: string | undefined): string[] {
    const file = openAccountsFile(dir, former, 0, () => bootId);
    try {
      return tableNames(file.db).filter((name) => name === 'probe');
    } finally {
      file.close();
    }
  }

  it('does not sync where the boot id tells a system crash from a process crash, and records the session', async () => {
    const file = writeRow('boot-1');
    expect(file.synchronous).toBe('OFF');
    expect(session()).toEqual({ bootId: 'boot-1', open: true });
    file.close();
    expect(session()).toEqual({ bootId: 'boot-1', open: false });
    // Closed, everything is in the file itself: the WAL is empty.
    expect(statSync(join(dir, `${ACCOUNTS_FILE}-wal`), { throwIfNoEntry: false })?.size ?? 0).toBe(
      0,
    );
  });

  it('syncs as before where the system gives no boot id, and records no session', async () => {
    const file = writeRow(undefined);
    expect(file.synchronous).toBe('NORMAL');
    file.close();
    expect(existsSync(join(dir, SESSION_FILE))).toBe(false);
  });

  it('keeps the file when the process was killed and the machine kept running', async () => {
    killed(writeRow('boot-1'));
    expect(probeAfterOpening('boot-1')).toEqual(['probe']);
  });

  it('builds the file again when the machine booted since a session was cut short', async () => {
    killed(writeRow('boot-1'));
    expect(probeAfterOpening('boot-2')).toEqual([]);
    expect(session()).toEqual({ bootId: 'boot-2', open: false });
  });

  it('keeps the file a session closed, whatever boot opens it next', async () => {
    writeRow('boot-1').close();
    expect(probeAfterOpening('boot-2')).toEqual(['probe']);
  });

  it('builds the file again when the session record cannot be read', async () => {
    writeRow('boot-1').close();
    writeFileSync(join(dir, SESSION_FILE), '{"bootId": "boot-1", "op');
    expect(probeAfterOpening('boot-1')).toEqual([]);
  });

  it('builds the file again when a session was cut short and the system gives no boot id now', async () => {
    killed(writeRow('boot-1'));
    expect(probeAfterOpening(undefined)).toEqual([]);
    expect(existsSync(join(dir, SESSION_FILE))).toBe(false);
  });
});

describe('a data directory carried from one version to the next', () => {
  const base = '/api/savings/v1';
  const clock = () => new Date('2026-03-10T03:00:00.000Z');

  const balanceOf = (db: Database.Database, accountId: string) =>
    db
      .prepare<[string], number>('SELECT balance FROM savings_accounts WHERE account_id = ?')
      .pluck(true)
      .get(accountId);

  /** The savings service alone over `dataDir`'s savings.db, as a node opens it. */
  async function openService(dataDir: string) {
    const store = new SqliteEventStore({ file: join(dataDir, 'savings.db'), pollIntervalMs: 10 });
    const savings = await createSavings({
      store,
      readModels: store.database,
      coopDirectory: new InMemoryCoopDirectory(),
      logger: createLogger({ level: 'silent' }),
      clock,
      dataDir,
      env: {},
    });
    return {
      store,
      savings,
      close: async () => {
        await savings.close?.();
        await store.close();
      },
    };
  }

  /** A node's savings data with some history: accounts, deposits, a withdrawal and a hold. */
  async function withHistory(): Promise<{
    dataDir: string;
    rows: ReturnType<typeof contents>;
    /** savings.db and the read model as they were once the accounts were opened. */
    backup: { file: string; rows: ReturnType<typeof contents> };
  }> {
    const h = await savingsHarness({ file: true, keepDataDir: true });
    const dataDir = dirname(h.store.database.name);
    try {
      const as = { Authorization: `Bearer ${h.keys.coopA}` };
      await h.joinPerson(COOPS.A, 'm-1');
      await h.joinPerson(COOPS.A, 'm-2');
      await request(h.app)
        .post(`${base}/coops/${COOPS.A}/products`)
        .set(as)
        .send(PRODUCTS.SUKARELA)
        .expect(201);
      for (const [accountId, memberId] of [
        ['up-1', 'm-1'],
        ['up-2', 'm-2'],
      ])
        await request(h.app)
          .post(`${base}/coops/${COOPS.A}/accounts`)
          .set(as)
          .send({
            accountId,
            memberId,
            productCode: 'SUKARELA',
            initialDeposit: { amount: idr(500_000) },
          })
          .expect(201);
      await h.savings.projection.catchUp();
      const backup = {
        file: join(dataDir, 'savings.db.backup'),
        rows: contents(h.savings.accounts.db),
      };
      h.store.database.prepare('VACUUM INTO ?').run(backup.file);
      await request(h.app)
        .post(`${base}/coops/${COOPS.A}/accounts/up-1/deposits`)
        .set(as)
        .send({ amount: idr(125_000), via: 'bank' })
        .expect(200);
      await request(h.app)
        .post(`${base}/coops/${COOPS.A}/accounts/up-2/withdrawals`)
        .set(as)
        .send({ amount: idr(40_000) })
        .expect(200);
      await request(h.app)
        .post(`${base}/coops/${COOPS.A}/accounts/up-1/holds`)
        .set(as)
        .send({
          holdId: 'h-1',
          amount: idr(10_000),
          reason: 'x',
          expiresAt: '2027-01-01T00:00:00Z',
        })
        .expect(201);
      await h.savings.projection.catchUp();
      const rows = contents(h.savings.accounts.db);
      expect(balanceOf(h.savings.accounts.db, 'up-1')).toBe(625_000);
      expect(balanceOf(h.savings.accounts.db, 'up-2')).toBe(460_000);
      return { dataDir, rows, backup };
    } finally {
      await h.close();
    }
  }

  /** Puts the read model back where the version before kept it: in savings.db, with its checkpoint. */
  function asFormerVersionKeptIt(dataDir: string): void {
    const own = join(dataDir, ACCOUNTS_FILE);
    const store = new Database(join(dataDir, 'savings.db'));
    try {
      store.exec(ACCOUNTS_DDL);
      store.exec(
        'CREATE TABLE IF NOT EXISTS savings_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID',
      );
      store.prepare('ATTACH DATABASE ? AS own').run(own);
      for (const table of ACCOUNTS_TABLES)
        store.exec(`INSERT INTO main.${table} SELECT * FROM own.${table}`);
      store.exec('INSERT INTO main.savings_checkpoints SELECT * FROM own.savings_checkpoints');
      store.exec('DETACH DATABASE own');
    } finally {
      store.close();
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${own}${suffix}`, { force: true });
  }

  it('closes its accounts file when the service fails to start after opening it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-savings-fails-'));
    // A table of that name without the columns the read model's indexes need: its set-up fails.
    const damaged = new Database(join(dataDir, ACCOUNTS_FILE));
    damaged.pragma('journal_mode = WAL');
    damaged.exec('CREATE TABLE savings_accounts (account_id TEXT PRIMARY KEY)');
    damaged.close();
    const closed = jest.spyOn(Database.prototype, 'close');
    try {
      // Caught as a value, so that a failure shows what came back instead (nothing, or a
      // rejection that is not an Error), not only that nothing was thrown.
      const failure = await openService(dataDir).then(
        () => 'it started',
        (error: unknown) => error,
      );
      expect(String(failure)).toMatch(/no such column/);
      const names = closed.mock.contexts.map((db) => (db as Database.Database).name);
      expect(names.filter((name) => name.endsWith(ACCOUNTS_FILE))).toHaveLength(1);
    } finally {
      closed.mockRestore();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('drops the read model the former version kept in savings.db and builds the same in its own file', async () => {
    const { dataDir, rows } = await withHistory();
    try {
      asFormerVersionKeptIt(dataDir);
      const node = await openService(dataDir);
      try {
        expect(tableNames(node.store.database)).not.toContain('savings_accounts');
        expect(
          node.store.database
            .prepare(
              "SELECT count(*) AS n FROM savings_checkpoints WHERE name LIKE 'savings-accounts-%'",
            )
            .get(),
        ).toEqual({ n: 0 });
        await node.savings.start?.();
        await node.savings.projection.catchUp();
        const db = node.savings.accounts.db;
        expect(db.name).toBe(join(dataDir, ACCOUNTS_FILE));
        expect(contents(db)).toEqual(rows);
        expect(node.savings.projection.position).toBe(await node.store.headPosition());
        // What rebuild-check holds: the read model caught up is the one built from the whole log.
        await node.savings.projection.rebuild();
        expect(contents(db)).toEqual(rows);
      } finally {
        await node.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('opens its own file again at the next start, from its checkpoint, without building it again', async () => {
    const { dataDir, rows } = await withHistory();
    try {
      const head = new SqliteEventStore({ file: join(dataDir, 'savings.db') });
      const position = await head.headPosition();
      await head.close();
      const node = await openService(dataDir);
      try {
        // Before the projection runs, the file already holds every row up to the head.
        expect(node.savings.projection.position).toBe(position);
        expect(contents(node.savings.accounts.db)).toEqual(rows);
        expect(tableNames(node.store.database)).not.toContain('savings_accounts');
      } finally {
        await node.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('closes while a batch is on its thread: the batch commits whole, and the next start goes on', async () => {
    const { dataDir, rows } = await withHistory();
    try {
      // Without its file the first batch is the whole log; close as soon as it is under way.
      for (const suffix of ['', '-wal', '-shm'])
        rmSync(join(dataDir, `${ACCOUNTS_FILE}${suffix}`), { force: true });
      const first = await openService(dataDir);
      const head = await first.store.headPosition();
      await first.savings.start?.();
      await first.close();
      const reader = new Database(join(dataDir, ACCOUNTS_FILE), { readonly: true });
      try {
        // The batch read before the close was sent, waited for, and committed whole.
        expect(
          reader.prepare<[], number>('SELECT position FROM savings_checkpoints').pluck(true).get(),
        ).toBe(head);
        expect(contents(reader)).toEqual(rows);
      } finally {
        reader.close();
      }
      const next = await openService(dataDir);
      try {
        await next.savings.start?.();
        await next.savings.projection.catchUp();
        expect(contents(next.savings.accounts.db)).toEqual(rows);
      } finally {
        await next.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('builds the read model again when savings.db is restored from a backup older than its file', async () => {
    const { dataDir, backup } = await withHistory();
    try {
      // The operator guide's restore: savings.db put back, its -wal and -shm removed; the
      // accounts file, not in the backup, is the live one: past the restored log.
      for (const suffix of ['-wal', '-shm'])
        rmSync(join(dataDir, `savings.db${suffix}`), { force: true });
      renameSync(backup.file, join(dataDir, 'savings.db'));
      const node = await openService(dataDir);
      try {
        await node.savings.start?.();
        await node.savings.projection.catchUp();
        const db = node.savings.accounts.db;
        expect(node.savings.projection.position).toBe(await node.store.headPosition());
        expect(contents(db)).toEqual(backup.rows);
        expect(balanceOf(db, 'up-1')).toBe(500_000);
      } finally {
        await node.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('the accounts read model when its writer thread dies in a batch', () => {
  it('applies the batch again from its checkpoint, and holds what a rebuild from the log holds', async () => {
    const h = await savingsHarness();
    const dir = mkdtempSync(join(tmpdir(), 'kopfed-accounts-thread-'));
    const formerHome = new Database(':memory:');
    const file = openAccountsFile(dir, formerHome, 0);
    // The projection on the event loop and its writer thread: the accounts file's read model
    // where the events are not in a SQLite file (KurrentDB).
    const thread = await SqliteWriterThread.open(file.db.name, { synchronous: file.synchronous });
    let projection: Projection | undefined;
    try {
      const as = { Authorization: `Bearer ${h.keys.coopA}` };
      const base = `/api/savings/v1/coops/${COOPS.A}`;
      await h.joinPerson(COOPS.A, 'm-1');
      await request(h.app).post(`${base}/products`).set(as).send(PRODUCTS.SUKARELA).expect(201);
      for (const accountId of ['t-1', 't-2'])
        await request(h.app)
          .post(`${base}/accounts`)
          .set(as)
          .send({
            accountId,
            memberId: 'm-1',
            productCode: 'SUKARELA',
            initialDeposit: { amount: idr(300_000) },
          })
          .expect(201);
      // The thread is stopped right after a batch is sent to it: whether or not the batch
      // committed before, its answer is lost.
      let killNext = false;
      const failures: unknown[] = [];
      projection = new Projection(
        h.store,
        file.db,
        accountsProjection(),
        async (writes) => {
          const sent = thread.commit(writes);
          if (killNext) {
            killNext = false;
            await (thread as unknown as { worker: Worker }).worker.terminate();
          }
          await sent;
        },
        { retryFirstMs: 20 },
      );
      const caughtUp = async () => {
        const head = await h.store.headPosition();
        for (let tries = 0; tries < 400 && projection!.position < head; tries++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        await projection!.catchUp();
      };
      projection.start((error) => failures.push(error));
      await caughtUp();
      // Its states are cached now; the next batch moves both accounts on.
      killNext = true;
      await request(h.app)
        .post(`${base}/accounts/t-1/deposits`)
        .set(as)
        .send({ amount: idr(75_000), via: 'bank' })
        .expect(200);
      await request(h.app)
        .post(`${base}/accounts/t-2/withdrawals`)
        .set(as)
        .send({ amount: idr(20_000) })
        .expect(200);
      await request(h.app)
        .post(`${base}/accounts/t-1/holds`)
        .set(as)
        .send({ holdId: 'h-1', amount: idr(5_000), reason: 'x', expiresAt: '2027-01-01T00:00:00Z' })
        .expect(201);
      await caughtUp();
      expect(failures).toHaveLength(1);
      expect(String(failures[0])).toMatch(/writer thread stopped/);
      const live = contents(file.db);
      expect(
        file.db.prepare('SELECT account_id, balance FROM savings_accounts ORDER BY 1').all(),
      ).toEqual([
        { account_id: 't-1', balance: 375_000 },
        { account_id: 't-2', balance: 280_000 },
      ]);
      await projection.rebuild();
      expect(contents(file.db)).toEqual(live);
    } finally {
      await projection?.stop();
      await thread.close();
      file.close();
      formerHome.close();
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
