import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { memberModule } from '@kopfed/member';
import { coopBody } from '@kopfed/member/src/testing/federation';
import type { ServiceModule } from '@kopfed/service-kit';
import { createNode, type FederationNode } from '../node';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const BASE = '/api/operations/v1/dead-letters';

/** A consumer of the member service's events that fails while `down` is set. */
function flaky(state: { down: boolean; handled: string[] }): ServiceModule {
  return {
    name: 'flaky',
    create: async () => ({
      definition: {
        service: 'flaky',
        version: 'v1',
        title: 'flaky',
        description: 'A consumer that fails on demand.',
        routes: [],
        ready: async () => true,
      },
      consumes: [
        {
          topic: 'kopfed.member.events',
          group: 'flaky.member',
          handler: (message) => {
            if (state.down) throw new Error('the flaky service is down');
            state.handled.push((JSON.parse(message.value) as { type: string }).type);
          },
        },
      ],
    }),
  };
}

describe('dead letters on the node', () => {
  let node: FederationNode | undefined;
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kopfed-dead-letters-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await node?.close();
    node = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('are kept across restarts, listed, replayed to the group that failed them, or discarded', async () => {
    const dir = dataDir();
    const state = { down: true, handled: [] as string[] };
    const start = () =>
      createNode({
        dataDir: dir,
        env: {},
        modules: [memberModule, flaky(state)],
        clock: () => new Date('2026-03-02T03:00:00.000Z'),
      });
    node = await start();
    const admin = node.bootstrap.created ? node.bootstrap.token! : '';
    await request(node.app)
      .post('/api/member/v1/coops')
      .set(bearer(admin))
      .send(coopBody('dl-p', 'secondary', null))
      .expect(201);
    // The relay hands CoopRegistered to the flaky group, which fails it on every retry.
    for (let tries = 0; tries < 200 && node.deadLetters.waiting() === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const health = await request(node.app).get('/health').expect(200);
    expect(health.body.deadLetters).toEqual({ waiting: 1 });

    await node.close();
    node = await start();
    const list = await request(node.app)
      .get(`${BASE}?status=waiting`)
      .set(bearer(admin))
      .expect(200);
    expect(list.body).toMatchObject({
      items: [
        {
          topic: 'kopfed.member.events',
          group: 'flaky.member',
          key: 'dl-p',
          error: 'Error: the flaky service is down',
          attempts: 4,
          status: 'waiting',
          replays: 0,
        },
      ],
      nextCursor: null,
    });
    const id = (list.body as { items: { id: number }[] }).items[0]!.id;

    // Still down: the replay fails again, and the dead letter keeps waiting with the new error.
    const again = await request(node.app)
      .post(`${BASE}/${id}/replay`)
      .set(bearer(admin))
      .expect(200);
    expect(again.body).toMatchObject({
      status: 'waiting',
      replays: 1,
      lastReplayError: 'Error: the flaky service is down',
    });
    expect(node.deadLetters.waiting()).toBe(1);

    state.down = false;
    const replayed = await request(node.app)
      .post(`${BASE}/${id}/replay`)
      .set(bearer(admin))
      .expect(200);
    expect(replayed.body).toMatchObject({ status: 'replayed', replays: 2, lastReplayError: null });
    expect(state.handled).toEqual(['kopfed.member.CoopRegistered.v1']);
    expect((await request(node.app).get('/health').expect(200)).body.deadLetters).toEqual({
      waiting: 0,
    });

    // Settled: neither replayed nor discarded a second time, and nothing changes.
    const settled = await request(node.app)
      .post(`${BASE}/${id}/replay`)
      .set(bearer(admin))
      .expect(409);
    expect(settled.body).toMatchObject({ code: 'dead-letter-settled' });
    await request(node.app)
      .post(`${BASE}/${id}/discard`)
      .set(bearer(admin))
      .send({ reason: 'obsolete' })
      .expect(409);
    expect(state.handled).toEqual(['kopfed.member.CoopRegistered.v1']);
    expect(
      (await request(node.app).get(`${BASE}/${id}`).set(bearer(admin)).expect(200)).body,
    ).toEqual(replayed.body);
  });

  it('discards a waiting one with a reason; refuses a group the node does not run', async () => {
    const dir = dataDir();
    const state = { down: true, handled: [] as string[] };
    node = await createNode({ dataDir: dir, env: {}, modules: [memberModule, flaky(state)] });
    const admin = node.bootstrap.created ? node.bootstrap.token! : '';
    for (const coop of ['dl-q', 'dl-r'])
      await request(node.app)
        .post('/api/member/v1/coops')
        .set(bearer(admin))
        .send(coopBody(coop, 'secondary', null))
        .expect(201);
    for (let tries = 0; tries < 200 && node.deadLetters.waiting() < 2; tries++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    const page = await request(node.app).get(`${BASE}?limit=1`).set(bearer(admin)).expect(200);
    const first = (page.body as { items: { id: number }[]; nextCursor: number }).items[0]!.id;
    expect(page.body.nextCursor).toBe(first);
    const next = await request(node.app)
      .get(`${BASE}?limit=1&after=${first}`)
      .set(bearer(admin))
      .expect(200);
    const second = (next.body as { items: { id: number }[] }).items[0]!.id;
    expect(second).toBeGreaterThan(first);

    await request(node.app)
      .post(`${BASE}/${first}/discard`)
      .set(bearer(admin))
      .send({})
      .expect(400);
    const discarded = await request(node.app)
      .post(`${BASE}/${first}/discard`)
      .set(bearer(admin))
      .send({ reason: 'the coop was registered again by hand' })
      .expect(200);
    expect(discarded.body).toMatchObject({
      status: 'discarded',
      reason: 'the coop was registered again by hand',
      settledBy: expect.any(String),
    });
    await request(node.app).get(`${BASE}/999999`).set(bearer(admin)).expect(404);
    await request(node.app).get(`${BASE}/abc`).set(bearer(admin)).expect(400);
    await request(node.app).get(`${BASE}?status=lost`).set(bearer(admin)).expect(400);
    await node.close();

    // The node started without the flaky service: its group is not here to replay to.
    node = await createNode({ dataDir: dir, env: {}, modules: [memberModule] });
    const refused = await request(node.app)
      .post(`${BASE}/${second}/replay`)
      .set(bearer(admin))
      .expect(409);
    expect(refused.body).toMatchObject({ code: 'consumer-group-not-running' });
    expect(node.deadLetters.waiting()).toBe(1);
  });

  it('are for admins only', async () => {
    node = await createNode({ dataDir: dataDir() });
    const admin = node.bootstrap.created ? node.bootstrap.token! : '';
    const { body } = await request(node.app)
      .post('/api/access/v1/keys')
      .set(bearer(admin))
      .send({ role: 'auditor', coopId: 'federation' })
      .expect(201);
    const auditor = (body as { token: string }).token;
    await request(node.app).get(BASE).set(bearer(auditor)).expect(403);
    await request(node.app).post(`${BASE}/1/replay`).set(bearer(auditor)).expect(403);
    await request(node.app).get(BASE).expect(401);
  });
});
