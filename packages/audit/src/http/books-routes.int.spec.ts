import { rmSync } from 'node:fs';
import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { buildSampleBooks } from '../testing/sample-books';
import { SAMPLE_SEED } from '../testing/sample-stores';
import { createAuditModule } from './audit-module';

let fixture: HostFixture;
let dataDir: string;
const tokens: Record<string, string> = {};
const api = (path: string) => `/api/audit/v1${path}`;
const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

beforeAll(async () => {
  dataDir = await buildSampleBooks();
  fixture = await hostFixture([createAuditModule()], {
    dataDir,
    env: {
      KOPFED_AUDIT_SIGNING_KEY: SAMPLE_SEED.toString('base64'),
      KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: '0',
    },
  });
  fixture.directory.setParent('KSP-A', 'puskopdit');
  fixture.directory.setParent('KSP-B', 'puskopdit-lain');
  tokens.auditor = await fixture.key('auditor', 'puskopdit');
  tokens.coop = await fixture.key('coop', 'KSP-A');
});
afterAll(async () => {
  await fixture.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('books for auditors over HTTP', () => {
  it('replays a coop’s books as the CLI does, within the auditor’s reach', async () => {
    const res = await request(fixture.app)
      .get(api('/coops/KSP-A/books/replay?asOf=2026-06-30'))
      .set(as('auditor'))
      .expect(200);
    expect(res.body).toMatchObject({
      store: 'settlement',
      checkpoint: { sequence: 1 },
      coops: [
        {
          coopId: 'KSP-A',
          shuStatement: { resultMinor: '350000' },
          balanceSheet: { totalAssetsMinor: '1350000' },
        },
      ],
    });
    await request(fixture.app)
      .get(api('/coops/KSP-B/books/replay?asOf=2026-06-30'))
      .set(as('auditor'))
      .expect(403);
    await request(fixture.app)
      .get(api('/coops/KSP-A/books/replay?asOf=2026-06-30'))
      .set(as('coop'))
      .expect(403);
  });

  it('refuses a malformed as-of with a problem naming it, and an unknown coop with 404', async () => {
    const bad = await request(fixture.app)
      .get(api('/coops/KSP-A/books/replay?asOf=2026-02-30'))
      .set(as('auditor'))
      .expect(422);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    await request(fixture.app)
      .get(api('/coops/KSP-A/books/replay?asOf=tomorrow'))
      .set(as('auditor'))
      .expect(400);
    fixture.directory.setParent('KSP-Z', 'puskopdit');
    await request(fixture.app)
      .get(api('/coops/KSP-Z/books/replay?asOf=2026-06-30'))
      .set(as('auditor'))
      .expect(404);
  });

  it('exports the audit package, the same twice', async () => {
    const get = () =>
      request(fixture.app)
        .get(api('/coops/KSP-A/audit-package?year=2026'))
        .set(as('auditor'))
        .expect(200);
    const first = await get();
    expect(first.body.manifest).toMatchObject({ coopId: 'KSP-A', financialYear: 2026 });
    expect(first.body.files.map((f: { name: string }) => f.name)).toContain('journal.csv');
    expect((await get()).body).toEqual(first.body);
  });
});
