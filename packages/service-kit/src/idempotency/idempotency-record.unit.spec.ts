import { canonicalJson, fingerprintOf } from './fingerprint';
import {
  evolveKey,
  judge,
  type Caller,
  type IdempotencyEvent,
  type KeyState,
} from './idempotency-record';

const timings = { retentionMs: 1_000, abandonAfterMs: 100 };
// A coop's sync key, and a teller's key of the same coop.
const sync: Caller = { keyId: 'key-sync', role: 'coop' };
const teller: Caller = { keyId: 'key-teller', role: 'coop' };
const mine = { fingerprint: fingerprintOf('POST', '/x', { a: 1 }), caller: sync };
const other = { fingerprint: fingerprintOf('POST', '/x', { a: 2 }), caller: sync };
const tellers = { ...mine, caller: teller };
const response = { status: 201, body: { ok: true }, headers: {} };
const fold = (events: IdempotencyEvent[]) =>
  events.reduce(evolveKey, { status: 'free' } as KeyState);
const claimed: IdempotencyEvent = {
  type: 'IdempotencyKeyClaimed',
  data: { fingerprint: mine.fingerprint, claimedAt: new Date(0).toISOString(), caller: sync },
};
/** Claimed by a version that did not bind keys to a credential. */
const claimedByNoOne: IdempotencyEvent = {
  type: 'IdempotencyKeyClaimed',
  data: { fingerprint: mine.fingerprint, claimedAt: new Date(0).toISOString() },
};
const recorded: IdempotencyEvent = {
  type: 'IdempotentResponseRecorded',
  data: { response, recordedAt: new Date(10).toISOString() },
};

describe('idempotency record', () => {
  it('claims a free key', () => {
    expect(judge(fold([]), mine, 0, timings)).toEqual({ kind: 'claim' });
  });

  it('waits for a running claim of the same request; refuses another request', () => {
    expect(judge(fold([claimed]), mine, 50, timings)).toEqual({ kind: 'wait' });
    expect(judge(fold([claimed]), other, 50, timings)).toEqual({ kind: 'reused' });
  });

  it('takes over a claim abandoned past abandonAfterMs, for the same request only', () => {
    expect(judge(fold([claimed]), mine, 101, timings)).toEqual({ kind: 'claim' });
    // The crashed request's effect may be durable: the key still stands for it.
    expect(judge(fold([claimed]), other, 101, timings)).toEqual({ kind: 'reused' });
    expect(judge(fold([claimed]), other, 1_001, timings)).toEqual({ kind: 'claim' });
  });

  it('for a sole writer, reruns at once a claim its earlier run left behind', () => {
    const mineNow: IdempotencyEvent = {
      type: 'IdempotencyKeyClaimed',
      data: { ...claimed.data, owner: 'run-2' },
    };
    const earlier: IdempotencyEvent = {
      type: 'IdempotencyKeyClaimed',
      data: { ...claimed.data, owner: 'run-1' },
    };
    const sole = { ...timings, soleWriter: 'run-2' };
    expect(judge(fold([earlier]), mine, 50, sole)).toEqual({ kind: 'claim' });
    expect(judge(fold([claimed]), mine, 50, sole)).toEqual({ kind: 'claim' });
    expect(judge(fold([mineNow]), mine, 50, sole)).toEqual({ kind: 'wait' });
    expect(judge(fold([earlier]), other, 50, sole)).toEqual({ kind: 'reused' });
    expect(judge(fold([earlier]), mine, 50, timings)).toEqual({ kind: 'wait' });
    // Another credential's request may have taken effect: that caller's retry alone reruns it.
    expect(judge(fold([earlier]), tellers, 50, sole)).toEqual({ kind: 'foreign' });
  });

  it('replays a recorded response to the same request within retention', () => {
    expect(judge(fold([claimed, recorded]), mine, 1_010, timings)).toEqual({
      kind: 'replay',
      response,
    });
    expect(judge(fold([claimed, recorded]), other, 1_010, timings)).toEqual({ kind: 'reused' });
    expect(judge(fold([claimed, recorded]), other, 1_011, timings)).toEqual({ kind: 'claim' });
  });

  it('replays only to the credential, in the role, that sent the request', () => {
    const history = fold([claimed, recorded]);
    expect(judge(history, mine, 1_010, timings)).toMatchObject({ kind: 'replay' });
    expect(judge(history, tellers, 1_010, timings)).toEqual({ kind: 'foreign' });
    expect(judge(history, { ...other, caller: teller }, 1_010, timings)).toEqual({
      kind: 'foreign',
    });
    expect(judge(history, { ...mine, caller: { ...sync, role: 'admin' } }, 1_010, timings)).toEqual(
      { kind: 'foreign' },
    );
    expect(judge(history, tellers, 1_011, timings)).toEqual({ kind: 'claim' });
  });

  it('refuses another credential a running or abandoned claim until its retention ends', () => {
    expect(judge(fold([claimed]), tellers, 50, timings)).toEqual({ kind: 'foreign' });
    expect(judge(fold([claimed]), tellers, 101, timings)).toEqual({ kind: 'foreign' });
    expect(judge(fold([claimed]), tellers, 1_001, timings)).toEqual({ kind: 'claim' });
  });

  it('keeps a key stored without a credential bound to its request, for any caller of the coop', () => {
    const history = fold([claimedByNoOne, recorded]);
    for (const caller of [sync, teller]) {
      expect(judge(history, { ...mine, caller }, 1_010, timings)).toEqual({
        kind: 'replay',
        response,
      });
      expect(judge(history, { ...other, caller }, 1_010, timings)).toEqual({ kind: 'reused' });
    }
    expect(judge(fold([claimedByNoOne]), tellers, 50, timings)).toEqual({ kind: 'wait' });
    expect(judge(fold([claimedByNoOne]), tellers, 101, timings)).toEqual({ kind: 'claim' });
  });

  it('frees a released key', () => {
    const released: IdempotencyEvent = {
      type: 'IdempotencyKeyReleased',
      data: { releasedAt: new Date(5).toISOString() },
    };
    expect(judge(fold([claimed, released]), other, 6, timings)).toEqual({ kind: 'claim' });
  });

  it('fingerprints bodies by content, not by key order or spacing', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe(
      '{"a":null,"b":[1,{"c":2,"d":1}]}',
    );
    expect(fingerprintOf('POST', '/x', { a: 1, b: 2 })).toEqual(
      fingerprintOf('POST', '/x', { b: 2, a: 1 }),
    );
    expect(fingerprintOf('POST', '/x', undefined)).toEqual(fingerprintOf('POST', '/x', null));
  });
});
