import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatientClient } from './http';
import { apiKey, person, registerFederation } from './federation';
import { ADMIN_KEY, freePort, NodeProcess, sleep } from './node-process';
import { auditDataDir } from './scenario/cli';

/**
 * Issue 10's crash test: clients drive the node with commands they retry until acknowledged,
 * while the node is killed with SIGKILL at random moments and started again. Afterwards
 * every acknowledged command's effect is there exactly once, `audit verify` finds every store
 * intact and `audit rebuild-check` finds every projection equal to its rebuild.
 */
const KILLS = Number(process.env.CRASH_KILLS ?? 50);
const CLIENTS = 6;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);

/** A small seeded generator (mulberry32), so a failing run's kill timing can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

jest.setTimeout(15 * 60_000);

/** A sukarela product and one account at coop A, for a member who joined through the member API. */
async function openSavingsAccount(coop: PatientClient): Promise<string> {
  const member = (await coop.expect(
    201,
    'POST',
    '/api/member/v1/coops/crash-a/members',
    {
      kind: 'person',
      memberNumber: 'SAVER',
      externalId: 'crash-saver',
      joinedOn: '2026-02-01',
      person: person(99_999),
    },
    'join-saver',
  )) as { memberId: string };
  await coop.expect(201, 'POST', '/api/savings/v1/coops/crash-a/products', {
    code: 'SUKARELA',
    name: 'Simpanan sukarela',
    kind: 'sukarela',
    terms: { effectiveFrom: '2026-01-01' },
  });
  // The savings service learns of the member from the member service's events.
  for (let attempt = 0; ; attempt++) {
    const opened = await coop.send('POST', '/api/savings/v1/coops/crash-a/accounts', {
      accountId: 'crash-account',
      memberId: member.memberId,
      productCode: 'SUKARELA',
    });
    if (opened.status === 201) break;
    if (attempt > 200) throw new Error(`could not open the account: ${JSON.stringify(opened)}`);
    await sleep(50);
  }
  return '/api/savings/v1/coops/crash-a/accounts/crash-account';
}

async function statementReferences(coop: PatientClient, account: string): Promise<string[]> {
  const references: string[] = [];
  let cursor: string | undefined;
  do {
    const page = (await coop.expect(
      200,
      'GET',
      `${account}/statement?from=2000-01-01&to=2100-12-31&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )) as { lines: { type: string; reference: string | null }[]; nextCursor: string | null };
    for (const line of page.lines) if (line.reference) references.push(line.reference);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return references;
}

describe(`the node killed ${KILLS} times under load (seed ${SEED}; CRASH_SEED=${SEED} replays it)`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-crash-'));
  let node: NodeProcess;

  afterAll(async () => {
    // kill() resolves once the node's process has exited: nothing uses the folder after it.
    await node?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses and duplicates no acknowledged command', async () => {
    node = new NodeProcess({ dataDir, port: await freePort() });
    await node.start();
    const admin = new PatientClient(node.url, ADMIN_KEY);
    await registerFederation(admin, (t) => new PatientClient(node.url, t), 'crash-p', ['crash-a']);
    const coop = new PatientClient(node.url, await apiKey(admin, 'coop', 'crash-a'));
    const account = await openSavingsAccount(coop);

    const acknowledged = new Map<string, number>();
    const deposits = new Map<string, { amount: bigint; status: number }>();
    let next = 0;
    let loadRunning = true;
    const clients = Array.from({ length: CLIENTS }, async (_, client) => {
      while (loadRunning) {
        const n = next++;
        if (client % 2 === 1) {
          // Odd clients pay into one savings account: money, so a duplicate would show.
          const amount = 1_000n + BigInt(n);
          const answer = await coop.send(
            'POST',
            `${account}/deposits`,
            { amount: { amount: amount.toString(), currency: 'IDR' }, reference: `dep-${n}` },
            `dep-${n}`,
          );
          deposits.set(`dep-${n}`, { amount, status: answer.status });
          continue;
        }
        const answer = await coop.send(
          'POST',
          '/api/member/v1/coops/crash-a/members',
          {
            kind: 'person',
            memberNumber: `C-${n}`,
            externalId: `crash-${n}`,
            joinedOn: '2026-02-01',
            person: person(n),
          },
          `join-${n}`,
        );
        acknowledged.set(`crash-${n}`, answer.status);
      }
    });

    const rand = random(SEED);
    let kills = 0;
    while (kills < KILLS) {
      await sleep(150 + Math.floor(rand() * 600));
      await node.kill();
      kills += 1;
      await node.start();
    }
    loadRunning = false;
    await Promise.all(clients);

    // Every command was acknowledged as a success: a retry after a crash is a replay, never
    // a refusal of a duplicate.
    const refused = [
      ...[...acknowledged].filter(([, status]) => status !== 201),
      ...[...deposits].filter(([, d]) => d.status !== 200).map(([k, d]) => [k, d.status]),
    ];
    expect(refused).toEqual([]);
    expect(acknowledged.size).toBeGreaterThan(KILLS / 2);
    expect(deposits.size).toBeGreaterThan(KILLS / 2);

    // The account holds exactly the acknowledged deposits: its balance, and its statement
    // (a projection) with each deposit's reference once.
    const expected = [...deposits.values()].reduce((sum, d) => sum + d.amount, 0n);
    const view = (await coop.expect(200, 'GET', account)) as { balance: { amount: string } };
    expect(BigInt(view.balance.amount)).toBe(expected);
    const references = await statementReferences(coop, account);
    expect(references.length).toBe(new Set(references).size);
    expect(new Set(references)).toEqual(new Set(deposits.keys()));

    // Each acknowledged member exists exactly once, and nothing else does.
    const seen = new Map<string, number>();
    let cursor: string | undefined;
    do {
      const page = (await coop.expect(
        200,
        'GET',
        `/api/member/v1/coops/crash-a/members?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      )) as { items: { externalId: string | null }[]; nextCursor: string | null };
      for (const item of page.items) {
        const id = item.externalId ?? '(none)';
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const duplicated = [...seen].filter(([, count]) => count > 1);
    const lost = [...acknowledged.keys()].filter((id) => !seen.has(id));
    const unexpected = [...seen.keys()].filter(
      (id) => id !== 'crash-saver' && !acknowledged.has(id),
    );
    expect({ lost, duplicated, unexpected }).toEqual({ lost: [], duplicated: [], unexpected: [] });

    // A graceful stop after all that still exits cleanly, and the auditor finds every store
    // intact and every projection equal to its rebuild from the events.
    expect(await node.stop()).toBe(0);
    const { verify, rebuild } = await auditDataDir(dataDir);
    expect([verify.code, verify.stderr, verify.report?.intact]).toEqual([0, '', true]);
    expect(verify.report!.stores.filter((s) => !s.intact)).toEqual([]);
    expect([rebuild.code, rebuild.stderr, rebuild.report?.identical]).toEqual([0, '', true]);
    expect(rebuild.report!.projections.filter((p) => !p.identical)).toEqual([]);
    expect(rebuild.report!.projections.length).toBeGreaterThan(4);
    process.stdout.write(
      `crash test: ${kills} kills, ${acknowledged.size + deposits.size} acknowledged commands (${acknowledged.size} joins, ${deposits.size} deposits), 0 lost, 0 duplicated\n`,
    );
  });
});
