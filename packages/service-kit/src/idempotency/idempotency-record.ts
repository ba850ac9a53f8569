import type { JsonValue } from '@kopfed/eventstore';
import { sameFingerprint, type RequestFingerprint } from './fingerprint';

/** The response a key stands for, as it is replayed. */
export interface StoredResponse {
  status: number;
  body: JsonValue | null;
  headers: Record<string, string>;
}

/**
 * The life of one Idempotency-Key, kept as events in the service's own store:
 * claimed (the request is running) → recorded (its response) or released (it failed in a
 * way worth retrying, so the key is free again).
 */
export type IdempotencyEvent =
  | {
      type: 'IdempotencyKeyClaimed';
      /** `owner`: the process (one run of it) that claimed the key; absent in older records. */
      data: { fingerprint: RequestFingerprint; claimedAt: string; owner?: string };
    }
  | { type: 'IdempotentResponseRecorded'; data: { response: StoredResponse; recordedAt: string } }
  | { type: 'IdempotencyKeyReleased'; data: { releasedAt: string } };

export type KeyState =
  | { status: 'free' }
  | {
      status: 'claimed';
      fingerprint: RequestFingerprint;
      claimedAtMs: number;
      owner: string | undefined;
    }
  | {
      status: 'recorded';
      fingerprint: RequestFingerprint;
      response: StoredResponse;
      recordedAtMs: number;
    };

export function evolveKey(state: KeyState, event: IdempotencyEvent): KeyState {
  switch (event.type) {
    case 'IdempotencyKeyClaimed':
      return {
        status: 'claimed',
        fingerprint: event.data.fingerprint,
        claimedAtMs: Date.parse(event.data.claimedAt),
        owner: event.data.owner,
      };
    case 'IdempotentResponseRecorded':
      return state.status === 'claimed'
        ? {
            status: 'recorded',
            fingerprint: state.fingerprint,
            response: event.data.response,
            recordedAtMs: Date.parse(event.data.recordedAt),
          }
        : state;
    case 'IdempotencyKeyReleased':
      return { status: 'free' };
  }
}

export interface KeyTimings {
  /** A recorded response older than this no longer binds the key (at least 30 days). */
  retentionMs: number;
  /** A claim with no outcome after this is taken to be from a crashed process. */
  abandonAfterMs: number;
  /**
   * Set when this process is the store's only writer (the embedded node): then a claim by any
   * other owner was made by an earlier run that died before recording, and is abandoned now.
   */
  soleWriter?: string;
}

export type Verdict =
  | { kind: 'claim' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'reused' }
  | { kind: 'wait' };

/** What a request carrying this key must do, given the key's history. */
export function judge(
  state: KeyState,
  fingerprint: RequestFingerprint,
  nowMs: number,
  timings: KeyTimings,
): Verdict {
  switch (state.status) {
    case 'free':
      return { kind: 'claim' };
    case 'claimed':
      // Even abandoned, a claim binds the key to its request for the retention period: that
      // request may have taken effect before its process died, and only its own retry may
      // learn the outcome.
      if (!sameFingerprint(state.fingerprint, fingerprint)) {
        return nowMs - state.claimedAtMs > timings.retentionMs
          ? { kind: 'claim' }
          : { kind: 'reused' };
      }
      if (nowMs - state.claimedAtMs > timings.abandonAfterMs) return { kind: 'claim' };
      // A sole writer's claim from an earlier run can never finish: rerun it now.
      if (timings.soleWriter !== undefined && state.owner !== timings.soleWriter)
        return { kind: 'claim' };
      return { kind: 'wait' };
    case 'recorded':
      if (nowMs - state.recordedAtMs > timings.retentionMs) return { kind: 'claim' };
      return sameFingerprint(state.fingerprint, fingerprint)
        ? { kind: 'replay', response: state.response }
        : { kind: 'reused' };
  }
}
