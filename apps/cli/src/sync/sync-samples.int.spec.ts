import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { items, ok } from '@kopfed/sdk';
import { loadConfig } from './config';
import { exitCodeOf, type SyncSummary } from './run/summary';
import { fieldsOf } from './streams';
import { COOPS, eventually, syncFederation, type SyncFederation } from './testing/federation';
import { recordingFetch, removeTempFolders, runAgent, SAMPLES } from './testing/run-agent';
import { spawnAgent } from './testing/spawn-agent';

let fed: SyncFederation;
const config = loadConfig(join(SAMPLES, 'kopfed-sync.yaml'), fieldsOf);

beforeAll(async () => {
  fed = await syncFederation();
}, 60_000);
afterAll(() => fed.close());
afterEach(removeTempFolders);

const reportOf = (path: string) =>
  parse<Record<string, string>>(readFileSync(path, 'utf8'), { bom: true, columns: true }).map(
    (r) => ({
      line: Number(r.line),
      stage: r.stage,
      codes: r.codes,
      reasons: r.reasons,
    }),
  );

const known = (table: string, coopId: string) =>
  fed
    .database(table === 'savings_members' ? 'savings' : 'loan')
    .prepare(`SELECT count(*) AS n FROM ${table} WHERE coop_id = ?`)
    .get(coopId) as { n: number };

describe('syncing the sample files', () => {
  it('members: the bad rows are reported with their reasons and never sent; the rest arrive', async () => {
    const sent: string[] = [];
    const { request, run } = runAgent(
      'members',
      join(SAMPLES, 'members.csv'),
      { url: fed.url, token: fed.coopToken, fetch: recordingFetch(sent) },
      config,
    );
    const summary = await run();
    expect(summary).toMatchObject({
      rows: 12,
      items: 8,
      accepted: 8,
      created: 8,
      complete: true,
      rejectedRows: { local: 4, server: 0 },
    });
    expect(exitCodeOf(summary)).toBe(2);
    expect(reportOf(request.reportPath)).toEqual([
      {
        line: 10,
        stage: 'local',
        codes: 'nik_birth_date_mismatch',
        reasons: 'NIK: the date in the NIK does not match the birth date',
      },
      {
        line: 11,
        stage: 'local',
        codes: 'date_impossible',
        reasons: 'Tanggal Lahir: "31/02/1990" is not a real date',
      },
      {
        line: 12,
        stage: 'local',
        codes: 'nik_not_16_digits',
        reasons: 'NIK: a NIK is exactly 16 digits',
      },
      {
        line: 13,
        stage: 'local',
        codes: 'date_impossible',
        reasons: 'Tgl Masuk: "31/13/2024" is not a real date',
      },
    ]);
    const everything = sent.join('\n');
    for (const bad of [
      'A-0009',
      'A-0010',
      'A-0011',
      'A-0012',
      '3374024303880009',
      '337402450690011',
    ])
      expect(everything).not.toContain(bad);
    const members: string[] = [];
    const path = { coopId: COOPS.A };
    for await (const m of items((cursor) =>
      ok(
        fed.coop.member.GET('/api/member/v1/coops/{coopId}/members', {
          params: { path, query: { limit: 3, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    )) {
      members.push(`${m.memberNumber} ${m.joinedOn}`);
    }
    expect(members.sort()).toEqual([
      'A-0001 2023-01-02',
      'A-0002 2023-01-02',
      'A-0003 2023-03-15',
      'A-0004 2023-03-15',
      'A-0005 2023-06-01',
      'A-0006 2023-06-01',
      'A-0007 2024-01-10',
      'A-0008 2024-01-10',
    ]);
  }, 60_000);

  it('savings: fractional rupiah, impossible dates and negative amounts stay home; balances carry their dates', async () => {
    await eventually(async () => expect(known('savings_members', COOPS.A).n).toBe(8));
    const sent: string[] = [];
    const { request, run } = runAgent(
      'savings',
      join(SAMPLES, 'savings.csv'),
      { url: fed.url, token: fed.coopToken, fetch: recordingFetch(sent) },
      config,
    );
    const summary = await run();
    expect(summary).toMatchObject({
      rows: 12,
      items: 9,
      accepted: 9,
      rejectedRows: { local: 3, server: 0 },
    });
    expect(reportOf(request.reportPath).map((r) => [r.line, r.codes])).toEqual([
      [11, 'amount_fractional'],
      [12, 'date_impossible'],
      [13, 'amount_not_positive'],
    ]);
    expect(sent.join('\n')).not.toMatch(/TRX-001[0-2]/);
    const balance = async (account: string, on?: string) =>
      (
        await ok(
          fed.coop.savings.GET('/api/savings/v1/coops/{coopId}/accounts/{accountId}/balance', {
            params: {
              path: { coopId: COOPS.A, accountId: `${COOPS.A}-${account}` },
              query: on ? { on } : {},
            },
          }),
        )
      ).balance.amount;
    expect(await balance('SS-0001')).toBe('3000000');
    expect(await balance('SS-0001', '2023-02-28')).toBe('3750000');
    expect(await balance('SS-0001', '2023-01-31')).toBe('2500000');
    expect(await balance('SW-0001')).toBe('1250000');
    expect(await balance('SW-0002')).toBe('650000');
    expect(await balance('SP-0002')).toBe('100000');
  }, 60_000);

  it('loans: loans, disbursements and repayments go with their dates; bad rows are reported', async () => {
    await eventually(async () => expect(known('loan_party_members', COOPS.A).n).toBe(8));
    const { request, run } = runAgent(
      'loans',
      join(SAMPLES, 'loans.csv'),
      { url: fed.url, token: fed.coopToken },
      config,
    );
    const summary = await run();
    expect(reportOf(request.reportPath).map((r) => [r.line, r.stage, r.codes])).toEqual([
      [7, 'local', 'amount_fractional'],
      [8, 'local', 'date_impossible'],
    ]);
    expect(summary).toMatchObject({
      rows: 7,
      items: 6,
      accepted: 6,
      rejectedRows: { local: 2, server: 0 },
    });
  }, 60_000);

  it('onboarding: opening balances, one row per member, open each product’s account as of their date', async () => {
    const { request, run } = runAgent(
      'savings',
      join(SAMPLES, 'opening-balances.csv'),
      { url: fed.url, token: fed.coopToken },
      config,
    );
    const summary = await run();
    expect(summary).toMatchObject({
      rows: 4,
      items: 8,
      accepted: 8,
      created: 8,
      complete: true,
      rejectedRows: { local: 1, server: 0 },
    });
    expect(reportOf(request.reportPath).map((r) => [r.line, r.codes])).toEqual([
      [4, 'amount_fractional'],
    ]);
    const balance = async (account: string) =>
      (
        await ok(
          fed.coop.savings.GET('/api/savings/v1/coops/{coopId}/accounts/{accountId}/balance', {
            params: {
              path: { coopId: COOPS.A, accountId: `${COOPS.A}-${account}` },
              query: { on: '2023-12-31' },
            },
          }),
        )
      ).balance.amount;
    expect(await balance('A-0003-SUKARELA')).toBe('1250000');
    expect(await balance('A-0003-WAJIB')).toBe('600000');
    expect(await balance('A-0004-POKOK')).toBe('100000');
    expect(await balance('A-0006-SUKARELA')).toBe('25000');
  }, 60_000);

  it('a finished sync run again sends nothing; --restart sends it all again, changing nothing', async () => {
    const sent: string[] = [];
    const first = runAgent(
      'members',
      join(SAMPLES, 'members.csv'),
      { url: fed.url, token: fed.coopToken },
      config,
    );
    await first.run();
    const again = await runAgent('members', join(SAMPLES, 'members.csv'), {
      ...first.request,
      fetch: recordingFetch(sent),
    }).run();
    expect(sent).toEqual([]);
    expect(again).toMatchObject({ complete: true, accepted: 8 });
    const restarted = await runAgent('members', join(SAMPLES, 'members.csv'), {
      ...first.request,
      restart: true,
    }).run();
    expect(restarted).toMatchObject({ complete: true, accepted: 8, created: 0, unchanged: 8 });
    expect(restarted.sequences!.first).toBeGreaterThan(again.sequences!.last);
  }, 60_000);

  it('an address that is not http(s) stops the sync before anything is sent, saying so', async () => {
    const agent = runAgent(
      'members',
      join(SAMPLES, 'members.csv'),
      { url: 'kopfed.example', token: fed.coopToken },
      config,
    );
    await expect(agent.run()).rejects.toThrow(
      /^--url kopfed\.example: not an http\(s\) address such as https:\/\/kopfed\.example$/,
    );
    expect(existsSync(agent.request.statePath)).toBe(false);
  });

  it('a request lost without a word ends at its time limit and is sent again: the agent never exits mid-sync', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kopfed-sync-lost-'));
    const args = [
      'loans',
      join(SAMPLES, 'loans.csv'),
      '--url',
      fed.url,
      '--config',
      join(SAMPLES, 'kopfed-sync.yaml'),
      '--state',
      join(dir, 'state.json'),
      '--report',
      join(dir, 'rejected.csv'),
      '--timeout-ms',
      '300',
      '--no-progress',
      '--json',
    ];
    const run = await spawnAgent(
      args,
      { KOPFED_TOKEN: fed.coopToken },
      { entry: 'tests', loseFirstPost: true, timeoutMs: 20_000 },
    );
    expect(run.stdout).not.toBe('');
    const summary = JSON.parse(run.stdout) as SyncSummary;
    expect(summary).toMatchObject({ complete: true });
    expect(run.code).toBe(exitCodeOf(summary));
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
