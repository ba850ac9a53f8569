import { tmpdir } from 'node:os';
import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { catalog, type EventName } from '@kopfed/contracts';
import type { Express } from 'express';
import type { SqliteEventStore } from '@kopfed/eventstore';
import { createServiceApp, TokenBucketLimiter } from '@kopfed/service-kit';
import { COOPS, kitFixture, type KitFixture } from '@kopfed/service-kit/src/testing';
import { createSettlement, type Settlement, type SettlementOptions } from '../settlement';

export const A = COOPS.A;
export const B = COOPS.B;
export const C = 'coop-c';
export const P = COOPS.P;
export const idr = (amount: number | bigint) => ({ amount: String(amount), currency: 'IDR' });

export interface Harness {
  kit: KitFixture;
  settlement: Settlement;
  app: Express;
  /** Moves the service's clock forward. */
  advance(ms: number): void;
  now(): Date;
  post(path: string, body: unknown, key?: string): request.Test;
  put(path: string, body: unknown, key?: string): request.Test;
  get(path: string, key?: string): request.Test;
  /** Gives a coop a cap and cover large enough for the test. */
  fund(coopId: string, cap: number, cover?: number): Promise<void>;
  /** Delivers a CooperationAgreementSigned from the member service; returns its id. */
  agree(
    coopId: string,
    partnerCoopId: string,
    validity?: { validFrom: string; validUntil: string },
  ): Promise<string>;
  /** Delivers a CooperationAgreementTerminated from the member service. */
  terminateAgreement(agreementId: string, terminatedOn: string): Promise<void>;
  /** Creates the service again over the same stores, as a restart does (close it first). */
  reopen(options?: SettlementOptions): Promise<Settlement>;
  close(): Promise<void>;
}

const BASE = '/api/settlement/v1';

/**
 * The service over an in-memory SQLite store, coops A, B and C under parent P, each pair
 * under a cooperation agreement for 2026 unless `agreements` is false.
 */
export async function settlementHarness(
  options: SettlementOptions & { start?: string; agreements?: boolean } = {},
): Promise<Harness> {
  const kit = await kitFixture({
    rateLimiter: new TokenBucketLimiter({ ratePerSecond: 100_000, burst: 100_000 }),
  });
  kit.directory.setParent(C, P);
  let now = Date.parse(options.start ?? '2026-11-27T03:00:00.000Z');
  const clock = () => new Date(now);
  const open = (overrides: SettlementOptions = {}) =>
    createSettlement(
      {
        store: kit.store,
        readModels: (kit.store as SqliteEventStore).database,
        coopDirectory: kit.directory,
        logger: kit.deps.logger,
        clock,
        dataDir: tmpdir(),
        env: {},
      },
      { expirySweepMs: 3_600_000, leaseTtlMs: 2_000, ...options, ...overrides },
    );
  const settlement = await open();
  await settlement.instance.start?.();
  const app = createServiceApp(settlement.instance.definition, kit.deps);
  const auth = (key?: string) => `Bearer ${key ?? kit.keys.treasurerP}`;
  const deliver = async (name: EventName, subject: string, data: unknown) => {
    const consumption = settlement.instance.consumes!.find(
      (c) => c.group === 'settlement.cooperation-agreements',
    )!;
    const envelope = catalog.toEnvelope(name, {
      id: uuidv7(),
      subject,
      time: clock().toISOString(),
      businessDate: new Date(now + 7 * 3_600_000).toISOString().slice(0, 10),
      // toEnvelope checks it against the event's schema; its static type depends on `name`.
      data: data as never,
    });
    await consumption.handler({
      topic: consumption.topic,
      key: subject,
      value: JSON.stringify(envelope),
      headers: {},
      attempt: 1,
    });
  };
  const harness: Harness = {
    kit,
    settlement,
    app,
    advance: (ms) => {
      now += ms;
    },
    now: clock,
    post: (path, body, key) =>
      request(app)
        .post(`${BASE}${path}`)
        .set('Authorization', auth(key))
        .send(body as object),
    put: (path, body, key) =>
      request(app)
        .put(`${BASE}${path}`)
        .set('Authorization', auth(key))
        .send(body as object),
    get: (path, key) => request(app).get(`${BASE}${path}`).set('Authorization', auth(key)),
    async fund(coopId, cap, cover) {
      const limits = await harness.put(`/coops/${coopId}/limits/IDR`, {
        netDebitCap: idr(cap),
        alarmAtBasisPoints: 8_000,
      });
      if (limits.status !== 200)
        throw new Error(`limits: ${limits.status} ${JSON.stringify(limits.body)}`);
      const covered = await harness.put(`/coops/${coopId}/liquidity-cover/IDR`, {
        amount: idr(cover ?? cap),
      });
      if (covered.status !== 200)
        throw new Error(`cover: ${covered.status} ${JSON.stringify(covered.body)}`);
    },
    async agree(coopId, partnerCoopId, validity) {
      const agreementId = uuidv7();
      await deliver('CooperationAgreementSigned', agreementId, {
        agreementId,
        coopId,
        partnerCoopId,
        ...(validity ?? { validFrom: '2026-01-01', validUntil: '2026-12-31' }),
      });
      return agreementId;
    },
    async terminateAgreement(agreementId, terminatedOn) {
      await deliver('CooperationAgreementTerminated', agreementId, { agreementId, terminatedOn });
    },
    reopen: open,
    async close() {
      await settlement.instance.close?.();
      await kit.close();
    },
  };
  if (options.agreements !== false) {
    for (const [coop, partner] of [
      [A, B],
      [B, C],
      [A, C],
    ] as const)
      await harness.agree(coop, partner);
  }
  return harness;
}
