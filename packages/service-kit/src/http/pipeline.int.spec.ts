import type { Express } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { conflict } from '@kopfed/domain';
import { counterService } from '../testing/counter-service';
import { COOPS, kitFixture, type KitFixture } from '../testing/kit-fixture';
import { defineRoute } from './route';
import { createServiceApp } from './service-app';

/** A gate that answers "not yet" while it is shut, and counts the times it let a request through. */
let gateOpen = false;
/** Whether the shut gate says when to come back; without it, its refusal is final. */
let saysWhen = true;
let passed = 0;
const gate = defineRoute({
  method: 'POST',
  path: '/coops/{coopId}/gate-passes',
  operationId: 'passGate',
  summary: 'Pass a coop’s gate',
  request: { params: z.strictObject({ coopId: z.string() }), body: z.strictObject({}) },
  responses: { 200: z.object({ passes: z.number() }) },
  policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
  handler: async () => {
    if (!gateOpen)
      throw conflict(
        'gate_shut',
        'the gate is shut',
        saysWhen ? { retryAfterSeconds: 3 } : undefined,
      );
    passed += 1;
    return { status: 200, body: { passes: passed } };
  },
});

describe('the pipeline and an answer that says "not yet"', () => {
  let fx: KitFixture;
  let app: Express;
  const pass = (key: string) =>
    request(app)
      .post(`/api/counter/v1/coops/${COOPS.A}/gate-passes`)
      .set('Authorization', `Bearer ${fx.keys.coopA}`)
      .set('Idempotency-Key', key)
      .send({});

  beforeEach(async () => {
    gateOpen = false;
    saysWhen = true;
    passed = 0;
    fx = await kitFixture();
    app = createServiceApp(counterService(fx.store, [gate]), fx.deps);
  });
  afterEach(() => fx.close());

  it('sends Retry-After with it and keeps it from the Idempotency-Key, so the retry runs', async () => {
    const shut = await pass('gate-1').expect(409);
    expect(shut.body).toMatchObject({ code: 'gate_shut', details: { retryAfterSeconds: 3 } });
    expect(shut.headers['retry-after']).toBe('3');
    expect(shut.headers['idempotent-replayed']).toBeUndefined();
    gateOpen = true;
    const open = await pass('gate-1').expect(200);
    expect(open.body).toEqual({ passes: 1 });
    expect(open.headers['idempotent-replayed']).toBeUndefined();
    // The answer that did run is kept: the same key replays it and the gate is not passed again.
    const replay = await pass('gate-1').expect(200);
    expect(replay.body).toEqual({ passes: 1 });
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('keeps a conflict that names no retry for the key, as before', async () => {
    saysWhen = false;
    const shut = await pass('gate-2').expect(409);
    expect(shut.headers['retry-after']).toBeUndefined();
    gateOpen = true;
    const again = await pass('gate-2').expect(409);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(passed).toBe(0);
  });
});
