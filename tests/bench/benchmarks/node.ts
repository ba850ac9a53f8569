import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kopfed/eventstore';
import { person } from '@kopfed/member/src/testing/federation';
import { apiKey, registerFederation } from '../../e2e/federation';
import { PatientClient } from '../../e2e/http';
import { ADMIN_KEY, freePort, NodeProcess, sleep } from '../../e2e/node-process';
import { load } from '../http-load';
import { atLeast, atMost, round, type Benchmark } from '../report';

const COOPS = Number(process.env.NODE_BENCH_COOPS ?? 10);
const MEMBERS_PER_COOP = 10;
const REQUESTS = Number(process.env.NODE_BENCH_REQUESTS ?? 20_000);
const CLIENTS = 50;
const TOTAL_EVENTS = Number(process.env.NODE_BENCH_EVENTS ?? 1_000_000);
const PARENT = 'bench-p';
const coopIds = Array.from({ length: COOPS }, (_, i) => `bench-${i}`);
const idr = (amount: number | bigint) => ({ amount: String(amount), currency: 'IDR' });

interface Fixture {
  tokens: Map<string, string>;
  accounts: { coopId: string; accountId: string }[];
  loans: { coopId: string; loanId: string }[];
}

/** Asks again until the services that learn of members from events have caught up. */
async function eventually(what: string, attempt: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await attempt()) return;
    await sleep(50);
  }
  throw new Error(`${what}: not ready after 30 s`);
}

/** Coops, members, sukarela accounts, loans and clearing limits, through the public API. */
async function setUp(node: NodeProcess): Promise<Fixture> {
  const admin = new PatientClient(node.url, ADMIN_KEY);
  const { treasurerToken } = await registerFederation(
    admin,
    (t) => new PatientClient(node.url, t),
    PARENT,
    coopIds,
  );
  const treasurer = new PatientClient(node.url, treasurerToken);
  const fixture: Fixture = { tokens: new Map(), accounts: [], loans: [] };
  for (const coopId of coopIds) {
    const coop = new PatientClient(node.url, await apiKey(admin, 'coop', coopId));
    fixture.tokens.set(coopId, coop.token);
    await coop.expect(200, 'POST', `/api/member/v1/coops/${coopId}/member-batches`, {
      sequence: 1,
      items: Array.from({ length: MEMBERS_PER_COOP }, (_, i) => ({
        externalId: `${coopId}-m${i}`,
        memberNumber: `M-${i}`,
        kind: 'person',
        joinedOn: '2026-01-15',
        person: person(coopIds.indexOf(coopId) * MEMBERS_PER_COOP + i),
      })),
    });
    await coop.expect(201, 'POST', `/api/savings/v1/coops/${coopId}/products`, {
      code: 'SUKARELA',
      name: 'Simpanan sukarela',
      kind: 'sukarela',
      terms: { effectiveFrom: '2026-01-01' },
    });
    await coop.expect(201, 'POST', `/api/loan/v1/coops/${coopId}/loan-products/ANUITAS/versions`, {
      effectiveFrom: '2026-01-01',
      terms: {
        name: 'Pinjaman anuitas',
        method: 'ANNUITY',
        annualRatePercent: '12',
        minTermMonths: 1,
        maxTermMonths: 60,
        minPrincipal: idr(1_000_000),
        maxPrincipal: idr(500_000_000),
      },
    });
    const members = (await coop.expect(
      200,
      'GET',
      `/api/member/v1/coops/${coopId}/members?limit=100`,
    )) as { items: { memberId: string; externalId: string }[] };
    for (const [i, member] of members.items.entries()) {
      const accountId = `${coopId}-s${i}`;
      await eventually(`savings knows ${member.memberId}`, async () => {
        const opened = await coop.send('POST', `/api/savings/v1/coops/${coopId}/accounts`, {
          accountId,
          memberId: member.memberId,
          productCode: 'SUKARELA',
          initialDeposit: { amount: idr(100_000_000), via: 'cash' },
        });
        return opened.status === 201;
      });
      fixture.accounts.push({ coopId, accountId });
    }
    let loanIds: string[] = [];
    let sequence = 0;
    // A rejected item stays rejected in its batch: each attempt is a new batch (sequence).
    await eventually(`loan knows the members of ${coopId}`, async () => {
      sequence += 1;
      const batch = await coop.send('POST', `/api/loan/v1/coops/${coopId}/loan-sync-batches`, {
        sequence,
        items: members.items.flatMap((m, i) => [
          {
            kind: 'loan',
            externalId: `L-${i}`,
            memberExternalId: m.externalId,
            productCode: 'ANUITAS',
            principal: idr(50_000_000),
            termMonths: 24,
            appliedOn: '2026-06-01',
          },
          {
            kind: 'disbursement',
            externalId: `D-${i}`,
            loanExternalId: `L-${i}`,
            disbursedOn: '2026-06-02',
            via: { kind: 'cash' },
          },
        ]),
      });
      const items = (batch.body as { results?: { status: string; id?: string }[] }).results ?? [];
      const failed = items.filter(
        (item) => !['created', 'updated', 'unchanged'].includes(item.status),
      );
      if (batch.status !== 200 || failed.length > 0) return false;
      loanIds = [...new Set(items.map((item) => item.id!))];
      return true;
    });
    for (const loanId of loanIds) fixture.loans.push({ coopId, loanId });
    await treasurer.expect(200, 'PUT', `/api/settlement/v1/coops/${coopId}/limits/IDR`, {
      netDebitCap: idr(1_000_000_000_000),
      alarmAtBasisPoints: 9_000,
    });
    await treasurer.expect(200, 'PUT', `/api/settlement/v1/coops/${coopId}/liquidity-cover/IDR`, {
      amount: idr(1_000_000_000_000),
    });
  }
  return fixture;
}

/** One request of the mix: 40% deposits, 20% withdrawals, 20% repayments, 20% inter-coop payments. */
function mixed(fixture: Fixture, n: number) {
  const kind = n % 10;
  const auth = (coopId: string) => ({
    authorization: `Bearer ${fixture.tokens.get(coopId)}`,
    'idempotency-key': `bench-${n}`,
  });
  if (kind < 6) {
    const { coopId, accountId } = fixture.accounts[n % fixture.accounts.length]!;
    const what = kind < 4 ? 'deposits' : 'withdrawals';
    return {
      method: 'POST',
      path: `/api/savings/v1/coops/${coopId}/accounts/${accountId}/${what}`,
      headers: auth(coopId),
      body: { amount: idr(1_000 + (n % 1_000)), via: 'cash' },
    };
  }
  if (kind < 8) {
    const { coopId, loanId } = fixture.loans[n % fixture.loans.length]!;
    return {
      method: 'POST',
      path: `/api/loan/v1/coops/${coopId}/loans/${loanId}/repayments`,
      headers: auth(coopId),
      body: { amount: idr(10_000), via: { kind: 'cash' } },
    };
  }
  const from = coopIds[n % COOPS]!;
  const to = coopIds[(n + 1 + (n % (COOPS - 1))) % COOPS]!;
  return {
    method: 'POST',
    path: '/api/settlement/v1/transfers',
    headers: auth(from),
    body: { transferId: `bench-t-${n}`, fromCoopId: from, toCoopId: to, amount: idr(5_000) },
  };
}

/** Events in every store of a data directory. */
function eventsIn(dataDir: string, stores: readonly string[]): number {
  let total = 0;
  for (const name of stores) {
    const store = new SqliteEventStore({ file: join(dataDir, `${name}.db`) });
    total += (store.database.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    void store.close();
  }
  return total;
}

/** Old activity: events of a stream category no projection or relay subscribes to. */
async function fillTo(dataDir: string, total: number, already: number): Promise<number> {
  const missing = Math.max(0, total - already);
  const store = new SqliteEventStore({ file: join(dataDir, 'savings.db') });
  const batch = 1_000;
  for (let written = 0; written < missing; written += batch) {
    const size = Math.min(batch, missing - written);
    await store.append(
      `benchhistory-${written / batch}`,
      Array.from({ length: size }, (_, i) => ({
        id: `00000000-0000-4000-8000-${String(written + i).padStart(12, '0')}`,
        type: 'HistoricalActivity',
        schemaVersion: 1,
        data: { n: written + i, note: 'imported history' },
      })),
      { expectedRevision: 'no_stream' },
    );
  }
  await store.close();
  return missing;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/**
 * The whole node as `npm start` runs it, as a real process: a mixed workload from 50 clients,
 * then its memory and its start-up time with a million events in its stores.
 */
export const nodeBenchmark: Benchmark = {
  name: 'node',
  description: `the node as a process: ${REQUESTS.toLocaleString('en')} mixed commands from ${CLIENTS} clients over HTTP, RSS and start-up with ${TOTAL_EVENTS.toLocaleString('en')} events`,
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-bench-node-'));
    const port = await freePort();
    const node = new NodeProcess({ dataDir, port, env: { LOG_LEVEL: 'error' } });
    await node.start();
    const fixture = await setUp(node);
    const result = await load({
      port,
      concurrency: CLIENTS,
      total: REQUESTS,
      request: (n) => mixed(fixture, n),
    });
    const ok = Object.entries(result.statuses)
      .filter(([status]) => Number(status) < 300)
      .reduce((sum, [, count]) => sum + count, 0);
    await node.stop();

    const stores = ['member', 'savings', 'loan', 'settlement', 'audit', 'access'];
    const domainEvents = eventsIn(dataDir, stores);
    const filler = await fillTo(dataDir, TOTAL_EVENTS, domainEvents);
    const started = performance.now();
    await node.start(120_000);
    const startupSeconds = (performance.now() - started) / 1000;
    // A short burst after the restart, so the memory figure is of a working node.
    await load({
      port,
      concurrency: CLIENTS,
      total: 2_000,
      request: (n) => mixed(fixture, REQUESTS + n),
    });
    const rss = rssMb(node.pid!);
    await node.stop();

    return {
      cases: [
        {
          name: 'mixed commands over HTTP',
          clients: CLIENTS,
          requests: result.requests,
          succeeded: ok,
          commandsPerSecond: Math.round(result.perSecond),
          p50Ms: round(result.p50Ms, 1),
          p99Ms: round(result.p99Ms, 1),
          statuses: JSON.stringify(result.statuses),
        },
        {
          name: `restart with ${(domainEvents + filler).toLocaleString('en')} events`,
          domainEvents,
          historyEvents: filler,
          startupSeconds: round(startupSeconds, 2),
          rssMb: round(rss, 0),
        },
      ],
      targets: [
        atLeast('commands per second (50 clients, mixed)', result.perSecond, 1_500),
        atMost('p99 latency (ms)', result.p99Ms, 100),
        atMost(`RSS after ${TOTAL_EVENTS.toLocaleString('en')} events (MB)`, rss, 512),
        atMost(`start-up with ${TOTAL_EVENTS.toLocaleString('en')} events (s)`, startupSeconds, 5),
        atLeast('share of commands that succeeded', ok / result.requests, 0.99),
      ],
      notes: [
        'the node is `npm start`’s bundle (apps/node/dist/main.js) as a child process, on its SQLite stores; the load generator runs in the bench process on the same 2 cores',
        'mix: 40% deposits, 20% withdrawals (savings), 20% loan repayments, 20% inter-coop transfers (settlement), each with an Idempotency-Key',
        'the million events are the workload’s own plus imported history appended to the savings store in streams no projection reads; start-up is until /health/ready answers',
      ],
    };
  },
};
