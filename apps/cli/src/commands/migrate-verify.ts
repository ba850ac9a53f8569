import { isDeepStrictEqual } from 'node:util';
import {
  computeSeal,
  GENESIS_SEAL,
  type EventStore,
  type RecordedEvent,
  type SealableEvent,
} from '@kopfed/eventstore';
import { batchesOf, eventsOf } from './migrate-log';

/** What a copy must keep of every event (positions belong to each store's own log). */
const KEPT = [
  'id',
  'stream',
  'revision',
  'type',
  'schemaVersion',
  'data',
  'metadata',
  'recordedAt',
  'businessDate',
] as const;

export interface CopyComparison {
  sourceEvents: number;
  targetEvents: number;
  /** The first difference, or undefined when the target holds the source's events in order. */
  mismatch?: string;
}

/** Walks both logs side by side: the same events, in the same order, nothing more. */
export async function compareLogs(source: EventStore, target: EventStore): Promise<CopyComparison> {
  const theirs = eventsOf(target);
  let sourceEvents = 0;
  let targetEvents = 0;
  let mismatch: string | undefined;
  for await (const expected of eventsOf(source)) {
    sourceEvents += 1;
    const actual = await theirs.next();
    if (actual.done) {
      mismatch ??= `event ${expected.id} (source position ${expected.position}) is missing`;
      continue;
    }
    targetEvents += 1;
    const field = KEPT.find((key) => !isDeepStrictEqual(expected[key], actual.value[key]));
    if (field !== undefined) {
      mismatch ??=
        `event #${sourceEvents} differs in ${field}: source ${expected.id} at ${expected.position}, ` +
        `target ${actual.value.id} at ${actual.value.position}`;
    }
  }
  for await (const extra of theirs) {
    targetEvents += 1;
    mismatch ??= `the target holds event ${extra.id} that the source does not`;
  }
  return { sourceEvents, targetEvents, ...(mismatch ? { mismatch } : {}) };
}

export interface SealChainReport {
  batches: number;
  events: number;
  /** The last seal, the whole chain's fingerprint. */
  lastSeal: string;
  /** Why the chain is broken, or undefined when every seal recomputes. */
  broken?: string;
}

/**
 * Recomputes a store's seal chain from its events: every event lies in exactly one batch,
 * batches are numbered 1, 2, … without gaps, and each seal is SHA-256 over the previous seal
 * and the batch's canonical events (packages/eventstore/src/seal.ts).
 */
export async function verifySealChain(store: EventStore): Promise<SealChainReport> {
  let previous = GENESIS_SEAL;
  let batches = 0;
  let events = 0;
  try {
    for await (const { seal, events: batch } of batchesOf(store)) {
      batches += 1;
      events += batch.length;
      if (seal.batch !== batches) return report(`batch ${batches} is numbered ${seal.batch}`);
      const recomputed = computeSeal(previous, batch.map(toSealable));
      if (recomputed !== seal.seal) return report(`the seal of batch ${seal.batch} does not match`);
      previous = recomputed;
    }
  } catch (error) {
    return report((error as Error).message);
  }
  return report(undefined);

  function report(broken: string | undefined): SealChainReport {
    return { batches, events, lastSeal: previous, ...(broken ? { broken } : {}) };
  }
}

/** The event as sealed: data and metadata as the JSON text the store keeps. */
export function toSealable(event: RecordedEvent): SealableEvent {
  return {
    position: event.position,
    stream: event.stream,
    revision: event.revision,
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    recordedAt: event.recordedAt,
    businessDate: event.businessDate,
    dataJson: JSON.stringify(event.data),
    metadataJson: JSON.stringify(event.metadata),
  };
}
