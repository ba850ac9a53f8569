import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import type { Express } from 'express';
import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { InProcessBus } from '@kopfed/bus';
import { catalog, type EventName } from '@kopfed/contracts';
import { SqliteEventStore } from '@kopfed/eventstore';
import { ServiceHost } from '@kopfed/host';
import { createServiceApp, type ServiceInstance } from '@kopfed/service-kit';
import { COOPS, kitFixture, type KitFixture } from '@kopfed/service-kit/src/testing';
import { loanModule } from '../module';
import { addDays } from '../shared/dates';

/**
 * The loan service as the node runs it — its module in a ServiceHost over an in-memory SQLite
 * store, an in-process bus, the kit's keys — with the member service played by publishing its
 * contract envelopes on the bus. Coops A and B are primary coops, members of secondary P.
 */
export { COOPS };
export const API = '/api/loan/v1';

export interface LoanHarness {
  app: Express;
  store: SqliteEventStore;
  bus: InProcessBus;
  instance: ServiceInstance;
  fx: KitFixture;
  today(): string;
  setToday(date: string): void;
  /** Publishes a member-service event as the member service would. */
  memberEvent(name: EventName, subject: string, data: unknown): Promise<void>;
  /** Publishes a savings-service event as the savings service would. */
  savingsEvent(name: EventName, subject: string, data: unknown): Promise<void>;
  /** Publishes a settlement-service event; the same `id` again is a redelivery of it. */
  settlementEvent(name: EventName, subject: string, data: unknown, id?: string): Promise<void>;
  /** Registers A, B (primary) under P (secondary); members m-a1 (person of A) and m-pa (coop A at P). */
  federation(): Promise<void>;
  as(token: string): { Authorization: string };
  closeDays(from: string, to: string): Promise<void>;
  close(): Promise<void>;
}

export async function loanHarness(today = '2026-01-31'): Promise<LoanHarness> {
  let now = noonIn(today);
  const clock = () => now;
  const fx = await kitFixture();
  const store = new SqliteEventStore({ file: ':memory:', clock });
  const hostDatabase = new Database(':memory:');
  const bus = new InProcessBus();
  const host = await ServiceHost.start({
    name: 'test',
    modules: [loanModule],
    store: () => store,
    readModels: () => store.database,
    hostDatabase,
    bus,
    coopDirectory: fx.directory,
    logger: fx.deps.logger,
    clock,
    dataDir: tmpdir(),
  });
  const instance = host.services[0]!.instance;
  const app = createServiceApp(instance.definition, { ...fx.deps, store });
  const publish =
    (service: 'member' | 'savings' | 'settlement') =>
    async (name: EventName, subject: string, data: unknown, id: string = uuidv7()) => {
      const envelope = catalog.toEnvelope(name, {
        id,
        subject,
        time: now.toISOString(),
        businessDate: today,
        data: data as never,
      });
      await bus.publish(catalog.topicOf(service), [
        { key: subject, value: JSON.stringify(envelope) },
      ]);
    };
  const memberEvent = publish('member');
  return {
    app,
    store,
    bus,
    instance,
    fx,
    today: () => now.toISOString().slice(0, 10),
    setToday(date) {
      now = noonIn(date);
    },
    memberEvent,
    savingsEvent: publish('savings'),
    settlementEvent: publish('settlement'),
    async federation() {
      await memberEvent('CoopRegistered', COOPS.P, coop(COOPS.P, 'secondary', null));
      await memberEvent('CoopRegistered', COOPS.A, coop(COOPS.A, 'primary', COOPS.P));
      await memberEvent('CoopRegistered', COOPS.B, coop(COOPS.B, 'primary', COOPS.P));
      for (const coopId of [COOPS.P, COOPS.A, COOPS.B])
        await memberEvent('CoopStatusChanged', coopId, {
          coopId,
          from: 'applied',
          to: 'active',
          reason: 'approved',
          effectiveOn: '2025-01-02',
        });
      await memberEvent('MemberJoined', 'm-a1', person(COOPS.A, 'm-a1', 'AGT-1'));
      await memberEvent('MemberJoined', 'm-a2', person(COOPS.A, 'm-a2', 'AGT-2'));
      await memberEvent('MemberJoined', 'm-b1', person(COOPS.B, 'm-b1', 'AGT-1'));
      await memberEvent('MemberJoined', 'm-pa', {
        ...person(COOPS.P, 'm-pa', null),
        memberKind: 'coop',
        memberCoopId: COOPS.A,
      });
    },
    as: (token) => ({ Authorization: `Bearer ${token}` }),
    async closeDays(from, to) {
      for (let date = from; date <= to; date = addDays(date, 1)) {
        now = noonIn(addDays(date, 1));
        await instance.closeOfBusiness!(date);
      }
    },
    async close() {
      await host.stop();
      await bus.close();
      await store.close();
      hostDatabase.close();
      await fx.close();
    },
  };
}

/** 12:00 in Jakarta on a business date. */
const noonIn = (date: string) => new Date(`${date}T05:00:00.000Z`);

export function coop(coopId: string, kind: 'primary' | 'secondary', parentCoopId: string | null) {
  return {
    coopId,
    kind,
    name: `Koperasi ${coopId}`,
    legalEntityNumber: `AHU-${coopId}`,
    nikKoperasi: null,
    province: '32',
    parentCoopId,
    registeredOn: '2025-01-02',
  };
}

export function person(coopId: string, memberId: string, externalId: string | null) {
  return {
    coopId,
    memberId,
    memberNumber: memberId,
    joinedOn: '2025-02-01',
    memberKind: 'person' as const,
    externalId,
  };
}

/** A product body for the HTTP API: 12% annuity by default. */
export function productBody(overrides: Record<string, unknown> = {}) {
  return {
    effectiveFrom: '2026-01-01',
    terms: {
      name: 'Pinjaman produktif',
      method: 'ANNUITY',
      annualRatePercent: '12',
      minTermMonths: 1,
      maxTermMonths: 60,
      maxGraceMonths: 3,
      minPrincipal: { amount: '1000000', currency: 'IDR' },
      maxPrincipal: { amount: '500000000', currency: 'IDR' },
      disbursementFeePercent: '1',
      lateFee: { amount: '25000', currency: 'IDR' },
      penaltyPercentPerDay: '0.1',
      ...overrides,
    },
  };
}

/** Defines the product, applies, approves (another key) and disburses a loan; returns its id. */
export async function activeLoan(
  h: LoanHarness,
  options: {
    coopId?: string;
    memberId?: string;
    principal?: string;
    termMonths?: number;
    maker?: string;
    checker?: string;
  } = {},
): Promise<string> {
  const coopId = options.coopId ?? COOPS.A;
  const maker = options.maker ?? h.fx.keys.coopA;
  const checker = options.checker ?? h.fx.keys.treasurerP;
  await request(h.app)
    .post(`${API}/coops/${coopId}/loan-products/PINJAMAN/versions`)
    .set(h.as(maker))
    .send(productBody());
  const applied = await request(h.app)
    .post(`${API}/coops/${coopId}/loans`)
    .set(h.as(maker))
    .send({
      memberId: options.memberId ?? 'm-a1',
      productCode: 'PINJAMAN',
      principal: { amount: options.principal ?? '10000000', currency: 'IDR' },
      termMonths: options.termMonths ?? 12,
    })
    .expect(201);
  const loanId = (applied.body as { loanId: string }).loanId;
  await request(h.app)
    .post(`${API}/coops/${coopId}/loans/${loanId}/approval`)
    .set(h.as(checker))
    .expect(200);
  await request(h.app)
    .post(`${API}/coops/${coopId}/loans/${loanId}/disbursement`)
    .set(h.as(maker))
    .send({ via: { kind: 'savings', savingsAccountId: 'sav-1', productCode: 'SUKARELA' } })
    .expect(200);
  return loanId;
}
