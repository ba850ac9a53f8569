import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { SqliteEventStore } from '@kopfed/eventstore';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { SqliteProjection, type SqliteProjectionDefinition } from '@kopfed/messaging';
import { SAMPLE_SEED } from '../testing/sample-stores';
import { auditableSqliteProjection, type ProjectionSource } from '../rebuild/auditable-projection';
import { hashTables } from '../rebuild/table-hash';
import { createAuditModule } from './audit-module';

/** Each account's total, as a service keeps a read model beside its log (in the same file). */
const balances: SqliteProjectionDefinition = {
  name: 'balances-v1',
  types: ['SavingsDeposited'],
  setUp: (db) =>
    db.exec(
      'CREATE TABLE IF NOT EXISTS balances (stream TEXT PRIMARY KEY, total INTEGER NOT NULL)',
    ),
  reset: (db) => db.exec('DROP TABLE IF EXISTS balances'),
  apply: (db, event) =>
    void db
      .prepare(
        'INSERT INTO balances VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET total = total + excluded.total',
      )
      .run(event.stream, (event.data as { amount: number }).amount),
};
const EVENTS = 50;
const LIVE_THROUGH = 40;

const ledgerProjections: ProjectionSource = {
  store: 'ledger',
  open: ({ store }) => ({
    projections: [auditableSqliteProjection(new SqliteProjection(store, balances))],
  }),
};

let fixture: HostFixture;
let dataDir: string;
const tokens: Record<string, string> = {};
const api = (path: string) => `/api/audit/v1${path}`;
const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

/** The live read model and where it is: what the check must leave as it found it. */
function liveState() {
  const db = new Database(join(dataDir, 'ledger.db'), { readonly: true });
  try {
    const position = db
      .prepare<[], { position: number }>(
        "SELECT position FROM checkpoints WHERE name LIKE '%balances-v1'",
      )
      .get()?.position;
    return { position, ...hashTables(db, ['balances']) };
  } finally {
    db.close();
  }
}

async function runCheck(who = 'auditor') {
  const started = await request(fixture.app).post(api('/rebuild-checks')).set(as(who)).expect(202);
  const location = started.headers.location as string;
  expect(location).toBe(api(`/rebuild-checks/${started.body.checkId as string}`));
  for (let attempt = 0; attempt < 400; attempt++) {
    const res = await request(fixture.app).get(location).set(as(who)).expect(200);
    if (res.body.status !== 'running') return res.body as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the rebuild check did not finish');
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kopfed-rebuild-http-'));
  const store = new SqliteEventStore({ file: join(dataDir, 'ledger.db'), pollIntervalMs: 5 });
  const deposit = (i: number) =>
    store.append(
      `account-${i % 4}`,
      [
        {
          id: crypto.randomUUID(),
          type: 'SavingsDeposited',
          schemaVersion: 1,
          data: { amount: i },
        },
      ],
      { expectedRevision: 'any' },
    );
  for (let i = 0; i < LIVE_THROUGH; i++) await deposit(i);
  const live = new SqliteProjection(store, balances);
  live.start();
  await live.catchUp();
  await live.stop();
  // The live projection is mid-update: the log has moved on by 10 events it has not applied.
  for (let i = LIVE_THROUGH; i < EVENTS; i++) await deposit(i);
  await store.close();
  fixture = await hostFixture([createAuditModule({ projections: [ledgerProjections] })], {
    dataDir,
    env: {
      KOPFED_AUDIT_SIGNING_KEY: SAMPLE_SEED.toString('base64'),
      KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: '0',
    },
  });
  tokens.auditor = await fixture.key('auditor', 'federation-root');
  tokens.admin = await fixture.key('admin', 'federation');
  tokens.coop = await fixture.key('coop', 'ksp-sejahtera');
});
afterAll(async () => {
  await fixture.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('rebuild-check over HTTP', () => {
  it('finds a clean node EQUAL, comparing a projection caught mid-update at the same log position, and leaves the live read model alone', async () => {
    const before = liveState();
    expect(before.position).toBe(LIVE_THROUGH);
    const check = await runCheck();
    expect(check).toMatchObject({ status: 'done', equal: true, error: null, absent: [] });
    expect(check.projections).toEqual([
      expect.objectContaining({
        store: 'ledger',
        projection: 'balances-v1',
        verdict: 'EQUAL',
        position: EVENTS,
        tables: ['balances'],
        rows: 4,
        error: null,
      }),
    ]);
    expect(liveState()).toEqual(before);
    expect(JSON.stringify(check)).not.toContain(dataDir);
  });

  it('names the projection whose live state differs from its rebuild', async () => {
    const db = new Database(join(dataDir, 'ledger.db'));
    db.prepare("UPDATE balances SET total = total + 1 WHERE stream = 'account-1'").run();
    db.close();
    const check = await runCheck('admin');
    expect(check).toMatchObject({ status: 'done', equal: false, error: null });
    const [projection] = check.projections as Record<string, unknown>[];
    expect(projection).toMatchObject({
      store: 'ledger',
      projection: 'balances-v1',
      verdict: 'DIFFERS',
      position: EVENTS,
    });
    expect(projection!.liveDigest).not.toBe(projection!.rebuiltDigest);
  });

  it('is for auditors and admins only, and knows only the checks it ran', async () => {
    await request(fixture.app).post(api('/rebuild-checks')).expect(401);
    await request(fixture.app).post(api('/rebuild-checks')).set(as('coop')).expect(403);
    await request(fixture.app)
      .get(api(`/rebuild-checks/${crypto.randomUUID()}`))
      .set(as('auditor'))
      .expect(404);
    await request(fixture.app)
      .get(api('/rebuild-checks/not-a-uuid'))
      .set(as('auditor'))
      .expect(400);
  });
});

describe('rebuild-check’s copy, and a node closing while a check runs', () => {
  const PAGES = 4;
  const PAGE = 1_000;
  /** Slow enough to apply that a rebuild takes seconds: 1 ms an event, a page a second. */
  const slow: SqliteProjectionDefinition = {
    ...balances,
    name: 'slow-balances-v1',
    apply: (db, event) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      balances.apply(db, event);
    },
  };
  let node: HostFixture;
  let nodeDir: string;
  let copiedTo: string | undefined;
  const slowProjections: ProjectionSource = {
    store: 'ledger',
    open: (context) => {
      copiedTo = context.dataDir;
      return {
        projections: [auditableSqliteProjection(new SqliteProjection(context.store, slow))],
      };
    },
  };
  const scratch = () => join(nodeDir, 'rebuild-check');
  const modeOf = (path: string) => statSync(path).mode & 0o777;

  beforeAll(async () => {
    nodeDir = mkdtempSync(join(tmpdir(), 'kopfed-rebuild-close-'));
    const store = new SqliteEventStore({ file: join(nodeDir, 'ledger.db') });
    for (let page = 0; page < PAGES; page++)
      await store.append(
        `account-${page}`,
        Array.from({ length: PAGE }, (_, i) => ({
          id: crypto.randomUUID(),
          type: 'SavingsDeposited',
          schemaVersion: 1,
          data: { amount: i },
        })),
        { expectedRevision: 'any' },
      );
    await store.close();
    // What a node killed mid-check (SIGKILL, OOM) leaves: a copy holding person keys.
    mkdirSync(join(scratch(), 'check-left-by-a-killed-node'), { recursive: true });
    writeFileSync(join(scratch(), 'check-left-by-a-killed-node', 'member-keys.db'), 'keys');
    node = await hostFixture([createAuditModule({ projections: [slowProjections] })], {
      dataDir: nodeDir,
      env: {
        KOPFED_AUDIT_SIGNING_KEY: SAMPLE_SEED.toString('base64'),
        KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: '0',
      },
    });
    tokens.nodeAuditor = await node.key('auditor', 'federation-root');
  });
  let closed = false;
  afterAll(async () => {
    if (!closed) await node.close();
    rmSync(nodeDir, { recursive: true, force: true });
  });

  it('removes the copy a killed node left when the node starts again', () => {
    expect(existsSync(scratch())).toBe(false);
  });

  it('leaves alone, when it starts, the copy of a check another process is running', async () => {
    const other = mkdtempSync(join(tmpdir(), 'kopfed-rebuild-other-'));
    // A process still running stands for the node whose check is running; a dead one, and this
    // very process (in a container every node is pid 1), left the others.
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    const running = join(other, 'rebuild-check', `check-${alive.pid}-abc`);
    const exited = spawnSync(process.execPath, ['-e', '0']).pid;
    const left = join(other, 'rebuild-check', `check-${exited}-def`);
    const own = join(other, 'rebuild-check', `check-${process.pid}-ghi`);
    for (const dir of [running, left, own]) mkdirSync(dir, { recursive: true });
    const second = await hostFixture([createAuditModule({ projections: [slowProjections] })], {
      dataDir: other,
      env: {
        KOPFED_AUDIT_SIGNING_KEY: SAMPLE_SEED.toString('base64'),
        KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: '0',
      },
    });
    try {
      expect([existsSync(running), existsSync(left), existsSync(own)]).toEqual([
        true,
        false,
        false,
      ]);
    } finally {
      alive.kill();
      await second.close();
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('copies into the node’s own data directory, private to it, and closing stops the check within a page and removes the copy', async () => {
    const started = await request(node.app)
      .post(api('/rebuild-checks'))
      .set(as('nodeAuditor'))
      .expect(202);
    for (let i = 0; i < 200 && copiedTo === undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(copiedTo).toMatch(new RegExp(`^${scratch()}/[^/]+$`));
    expect(modeOf(scratch())).toBe(0o700);
    expect(modeOf(copiedTo!)).toBe(0o700);
    // Into the projection's first pages (a whole check takes about 2 × PAGES seconds).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closing = Date.now();
    await node.close();
    closed = true;
    expect(Date.now() - closing).toBeLessThan(2_500);
    expect(readdirSync(scratch())).toEqual([]);
    const check = await request(node.app)
      .get(started.headers.location as string)
      .set(as('nodeAuditor'))
      .expect(200);
    expect(check.body).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^cancelled/),
    });
  }, 30_000);
});
