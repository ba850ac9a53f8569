import { rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { SqliteEventStore } from '@kopfed/eventstore';
import { statementText } from '../checkpoints/checkpoint';
import { CheckpointSealer } from '../checkpoints/sealer';
import { signingKeyFromSeed } from '../keys/ed25519';
import { AuditStore } from '../signers/audit-store';
import { buildSampleStores, SAMPLE_SEED } from '../testing/sample-stores';
import { createAuditModule } from './audit-module';

let fixture: HostFixture;
let dataDir: string;
const tokens: Record<string, string> = {};
const api = (path: string) => `/api/audit/v1${path}`;
const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
const nodeKey = signingKeyFromSeed(SAMPLE_SEED);
const auditorKey = signingKeyFromSeed(Buffer.alloc(32, 78));
/** The sample checkpoints were signed at 04:00; the node's clock stands at 06:00. */
const NOW = '2026-08-01T06:00:00.000Z';
const revocation = (keyId: string) => api(`/signers/${keyId}/revocation`);

beforeAll(async () => {
  ({ dataDir } = await buildSampleStores());
  fixture = await hostFixture([createAuditModule()], {
    dataDir,
    clock: () => new Date(NOW),
    env: {
      KOPFED_AUDIT_SIGNING_KEY: SAMPLE_SEED.toString('base64'),
      KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: '0',
    },
  });
  fixture.directory.setParent('ksp-sejahtera', 'puskopdit');
  tokens.auditor = await fixture.key('auditor', 'puskopdit');
  tokens.coop = await fixture.key('coop', 'ksp-sejahtera');
  tokens.admin = await fixture.key('admin', 'federation');
});
afterAll(async () => {
  await fixture.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signers(): Promise<unknown> {
  return (await request(fixture.app).get(api('/signers')).set(as('admin')).expect(200)).body;
}

async function ledgerVerification() {
  const res = await request(fixture.app).get(api('/verify')).set(as('auditor')).expect(200);
  return (
    res.body.stores as { store: string; intact: boolean; findings: { detail: string }[] }[]
  ).find((s) => s.store === 'ledger')!;
}

/** What a thief holding the revoked key could sign: a checkpoint over a new event, at 06:30. */
async function checkpointSignedWithStolenKey(): Promise<void> {
  const ledger = new SqliteEventStore({ file: join(dataDir, 'ledger.db') });
  const audit = new SqliteEventStore({ file: join(dataDir, 'audit.db') });
  try {
    await ledger.append(
      'account-0',
      [{ id: crypto.randomUUID(), type: 'SavingsWithdrawn', schemaVersion: 1, data: { n: 1 } }],
      { expectedRevision: 'any' },
    );
    const sealer = new CheckpointSealer({
      name: 'ledger',
      store: ledger,
      key: nodeKey,
      witness: new AuditStore(audit),
      clock: () => new Date('2026-08-01T06:30:00.000Z'),
    });
    expect(await sealer.seal()).toEqual([
      expect.objectContaining({ statement: expect.objectContaining({ sequence: 3 }) }),
    ]);
  } finally {
    await ledger.close();
    await audit.close();
  }
}

describe('signer revocation over HTTP', () => {
  it('refuses other roles, unknown keys, malformed bodies and future times, changing nothing', async () => {
    const before = await signers();
    const body = { reason: 'seed leaked', effectiveAt: '2026-08-01T05:00:00Z' };
    const path = revocation(nodeKey.keyId);
    await request(fixture.app).post(path).send(body).expect(401);
    for (const who of ['auditor', 'coop']) {
      const res = await request(fixture.app).post(path).set(as(who)).send(body).expect(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const unknown = await request(fixture.app)
      .post(revocation('0'.repeat(32)))
      .set(as('admin'))
      .send(body)
      .expect(404);
    expect(unknown.body).toMatchObject({ code: 'signer_not_found' });
    expect(unknown.headers['content-type']).toMatch(/problem\+json/);
    await request(fixture.app)
      .post(revocation('not-a-key'))
      .set(as('admin'))
      .send(body)
      .expect(400);
    for (const bad of [
      {},
      { effectiveAt: body.effectiveAt },
      { reason: body.reason },
      { ...body, reason: '   ' },
      { ...body, reason: 'x'.repeat(501) },
      { ...body, effectiveAt: '2026-08-01T05:00:00' },
      { ...body, effectiveAt: 'yesterday' },
      { ...body, revokedBy: 'someone else' },
    ]) {
      const res = await request(fixture.app).post(path).set(as('admin')).send(bad).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const future = await request(fixture.app)
      .post(path)
      .set(as('admin'))
      .send({ ...body, effectiveAt: '2026-08-01T06:00:01Z' })
      .expect(422);
    expect(future.body).toMatchObject({
      code: 'revocation_in_future',
      detail: expect.stringMatching(/not a future one/),
    });
    expect(await signers()).toEqual(before);
  });

  it('revokes a key from a time on: what it signed before still verifies, what it signed after does not', async () => {
    const revoked = await request(fixture.app)
      .post(revocation(nodeKey.keyId))
      .set(as('admin'))
      .send({ reason: 'seed leaked', effectiveAt: '2026-08-01T12:00:00+07:00' })
      .expect(201);
    expect(revoked.body).toMatchObject({
      keyId: nodeKey.keyId,
      role: 'node',
      revokedAt: '2026-08-01T05:00:00.000Z',
      revocationReason: 'seed leaked',
      revokedBy: expect.any(String),
    });
    expect(await signers()).toMatchObject({
      signers: expect.arrayContaining([revoked.body]),
    });
    // Checkpoints 1 and 2 were signed at 04:00, before the revocation took effect.
    expect(await ledgerVerification()).toMatchObject({ intact: true, findings: [] });

    await checkpointSignedWithStolenKey();
    const ledger = await ledgerVerification();
    expect(ledger.intact).toBe(false);
    expect(ledger.findings).toEqual([
      expect.objectContaining({
        kind: 'signature',
        detail: `checkpoint 3 was signed at 2026-08-01T06:30:00.000Z by key ${nodeKey.keyId}, revoked from 2026-08-01T05:00:00.000Z (seed leaked): it does not count`,
      }),
    ]);
  });

  it('refuses to revoke a key twice, keeping the first revocation', async () => {
    const before = await signers();
    const again = await request(fixture.app)
      .post(revocation(nodeKey.keyId))
      .set(as('admin'))
      .send({ reason: 'changed my mind', effectiveAt: '2026-08-01T03:00:00Z' })
      .expect(409);
    expect(again.body).toMatchObject({
      code: 'signer_already_revoked',
      detail: expect.stringMatching(/revoked from 2026-08-01T05:00:00.000Z: seed leaked/),
    });
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    expect(await signers()).toEqual(before);
  });

  it('stops counting an auditor’s countersignatures once its key is revoked', async () => {
    await request(fixture.app)
      .post(api('/signers'))
      .set(as('admin'))
      .send({
        publicKey: auditorKey.publicKey,
        role: 'auditor',
        coopId: 'puskopdit',
        name: 'KAP Auditor',
      })
      .expect(201);
    await request(fixture.app)
      .post(revocation(auditorKey.keyId))
      .set(as('admin'))
      .send({ reason: 'engagement ended', effectiveAt: NOW })
      .expect(201);
    const exported = await request(fixture.app)
      .get(api('/checkpoints?store=ledger'))
      .set(as('auditor'))
      .expect(200);
    const { statement } = exported.body.stores[0].checkpoints[0].checkpoint;
    await request(fixture.app)
      .post(api('/countersignatures'))
      .set(as('auditor'))
      .send({
        store: 'ledger',
        sequence: 1,
        keyId: auditorKey.keyId,
        signature: auditorKey.sign(statementText(statement)),
      })
      .expect(404);
  });
});
