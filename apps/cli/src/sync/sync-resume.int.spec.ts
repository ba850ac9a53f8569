import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ok, type SyncStream } from '@kopfed/sdk';
import type { SyncSummary } from './run/summary';
import { startChaosProxy, seededRandom, type ChaosProxy } from './testing/chaos-proxy';
import { COOPS, eventually, syncFederation, type SyncFederation } from './testing/federation';
import { SAMPLES } from './testing/run-agent';
import { spawnAgent, type AgentRun } from './testing/spawn-agent';
import { writeMembersCsv, writeSavingsCsv, type MembersFile, type SavingsFile } from './testing/sync-files';

/**
 * Issue 11's acceptance: 20,000 members and 100,000 savings transactions (`KOPFED_SYNC_SCALE=full`)
 * through a proxy that resets, stalls and cuts connections, the agent killed with SIGKILL
 * several times mid-sync; after the last resume the node holds exactly the files' contents.
 * The default scale is small so that the workspace's tests stay quick; the code path (many
 * batches, kills between and during them, faults, resumes) is the same.
 */
const FULL = process.env.KOPFED_SYNC_SCALE === 'full';
const MEMBERS = FULL ? 20_000 : 400;
const BATCH_SIZE = FULL ? 1_000 : 25;
/** Each member's account: an opening and four movements (100,000 at full scale). */
const MOVEMENTS_PER_MEMBER = 4;
const BAD_MEMBER_EVERY = FULL ? 500 : 40;
const BAD_SAVINGS_EVERY = FULL ? 2_500 : 200;
/** Where the agent is killed: once this share of the batches is acknowledged, then a moment later. */
const KILL_POINTS = [0.15, 0.4, 0.6] as const;
const KILL_DELAY_MS = 60;
/** A bound on runs of one stream: kills, plus runs that gave up on a bad stretch of link. */
const MAX_RUNS = 20;
const SEED = 20_261_128;
const TEST_TIMEOUT_MS = FULL ? 3_600_000 : 300_000;
/** Each HTTP attempt's limit: a stalled connection costs this much; a batch of 1,000 needs more. */
const ATTEMPT_TIMEOUT_MS = FULL ? 60_000 : 5_000;

let fed: SyncFederation;
let proxy: ChaosProxy;
let dir: string;
const random = seededRandom(SEED);

beforeAll(async () => {
  fed = await syncFederation();
  proxy = await startChaosProxy({
    targetPort: Number(new URL(fed.url).port),
    random,
    // Per new connection (the agent keeps its connections alive, so cuts also force new ones).
    resetRate: 0.1,
    delayRate: 0.15,
    blackholeRate: 0.02,
    // Per chunk of a response.
    cutRate: 0.05,
    delayMs: [100, 1_500],
  });
  dir = mkdtempSync(join(tmpdir(), 'kopfed-sync-resume-'));
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await fed?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  runs: AgentRun[];
  kills: number;
  summary: SyncSummary;
}

/** Runs the agent until it finishes, killing it at each of `KILL_POINTS` on the way. */
async function syncUntilDone(stream: SyncStream, file: string, items: number): Promise<Outcome> {
  const state = join(dir, `${stream}.state.json`);
  const args = [
    stream, file,
    '--url', `http://127.0.0.1:${proxy.port}`,
    '--config', join(SAMPLES, 'kopfed-sync.yaml'),
    '--state', state,
    '--report', join(dir, `${stream}.rejected.csv`),
    '--batch-size', String(BATCH_SIZE),
    '--timeout-ms', String(ATTEMPT_TIMEOUT_MS),
    '--max-attempts', '6',
    '--no-progress',
    '--json',
  ];
  const batches = Math.ceil(items / BATCH_SIZE);
  const runs: AgentRun[] = [];
  let kills = 0;
  for (let run = 1; run <= MAX_RUNS; run++) {
    const point = KILL_POINTS[kills];
    const result = await spawnAgent(args, { KOPFED_TOKEN: fed.coopToken }, {
      timeoutMs: TEST_TIMEOUT_MS / 2,
      ...(point === undefined ? {} : { killWhen: killAfter(state, Math.ceil(batches * point)) }),
    });
    runs.push(result);
    if (result.signal === 'SIGKILL') {
      kills++;
      continue;
    }
    if (result.code === 1) continue; // gave up on the link this time: run it again to resume
    return { runs, kills, summary: JSON.parse(result.stdout) as SyncSummary };
  }
  throw new Error(`${stream}: not finished after ${MAX_RUNS} runs:\n${runs.map((r) => r.stderr).join('\n')}`);
}

/** True a random moment (often with the next batch in flight) after `batches` are acknowledged. */
function killAfter(statePath: string, batches: number): () => boolean {
  const delayMs = Math.floor(random() * KILL_DELAY_MS);
  let reachedAt: number | undefined;
  return () => {
    if (reachedAt === undefined && acknowledged(statePath) >= batches) reachedAt = Date.now();
    return reachedAt !== undefined && Date.now() - reachedAt >= delayMs;
  };
}

function acknowledged(statePath: string): number {
  if (!existsSync(statePath)) return 0;
  try {
    return (JSON.parse(readFileSync(statePath, 'utf8')) as { acknowledged: number }).acknowledged;
  } catch {
    return 0; // caught between the agent's write and rename: read it again next poll
  }
}

const reported = (stream: SyncStream) =>
  parse<Record<string, string>>(readFileSync(join(dir, `${stream}.rejected.csv`), 'utf8'), { bom: true, columns: true }).map(
    (r) => ({ line: Number(r.line), code: r.codes }),
  );

describe(`a resumable sync of ${MEMBERS} members and ${MEMBERS * (1 + MOVEMENTS_PER_MEMBER)} savings transactions over a flaky link`, () => {
  let members: MembersFile;
  let savings: SavingsFile;

  it('members: killed mid-sync and resumed, the node holds every good row once and the report lists the bad ones', async () => {
    members = writeMembersCsv(join(dir, 'members.csv'), MEMBERS, BAD_MEMBER_EVERY);
    const { kills, summary } = await syncUntilDone('members', join(dir, 'members.csv'), MEMBERS);
    expect(kills).toBe(KILL_POINTS.length);
    const batches = Math.ceil(MEMBERS / BATCH_SIZE);
    expect(summary).toMatchObject({
      complete: true,
      items: MEMBERS,
      batches,
      accepted: MEMBERS,
      created: MEMBERS,
      unchanged: 0,
      rejectedRows: { local: members.bad.length, server: 0 },
    });
    expect(reported('members')).toEqual(members.bad);
    const db = fed.database('member');
    const held = db
      .prepare('SELECT member_number AS n FROM members WHERE coop_id = ? ORDER BY member_number')
      .all(COOPS.A) as { n: string }[];
    expect(held.map((m) => m.n)).toEqual([...members.good].sort());
    const status = await ok(fed.coop.member.GET('/api/member/v1/coops/{coopId}/sync-status', { params: { path: { coopId: COOPS.A } } }));
    expect(status).toMatchObject({ lastSequence: batches, gaps: [], missingCount: 0 });
  }, TEST_TIMEOUT_MS);

  it('savings: killed mid-sync and resumed, every transaction is booked once, on its date, and balances match', async () => {
    const db = fed.database('savings');
    await eventually(async () => {
      const known = db.prepare('SELECT count(*) AS n FROM savings_members WHERE coop_id = ?').get(COOPS.A) as { n: number };
      expect(known.n).toBe(MEMBERS);
    }, 120_000);
    savings = writeSavingsCsv(join(dir, 'savings.csv'), members.good, MOVEMENTS_PER_MEMBER, BAD_SAVINGS_EVERY);
    const { kills, summary } = await syncUntilDone('savings', join(dir, 'savings.csv'), savings.transactions);
    expect(kills).toBe(KILL_POINTS.length);
    expect(summary).toMatchObject({
      complete: true,
      items: savings.transactions,
      accepted: savings.transactions,
      created: savings.transactions,
      unchanged: 0,
      rejectedRows: { local: savings.bad.length, server: 0 },
    });
    expect(reported('savings')).toEqual(savings.bad);
    await eventually(async () => {
      const lines = db
        .prepare(
          `SELECT count(*) AS n, count(DISTINCT l.reference) AS refs FROM savings_statement_lines l
           JOIN savings_accounts a USING (account_id) WHERE a.coop_id = ?`,
        )
        .get(COOPS.A) as { n: number; refs: number };
      expect(lines).toEqual({ n: savings.transactions, refs: savings.transactions });
    }, 120_000);
    const { reset, cutResponses, blackholed, delayed } = proxy.stats;
    expect(reset + cutResponses + blackholed + delayed).toBeGreaterThan(0);
    const balances = db
      .prepare('SELECT account_id AS id, balance FROM savings_accounts WHERE coop_id = ?')
      .all(COOPS.A) as { id: string; balance: number }[];
    const expected = [...savings.balances].map(([account, balance]) => [`${COOPS.A}-${account}`, balance]);
    expect(new Map(balances.map((b) => [b.id, BigInt(b.balance)]))).toEqual(new Map(expected as [string, bigint][]));
  }, TEST_TIMEOUT_MS);
});
