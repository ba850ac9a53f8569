import { rmSync } from 'node:fs';
import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { statementText } from '../checkpoints/checkpoint';
import { signingKeyFromSeed } from '../keys/ed25519';
import {
  checkInclusionProof,
  checkStreamProof,
  type InclusionProof,
  type StreamProof,
} from '../proofs/proof-format';
import { buildSampleStores, SAMPLE_SEED } from '../testing/sample-stores';
import { createAuditModule } from './audit-module';

let fixture: HostFixture;
let dataDir: string;
const tokens: Record<string, string> = {};
const api = (path: string) => `/api/audit/v1${path}`;
const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
const nodeKeyId = signingKeyFromSeed(SAMPLE_SEED).keyId;
const auditorKey = signingKeyFromSeed(Buffer.alloc(32, 77));

beforeAll(async () => {
  ({ dataDir } = await buildSampleStores());
  fixture = await hostFixture([createAuditModule()], {
    dataDir,
    env: {
      KOPFED_AUDIT_SIGNING_KEY: SAMPLE_SEED.toString('base64'),
      KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: '0',
    },
  });
  fixture.directory.setParent('ksp-sejahtera', 'puskopdit');
  tokens.auditor = await fixture.key('auditor', 'puskopdit');
  tokens.strangerAuditor = await fixture.key('auditor', 'ksp-lain');
  tokens.coop = await fixture.key('coop', 'ksp-sejahtera');
  tokens.admin = await fixture.key('admin', 'federation');
});
afterAll(async () => {
  await fixture.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('audit over HTTP', () => {
  it('verifies every store for auditors and admins, and for no one else', async () => {
    const res = await request(fixture.app).get(api('/verify')).set(as('auditor')).expect(200);
    expect(res.body).toMatchObject({ intact: true, error: null });
    expect(res.body.stores.map((s: { store: string }) => s.store)).toEqual([
      'access',
      'audit',
      'ledger',
    ]);
    expect(JSON.stringify(res.body)).not.toContain(dataDir);
    await request(fixture.app).get(api('/verify')).set(as('coop')).expect(403);
  });

  it('exports checkpoints and proves an event by id, within the auditor’s reach', async () => {
    const exported = await request(fixture.app)
      .get(api('/checkpoints?store=ledger'))
      .set(as('auditor'))
      .expect(200);
    expect(exported.body.stores).toEqual([
      expect.objectContaining({
        store: 'ledger',
        checkpoints: [expect.anything(), expect.anything()],
      }),
    ]);
    const eventId = '00000000-0000-4000-8000-000000000005';
    const proof = await request(fixture.app)
      .get(api(`/events/${eventId}/proof`))
      .set(as('auditor'))
      .expect(200);
    expect(checkInclusionProof(proof.body as InclusionProof, [nodeKeyId])).toEqual({ valid: true });
    await request(fixture.app)
      .get(api(`/events/${eventId}/proof`))
      .set(as('strangerAuditor'))
      .expect(404);
    await request(fixture.app)
      .get(api('/events/00000000-0000-4000-8000-0000000000aa/proof'))
      .set(as('auditor'))
      .expect(404);
    const late = '00000000-0000-4000-8000-000000000099'; // position 100, in checkpoint 2 only
    await request(fixture.app)
      .get(api(`/events/${late}/proof`))
      .set(as('admin'))
      .expect(200);
  });

  it('gives a stream proof a statement can be recomputed from', async () => {
    const res = await request(fixture.app)
      .get(api('/stores/ledger/streams/account-2/proof?checkpoint=1'))
      .set(as('auditor'))
      .expect(200);
    const proof = res.body as StreamProof;
    expect(proof).toMatchObject({ stream: 'account-2', complete: true, head: expect.any(Object) });
    expect(checkStreamProof(proof, [nodeKeyId])).toEqual({ valid: true });
    expect(checkStreamProof({ ...proof, events: proof.events.slice(0, -1) })).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/its last 1 event\(s\) are missing$/),
    });
    await request(fixture.app)
      .get(api('/stores/ledger/streams/account-2/proof'))
      .set(as('strangerAuditor'))
      .expect(404);
    // Out of scope, even a page past the stream's head says nothing of how far it got.
    const pastHead = api('/stores/ledger/streams/account-2/proof?fromRevision=100000');
    const hidden = await request(fixture.app).get(pastHead).set(as('strangerAuditor')).expect(404);
    expect(JSON.stringify(hidden.body)).not.toMatch(/revision/);
    const unavailable = await request(fixture.app).get(pastHead).set(as('auditor')).expect(422);
    expect(unavailable.body).toMatchObject({
      code: 'proof_unavailable',
      detail: expect.stringMatching(/^account-2 reached only revision \d+ at checkpoint \d+$/),
    });
    const none = await request(fixture.app)
      .get(api('/stores/ledger/streams/account-none/proof'))
      .set(as('auditor'))
      .expect(422);
    expect(none.body.detail).toMatch(/account-none has no events in checkpoint \d+ of ledger/);
    await request(fixture.app)
      .get(api('/stores/nowhere/streams/account-2/proof'))
      .set(as('auditor'))
      .expect(404);
  });

  it('lets an admin register an auditor’s key and the auditor countersign with it', async () => {
    const body = {
      publicKey: auditorKey.publicKey,
      role: 'auditor',
      coopId: 'puskopdit',
      name: 'KAP Auditor',
    };
    await request(fixture.app).post(api('/signers')).set(as('auditor')).send(body).expect(403);
    const registered = await request(fixture.app)
      .post(api('/signers'))
      .set(as('admin'))
      .send(body)
      .expect(201);
    expect(registered.body).toMatchObject({ keyId: auditorKey.keyId, role: 'auditor' });
    await request(fixture.app).post(api('/signers')).set(as('admin')).send(body).expect(200);

    const exported = await request(fixture.app)
      .get(api('/checkpoints?store=ledger'))
      .set(as('auditor'))
      .expect(200);
    const statement = exported.body.stores[0].checkpoints[1].checkpoint.statement;
    const countersign = {
      store: 'ledger',
      sequence: 2,
      keyId: auditorKey.keyId,
      signature: auditorKey.sign(statementText(statement)),
    };
    await request(fixture.app)
      .post(api('/countersignatures'))
      .set(as('auditor'))
      .send({ ...countersign, sequence: 1 })
      .expect(422);
    await request(fixture.app)
      .post(api('/countersignatures'))
      .set(as('strangerAuditor'))
      .send(countersign)
      .expect(404);
    await request(fixture.app)
      .post(api('/countersignatures'))
      .set(as('auditor'))
      .send(countersign)
      .expect(201);
    await request(fixture.app)
      .post(api('/countersignatures'))
      .set(as('auditor'))
      .send(countersign)
      .expect(201);

    const verified = await request(fixture.app).get(api('/verify')).set(as('admin')).expect(200);
    expect(verified.body.stores.find((s: { store: string }) => s.store === 'ledger')).toMatchObject(
      { intact: true, countersignatures: 1 },
    );
    const again = await request(fixture.app)
      .get(api('/checkpoints?store=ledger&fromSequence=2'))
      .set(as('auditor'))
      .expect(200);
    expect(again.body.stores[0].checkpoints[0].countersignatures).toEqual([
      expect.objectContaining({ sequence: 2 }),
    ]);
  });

  it('refuses malformed requests with a problem naming the field', async () => {
    const res = await request(fixture.app)
      .post(api('/countersignatures'))
      .set(as('auditor'))
      .send({ store: 'ledger', sequence: 0, keyId: 'x', signature: 'y' })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    await request(fixture.app).get(api('/checkpoints?limit=5000')).set(as('auditor')).expect(400);
  });

  it('refuses to export the checkpoints of a store the node does not have, instead of an empty export', async () => {
    const res = await request(fixture.app)
      .get(api('/checkpoints?store=ledgr'))
      .set(as('auditor'))
      .expect(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'store_not_found',
      detail: expect.stringMatching(/ledgr/),
    });
  });
});
