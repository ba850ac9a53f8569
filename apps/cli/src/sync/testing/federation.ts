import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kopfed/eventstore';
import { loanModule } from '@kopfed/loan';
import { memberModule } from '@kopfed/member';
import { createNode, type FederationNode } from '@kopfed/node';
import { savingsModule, type SavingsInstance } from '@kopfed/savings';
import { createKopfedClient, ok, type KopfedClient } from '@kopfed/sdk';
import type { Role } from '@kopfed/service-kit';

export const COOPS = { P: 'puskopdit-jateng', A: 'ksp-sejahtera' } as const;

export interface SyncFederation {
  node: FederationNode;
  url: string;
  /** A service's read models, to check what arrived without going through the API. */
  database(service: 'member' | 'savings' | 'loan'): SqliteEventStore['database'];
  /** Savings' accounts read model, which has a file of its own (written by a thread). */
  savingsAccounts(): SqliteEventStore['database'];
  /** The primary coop's API key, as its sync agent holds it. */
  coopToken: string;
  coop: KopfedClient;
  close(): Promise<void>;
}

const idr = (amount: number) => ({ amount: String(amount), currency: 'IDR' });

/**
 * A real node (`createNode`) running the member, savings and loan services on a real port: a
 * secondary coop P and its primary coop A, with A's savings products (POKOK, WAJIB,
 * SUKARELA) and loan product (PRODUKTIF) in force since 2020 — set up through the SDK.
 */
export async function syncFederation(): Promise<SyncFederation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-sync-node-'));
  const node = await createNode({ dataDir, modules: [memberModule, savingsModule, loanModule], env: {} });
  const server = await new Promise<Server>((resolve) => {
    const s = node.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = async (role: Role, coopId: string) =>
    (await node.keys.create({ role, coopId, createdBy: 'sync-tests' })).token;
  const client = (token: string) => createKopfedClient({ baseUrl: url, token, retry: { maxAttempts: 20, maxDelayMs: 500 } });
  const admin = client(await key('admin', 'federation'));
  await ok(admin.member.POST('/api/member/v1/coops', { body: coopBody(COOPS.P, 'secondary', null) }));
  await ok(admin.member.POST('/api/member/v1/coops/{coopId}/approval', { params: { path: { coopId: COOPS.P } }, body: { on: '2020-01-02' } }));
  const treasurer = client(await key('treasurer', COOPS.P));
  await ok(treasurer.member.POST('/api/member/v1/coops/{parentCoopId}/member-coops', { params: { path: { parentCoopId: COOPS.P } }, body: coopBody(COOPS.A, 'primary', COOPS.P) }));
  await ok(treasurer.member.POST('/api/member/v1/coops/{coopId}/approval', { params: { path: { coopId: COOPS.A } }, body: { on: '2020-01-03' } }));
  const coopToken = await key('coop', COOPS.A);
  const coop = client(coopToken);
  const path = { coopId: COOPS.A };
  for (const body of SAVINGS_PRODUCTS) {
    await eventually(() => ok(coop.savings.POST('/api/savings/v1/coops/{coopId}/products', { params: { path }, body })));
  }
  await eventually(() =>
    ok(
      coop.loan.POST('/api/loan/v1/coops/{coopId}/loan-products/{productCode}/versions', {
        params: { path: { ...path, productCode: 'PRODUKTIF' } },
        body: LOAN_PRODUCT,
      }),
    ),
  );
  return {
    node,
    url,
    database(service) {
      const store = node.stores.get(service);
      if (!(store instanceof SqliteEventStore)) throw new Error(`no SQLite store for ${service}`);
      return store.database;
    },
    savingsAccounts() {
      const savings = node.host.services.find((s) => s.name === 'savings')!.instance;
      return (savings as SavingsInstance).accounts.db;
    },
    coopToken,
    coop,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await node.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Retries while the other services catch up with the member service's events (bounded). */
export async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function coopBody(coopId: string, kind: 'primary' | 'secondary', parentCoopId: string | null) {
  return {
    coopId,
    kind,
    name: `Koperasi ${coopId}`,
    legalEntityNumber: `AHU-${coopId}`,
    nikKoperasi: { number: '3374010020190001', validUntil: '2030-12-31' },
    npwp: '012345678901234',
    address: { line: 'Jl. Pandanaran 1', province: '33' as const },
    parentCoopId,
    registeredOn: '2020-01-01',
  };
}

const SAVINGS_PRODUCTS = [
  { code: 'POKOK', name: 'Simpanan Pokok', kind: 'pokok' as const, terms: { effectiveFrom: '2020-01-01', pokokAmount: idr(100_000) } },
  { code: 'WAJIB', name: 'Simpanan Wajib', kind: 'wajib' as const, terms: { effectiveFrom: '2020-01-01', wajibMonthlyAmount: idr(50_000) } },
  {
    code: 'SUKARELA',
    name: 'Simpanan Sukarela',
    kind: 'sukarela' as const,
    interest: { basis: 'daily_balance' as const, posting: 'monthly' as const },
    terms: { effectiveFrom: '2020-01-01', rateBasisPoints: 300, minimumBalance: idr(10_000) },
  },
];

const LOAN_PRODUCT = {
  effectiveFrom: '2020-01-01',
  terms: {
    name: 'Pinjaman produktif',
    method: 'ANNUITY' as const,
    annualRatePercent: '12',
    minTermMonths: 1,
    maxTermMonths: 60,
    maxGraceMonths: 3,
    minPrincipal: idr(1_000_000),
    maxPrincipal: idr(500_000_000),
    disbursementFeePercent: '1',
    lateFee: idr(25_000),
    penaltyPercentPerDay: '0.1',
  },
};
