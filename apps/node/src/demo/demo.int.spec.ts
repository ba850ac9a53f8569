import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type FederationNode } from '../node';
import { DemoClient } from './http';
import { parseDemoArgs } from './options';
import { silentProgress } from './progress';
import { runDemo, type DemoResult } from './run-demo';
import { CLASSES } from './world';

const ADMIN_KEY = `kpf_0123456789abcdef_${'d'.repeat(43)}`;
const TODAY = '2026-11-28';

describe('the demo federation, small, against a listening node', () => {
  let node: FederationNode;
  let server: Server;
  let url: string;
  let result: DemoResult;
  let admin: DemoClient;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kopfed-demo-'));
    node = await createNode({
      dataDir,
      adminKey: ADMIN_KEY,
      clock: () => new Date(`${TODAY}T05:00:00Z`),
      rateLimit: { ratePerSecond: 10_000, burst: 10_000 },
    });
    server = node.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    admin = new DemoClient(url, ADMIN_KEY, 'demo-test');
    const options = parseDemoArgs([
      '--coops',
      '3',
      '--persons',
      '60',
      '--months',
      '3',
      '--today',
      TODAY,
    ]);
    result = await runDemo(url, ADMIN_KEY, options, silentProgress);
    // The bound leaves room for a busy shared machine; an idle one takes far less.
  }, 90_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const classes = () => {
    const counts = new Map<string, number>();
    for (const loan of result.plan.coops.flatMap((c) => c.loans))
      counts.set(loan.loanClass, (counts.get(loan.loanClass) ?? 0) + 1);
    return counts;
  };

  it('registers the secondary coop, its primary coops and every person, through the member API', async () => {
    const stats = await admin.get<{
      coops: { total: number };
      members: { total: number; persons: number };
    }>(`/api/member/v1/coops/${result.plan.secondary.coopId}/statistics`);
    expect(stats.coops.total).toBe(4);
    expect(stats.members).toMatchObject({ total: 60, persons: 60 });
    expect(Object.keys(result.keys.coops)).toHaveLength(3);
  });

  it('opens pokok, wajib, sukarela and berjangka accounts, as many as planned', async () => {
    for (const coop of result.plan.coops) {
      const totals = await admin.get<{ products: { kind: string; accounts: number }[] }>(
        `/api/savings/v1/coops/${coop.coopId}/totals`,
      );
      const planned = (code: string) =>
        coop.savings.filter((i) => i.type === 'open' && i.productCode === code).length;
      expect(Object.fromEntries(totals.products.map((p) => [p.kind, p.accounts]))).toEqual({
        pokok: coop.persons.length,
        wajib: coop.persons.length,
        sukarela: coop.persons.length,
        ...(planned('BERJANGKA_3') > 0 ? { berjangka: planned('BERJANGKA_3') } : {}),
      });
    }
  });

  it('leaves loans in every kolektibilitas class after the close of business', async () => {
    const portfolio = await admin.get<{
      loans: number;
      byKolektibilitas: { kolektibilitas: string; loans: number }[];
    }>(`/api/loan/v1/coops/${result.plan.secondary.coopId}/portfolio?consolidated=true`);
    const byClass = Object.fromEntries(
      portfolio.byKolektibilitas.map((k) => [k.kolektibilitas, k.loans]),
    );
    expect(byClass).toEqual(Object.fromEntries(CLASSES.map((c) => [c, classes().get(c)])));
    expect(CLASSES.every((c) => (byClass[c] ?? 0) > 0)).toBe(true);
    // The demo closes the last date that has ended; the node closes today after midnight.
    expect(result.closeOfBusiness).toMatchObject({
      businessDate: '2026-11-27',
      alreadyClosed: false,
    });
  });

  it('settles two settlement batches and leaves the third open', async () => {
    const list = (status: string) =>
      admin
        .get<{ items: { batchId: string }[] }>(
          `/api/settlement/v1/settlement-batches?status=${status}`,
        )
        .then((page) => page.items.map((b) => b.batchId));
    expect(await list('settled')).toEqual(expect.arrayContaining(result.batches.settled));
    expect(result.batches.settled).toHaveLength(2);
    expect(await list('open')).toEqual([result.batches.open]);
  });

  it('keeps every coop’s books balanced', async () => {
    for (const coopId of [
      result.plan.secondary.coopId,
      ...result.plan.coops.map((c) => c.coopId),
    ]) {
      const tb = await admin.get<{
        rows: unknown[];
        totals: { debitBalance: string; creditBalance: string }[];
      }>(`/api/settlement/v1/coops/${coopId}/books/trial-balance`);
      expect(tb.rows.length).toBeGreaterThan(0);
      for (const total of tb.totals) expect(total.debitBalance).toBe(total.creditBalance);
    }
  });

  /** Each coop's books as the trial balance shows them: an account's balance on its normal side. */
  const booked = async (coopId: string) => {
    const tb = await admin.get<{
      rows: { account: string; debitBalance: string; creditBalance: string }[];
    }>(`/api/settlement/v1/coops/${coopId}/books/trial-balance`);
    const row = (account: string) => tb.rows.find((r) => r.account === account);
    return {
      loansReceivable: row('1-140')?.debitBalance ?? '0',
      allowance: row('1-141')?.creditBalance ?? '0',
    };
  };
  /** The same two figures as the loan service holds them: outstanding principal and PPAP. */
  const loanBook = async (coopId: string) => {
    const portfolio = await admin.get<{
      outstandingPrincipal: { amount: string };
      provisionRequired: { amount: string };
    }>(`/api/loan/v1/coops/${coopId}/portfolio`);
    return {
      loansReceivable: portfolio.outstandingPrincipal.amount,
      allowance: portfolio.provisionRequired.amount,
    };
  };

  // Every coop opened its books (opening balance, GL mapping for each product) before its
  // system synced anything, so no money event waits in books/unposted for a close of business.
  it('leaves no money event unposted in any coop’s books', async () => {
    for (const coopId of [
      result.plan.secondary.coopId,
      ...result.plan.coops.map((c) => c.coopId),
    ]) {
      const unposted = await admin.get<{ items: { eventType: string; code: string }[] }>(
        `/api/settlement/v1/coops/${coopId}/books/unposted`,
      );
      expect({ coopId, unposted: unposted.items }).toEqual({ coopId, unposted: [] });
    }
  });

  it('books each coop’s loans as its loan book holds them: principal in 1-140, PPAP in 1-141', async () => {
    for (const coop of result.plan.coops) {
      const loans = await loanBook(coop.coopId);
      expect(BigInt(loans.loansReceivable)).toBeGreaterThan(0n);
      expect(BigInt(loans.allowance)).toBeGreaterThan(0n);
      expect({ coopId: coop.coopId, ...(await booked(coop.coopId)) }).toEqual({
        coopId: coop.coopId,
        ...loans,
      });
    }
  });

  it('simulates the year-end SHU for a primary coop', async () => {
    const coopId = result.plan.coops[0]!.coopId;
    const simulation = await admin.get<{ status: string; members: unknown[] }>(
      `/api/settlement/v1/coops/${coopId}/shu-simulations/${result.shu.simulationId}`,
    );
    expect(simulation.status).toBe('simulated');
    expect(simulation.members.length).toBeGreaterThan(0);
  });
});
