import { canonicalJson, fingerprintOf } from './fingerprint';
import { evolveKey, judge, type IdempotencyEvent, type KeyState } from './idempotency-record';

const timings = { retentionMs: 1_000, abandonAfterMs: 100 };
const mine = fingerprintOf('POST', '/x', { a: 1 });
const other = fingerprintOf('POST', '/x', { a: 2 });
const response = { status: 201, body: { ok: true }, headers: {} };
const fold = (events: IdempotencyEvent[]) =>
  events.reduce(evolveKey, { status: 'free' } as KeyState);
const claimed: IdempotencyEvent = {
  type: 'IdempotencyKeyClaimed',
  data: { fingerprint: mine, claimedAt: new Date(0).toISOString() },
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
      data: { fingerprint: mine, claimedAt: new Date(0).toISOString(), owner: 'run-2' },
    };
    const earlier: IdempotencyEvent = {
      type: 'IdempotencyKeyClaimed',
      data: { fingerprint: mine, claimedAt: new Date(0).toISOString(), owner: 'run-1' },
    };
    const sole = { ...timings, soleWriter: 'run-2' };
    expect(judge(fold([earlier]), mine, 50, sole)).toEqual({ kind: 'claim' });
    expect(judge(fold([claimed]), mine, 50, sole)).toEqual({ kind: 'claim' });
    expect(judge(fold([mineNow]), mine, 50, sole)).toEqual({ kind: 'wait' });
    expect(judge(fold([earlier]), other, 50, sole)).toEqual({ kind: 'reused' });
    expect(judge(fold([earlier]), mine, 50, timings)).toEqual({ kind: 'wait' });
  });

  it('replays a recorded response to the same request within retention', () => {
    expect(judge(fold([claimed, recorded]), mine, 1_010, timings)).toEqual({
      kind: 'replay',
      response,
    });
    expect(judge(fold([claimed, recorded]), other, 1_010, timings)).toEqual({ kind: 'reused' });
    expect(judge(fold([claimed, recorded]), other, 1_011, timings)).toEqual({ kind: 'claim' });
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
