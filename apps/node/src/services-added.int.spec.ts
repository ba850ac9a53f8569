import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { SqliteEventStore } from '@kopfed/eventstore';
import { coopBody } from '@kopfed/member/src/testing/federation';
import { createNode, type FederationNode } from './node';
import { SERVICE_MODULES } from './services';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const modules = (...names: string[]) => SERVICE_MODULES.filter((m) => names.includes(m.name));

/**
 * A node run with some services (KOPFED_SERVICES) and later with more: the services added
 * are handed what the others published meanwhile, as Kafka would hand a new consumer group
 * its topic from the beginning.
 */
describe('a service added to a node that ran without it', () => {
  let node: FederationNode | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-node-added-'));
  });
  afterEach(async () => {
    await node?.close();
    node = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('has the cooperation agreements signed before it was added', async () => {
    const clock = () => new Date('2026-03-02T03:00:00.000Z');
    node = await createNode({ dataDir: dir, env: {}, modules: modules('member'), clock });
    const admin = node.bootstrap.created ? node.bootstrap.token! : '';
    const post = (path: string, body: object) =>
      request(node!.app).post(`/api/member/v1${path}`).set(bearer(admin)).send(body);
    await post('/coops', coopBody('added-p', 'secondary', null)).expect(201);
    await post('/coops/added-p/approval', { on: '2026-01-06' }).expect(200);
    for (const coop of ['added-a', 'added-b']) {
      await post('/coops/added-p/member-coops', coopBody(coop, 'primary', 'added-p')).expect(201);
      await post(`/coops/${coop}/approval`, { on: '2026-01-07' }).expect(200);
    }
    await post('/coops/added-a/cooperation-agreements', {
      partnerCoopId: 'added-b',
      validFrom: '2026-01-07',
      validUntil: '2099-12-31',
    }).expect(201);
    await node.close();

    node = await createNode({
      dataDir: dir,
      env: {},
      modules: modules('member', 'settlement'),
      clock,
    });
    const db = (node.stores.get('settlement') as SqliteEventStore).database;
    const agreements = db
      .prepare('SELECT coop_id, partner_coop_id FROM settlement_cooperation_agreements ORDER BY 1')
      .all();
    expect(agreements).toEqual(
      expect.arrayContaining([{ coop_id: 'added-a', partner_coop_id: 'added-b' }]),
    );
  });
});
