import type { JsonValue } from '@kopfed/eventstore';
import type { Principal } from '../auth/principal';
import { sameFingerprint, type RequestFingerprint } from './fingerprint';

/** The response a key stands for, as it is replayed. */
export interface StoredResponse {
  status: number;
  body: JsonValue | null;
  headers: Record<string, string>;
}

/** The credential a key is bound to, and the role it acted in. */
export type Caller = Pick<Principal, 'keyId' | 'role'>;

/** A request carrying an Idempotency-Key: what it asks, and who asks it. */
export interface KeyRequest {
  fingerprint: RequestFingerprint;
  caller: Caller;
}

/**
 * The life of one Idempotency-Key: claimed (the request is running) → recorded (its response)
 * or released (it failed in a way worth retrying, so the key is free again). Kept as these
 * events in the service's own store, or folded into a row of the node's table (key-records.ts).
 */
export type IdempotencyEvent =
  | {
      type: 'IdempotencyKeyClaimed';
      /**
       * `owner`: the process (one run of it) that claimed the key; absent in older records.
       * `caller`: the credential that sent the request; absent in records made before keys
       * were bound to one, which stay bound to their coop only (see `boundElsewhere`).
       */
      data: { fingerprint: RequestFingerprint; claimedAt: string; owner?: string; caller?: Caller };
    }
  | { type: 'IdempotentResponseRecorded'; data: { response: StoredResponse; recordedAt: string } }
  | { type: 'IdempotencyKeyReleased'; data: { releasedAt: string } };

export type KeyState =
  | { status: 'free' }
  | {
      status: 'claimed';
      fingerprint: RequestFingerprint;
      caller: Caller | undefined;
      claimedAtMs: number;
      owner: string | undefined;
    }
  | {
      status: 'recorded';
      fingerprint: RequestFingerprint;
      caller: Caller | undefined;
      response: StoredResponse;
      recordedAtMs: number;
    };

export function evolveKey(state: KeyState, event: IdempotencyEvent): KeyState {
  switch (event.type) {
    case 'IdempotencyKeyClaimed':
      return {
        status: 'claimed',
        fingerprint: event.data.fingerprint,
        caller: event.data.caller,
        claimedAtMs: Date.parse(event.data.claimedAt),
        owner: event.data.owner,
      };
    case 'IdempotentResponseRecorded':
      return state.status === 'claimed'
        ? {
            status: 'recorded',
            fingerprint: state.fingerprint,
            caller: state.caller,
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
  /** The key stands for a request another credential of the coop sent. */
  | { kind: 'foreign' }
  | { kind: 'wait' };

/** What a request carrying this key must do, given the key's history. */
export function judge(
  state: KeyState,
  request: KeyRequest,
  nowMs: number,
  timings: KeyTimings,
): Verdict {
  switch (state.status) {
    case 'free':
      return { kind: 'claim' };
    case 'claimed': {
      // Even abandoned, a claim binds the key to its request and its caller for the retention
      // period: that request may have taken effect before its process died, and only its own
      // retry may learn the outcome.
      const refusal = boundElsewhere(state, request);
      if (refusal)
        return nowMs - state.claimedAtMs > timings.retentionMs ? { kind: 'claim' } : refusal;
      if (nowMs - state.claimedAtMs > timings.abandonAfterMs) return { kind: 'claim' };
      // A sole writer's claim from an earlier run can never finish: rerun it now.
      if (timings.soleWriter !== undefined && state.owner !== timings.soleWriter)
        return { kind: 'claim' };
      return { kind: 'wait' };
    }
    case 'recorded':
      if (nowMs - state.recordedAtMs > timings.retentionMs) return { kind: 'claim' };
      return boundElsewhere(state, request) ?? { kind: 'replay', response: state.response };
  }
}

/**
 * The refusal when the key stands for another credential's request, or another request;
 * undefined when it stands for this one. A response is replayed only to the credential, in
 * the role, that sent the request: another caller of the coop may not see it, nor take a
 * command it may not run for done. Services derive their commands' ids from the coop and the
 * key, so that caller's request cannot run as a new one either: it is refused, as another
 * body is.
 *
 * A key recorded before keys were bound to a credential names none. It keeps the binding it
 * was made under — the coop and the request — until its retention ends: refusing it would
 * turn a retry across the upgrade into a refusal that tells the client nothing of whether its
 * request took effect.
 */
function boundElsewhere(
  bound: { fingerprint: RequestFingerprint; caller: Caller | undefined },
  request: KeyRequest,
): Verdict | undefined {
  if (bound.caller !== undefined && !sameCaller(bound.caller, request.caller)) {
    return { kind: 'foreign' };
  }
  return sameFingerprint(bound.fingerprint, request.fingerprint) ? undefined : { kind: 'reused' };
}

function sameCaller(a: Caller, b: Caller): boolean {
  return a.keyId === b.keyId && a.role === b.role;
}
