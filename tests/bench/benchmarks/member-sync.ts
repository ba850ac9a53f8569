import type { AddressInfo } from 'node:net';
import { hostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '@kopfed/member';
import { COOP, federation, person } from '@kopfed/member/src/testing/federation';
import { load } from '../http-load';
import { atLeast, round, type Benchmark } from '../report';

const BATCHES = Number(process.env.MS_BATCHES ?? 20);
const PER_BATCH = 1_000;

function items(batch: number) {
  return Array.from({ length: PER_BATCH }, (_, i) => {
    const n = batch * PER_BATCH + i;
    return {
      externalId: `AGT-${n}`,
      memberNumber: `S-${n}`,
      kind: 'person',
      joinedOn: '2025-01-15',
      person: person(n),
    };
  });
}

/** Member upserts through the bulk API of the member service, on the embedded default, over real HTTP. */
export const memberSyncBenchmark: Benchmark = {
  name: 'member-sync',
  description: `member upserts per second through POST /coops/{id}/member-batches (${BATCHES} batches of ${PER_BATCH.toLocaleString('en')}), first sync and resend`,
  async run() {
    const fixture = await hostFixture([memberModule]);
    const f = await federation(fixture);
    const server = fixture.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const bodies = Array.from({ length: BATCHES }, (_, b) => ({
      sequence: b + 1,
      items: items(b),
    }));
    const run = async (label: string) => {
      const cpu = process.cpuUsage();
      const result = await load({
        port,
        concurrency: 1,
        total: BATCHES,
        request: (n) => ({
          method: 'POST',
          path: `/api/member/v1/coops/${COOP.A}/member-batches`,
          headers: { authorization: `Bearer ${f.coopA}` },
          body: bodies[n],
        }),
      });
      const used = process.cpuUsage(cpu);
      return { label, cpuSeconds: (used.user + used.system) / 1e6, ...result };
    };
    const first = await run('first sync');
    const resend = await run('resend (all unchanged)');
    const members = (
      fixture.stores
        .get('member')!
        .database.prepare('SELECT count(*) AS n FROM members WHERE coop_id = ?')
        .get(COOP.A) as { n: number }
    ).n;
    server.close();
    await fixture.close();
    if (members !== BATCHES * PER_BATCH)
      throw new Error(`expected ${BATCHES * PER_BATCH} members, found ${members}`);
    const cases = [first, resend].map((r) => ({
      name: r.label,
      upsertsPerSecond: Math.round((r.requests * PER_BATCH) / r.seconds),
      cpuMsPerThousand: round((r.cpuSeconds * 1_000) / r.requests, 0),
      batchP50Ms: round(r.p50Ms, 1),
      batchP99Ms: round(r.p99Ms, 1),
      statuses: JSON.stringify(r.statuses),
    }));
    return {
      cases,
      targets: [
        atLeast(
          'member upserts per second, first sync',
          (first.requests * PER_BATCH) / first.seconds,
          5_000,
        ),
      ],
      notes: [
        'one client sending batches one after another, as the sync agent does; every person is new on the first sync, with a valid NIK, sealed with a key of its own',
        'cpuMsPerThousand is the whole process’s CPU time (server and load generator) per batch of 1,000: steadier than upserts per second on a shared machine',
      ],
    };
  },
};
