import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { coopBody, person } from '@kopfed/member/src/testing/federation';
import { createNode, type FederationNode } from '../node';

/**
 * rebuild-check over the running node's HTTP API: every service's projections, rebuilt from
 * their logs on a snapshot copy and compared with the live ones, while the node keeps running.
 */
const P = 'puskopdit-rebuild';
const A = 'ksp-rebuild';
const idr = (amount: number) => ({ amount: String(amount), currency: 'IDR' });

let dataDir: string;
let node: FederationNode;
let auditor: string;

async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

interface CheckView {
  status: string;
  equal: boolean | null;
  projections: { store: string; projection: string; verdict: string; position: number }[];
}

async function rebuildCheck(): Promise<CheckView> {
  const started = await request(node.app)
    .post('/api/audit/v1/rebuild-checks')
    .auth(auditor, { type: 'bearer' })
    .expect(202);
  const location = started.headers.location as string;
  return eventually(async () => {
    const res = await request(node.app).get(location).auth(auditor, { type: 'bearer' }).expect(200);
    if (res.body.status === 'running') throw new Error('still running');
    return res.body as CheckView;
  }, 60_000);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kopfed-node-rebuild-'));
  node = await createNode({ dataDir, env: {}, clock: () => new Date('2026-03-02T03:00:00Z') });
  const token = async (role: 'admin' | 'coop' | 'auditor', coopId: string) =>
    (await node.keys.create({ role, coopId, createdBy: 'rebuild-tests' })).token;
  const admin = await token('admin', 'federation');
  const coop = await token('coop', A);
  auditor = await token('auditor', P);
  const post = (bearer: string, path: string, body: object, status: number) =>
    eventually(async () => {
      const res = await request(node.app).post(path).auth(bearer, { type: 'bearer' }).send(body);
      if (res.status !== status) throw new Error(`${path}: ${res.status} ${res.text}`);
      return res.body as Record<string, unknown>;
    });
  await post(admin, '/api/member/v1/coops', coopBody(P, 'secondary', null), 201);
  await post(admin, `/api/member/v1/coops/${P}/approval`, { on: '2026-01-06' }, 200);
  await post(admin, `/api/member/v1/coops/${P}/member-coops`, coopBody(A, 'primary', P), 201);
  await post(admin, `/api/member/v1/coops/${A}/approval`, { on: '2026-01-07' }, 200);
  await post(
    coop,
    `/api/savings/v1/coops/${A}/products`,
    {
      code: 'SUKARELA',
      name: 'Simpanan Sukarela',
      kind: 'sukarela',
      interest: { basis: 'daily_balance', posting: 'monthly' },
      terms: { effectiveFrom: '2026-01-01', rateBasisPoints: 365, minimumBalance: idr(10_000) },
    },
    201,
  );
  for (let n = 1; n <= 2; n++) {
    const member = await post(
      coop,
      `/api/member/v1/coops/${A}/members`,
      { kind: 'person', memberNumber: `R-${n}`, joinedOn: '2026-02-01', person: person(n) },
      201,
    );
    await post(
      coop,
      `/api/savings/v1/coops/${A}/accounts`,
      {
        memberId: member.memberId,
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(100_000 * n), via: 'cash' },
      },
      201,
    );
  }
}, 60_000);
afterAll(async () => {
  await node.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('rebuild-check of a running node, over HTTP', () => {
  it('finds every projection of every service EQUAL to its rebuild', async () => {
    const check = await rebuildCheck();
    expect(check).toMatchObject({ status: 'done', equal: true });
    expect(check.projections.map((p) => [p.store, p.projection, p.verdict])).toEqual(
      expect.arrayContaining([
        ['member', 'member-directory-v1', 'EQUAL'],
        // The version in the name moves when the read model's shape changes.
        ['savings', expect.stringMatching(/^savings-accounts-v\d+$/), 'EQUAL'],
        ['loan', 'loan-book-v2', 'EQUAL'],
        ['settlement', 'settlement-clearing', 'EQUAL'],
      ]),
    );
    expect(check.projections.every((p) => p.verdict === 'EQUAL')).toBe(true);
    // The copy (person keys with it) was made inside the node's data directory, and is gone.
    expect(readdirSync(join(dataDir, 'rebuild-check'))).toEqual([]);
  }, 90_000);

  it('reads a person whose key arrives while the snapshot is taken as registered: still EQUAL', async () => {
    // The member service stores a person's key, then the events sealed with it. Here the
    // events are in and the key arrives just after the first copy out of the member files.
    const keys = join(dataDir, 'member-keys.db');
    const withKeys = <T>(work: (db: Database.Database) => T) => {
      const db = new Database(keys);
      try {
        return work(db);
      } finally {
        db.close();
      }
    };
    const { person_id: personId, wrapped_key: wrappedKey } = withKeys((db) =>
      db
        .prepare<[], { person_id: string; wrapped_key: Buffer }>(
          'SELECT person_id, wrapped_key FROM person_keys ORDER BY person_id LIMIT 1',
        )
        .get(),
    )!;
    withKeys((db) => db.prepare('DELETE FROM person_keys WHERE person_id = ?').run(personId));
    const prepare = Database.prototype.prepare;
    let arrived = false;
    const spy = jest.spyOn(Database.prototype, 'prepare').mockImplementation(function (
      this: Database.Database,
      sql: string,
    ) {
      const statement = prepare.call(this, sql);
      if (
        arrived ||
        sql !== 'VACUUM INTO ?' ||
        ![keys, join(dataDir, 'member.db')].includes(this.name)
      )
        return statement;
      const run: (to: string) => Database.RunResult = statement.run.bind(statement);
      statement.run = (to: string) => {
        const result = run(to);
        arrived = true;
        withKeys((db) =>
          db.prepare('INSERT INTO person_keys VALUES (?, ?)').run(personId, wrappedKey),
        );
        return result;
      };
      return statement;
    });
    try {
      const check = await rebuildCheck();
      expect(arrived).toBe(true);
      expect(check.projections.filter((p) => p.store === 'member')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ projection: 'member-directory-v1', verdict: 'EQUAL' }),
        ]),
      );
      expect(check).toMatchObject({ status: 'done', equal: true });
    } finally {
      spy.mockRestore();
    }
  }, 90_000);

  it('names the projection whose live row was tampered with', async () => {
    // The accounts read model has a file of its own, beside savings.db.
    const db = new Database(join(dataDir, 'savings-accounts.db'));
    try {
      const changed = db
        .prepare(
          'UPDATE savings_accounts SET balance = balance + 1 WHERE account_id = (SELECT min(account_id) FROM savings_accounts)',
        )
        .run().changes;
      expect(changed).toBe(1);
    } finally {
      db.close();
    }
    const check = await rebuildCheck();
    expect(check).toMatchObject({ status: 'done', equal: false });
    expect(check.projections.filter((p) => p.verdict !== 'EQUAL')).toEqual([
      expect.objectContaining({
        store: 'savings',
        projection: expect.stringMatching(/^savings-accounts-v\d+$/),
        verdict: 'DIFFERS',
      }),
    ]);
  }, 90_000);
});
