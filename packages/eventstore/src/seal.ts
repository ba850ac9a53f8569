import { createHash } from 'node:crypto';

/**
 * The seal chain: every committed append batch is sealed with
 *   seal = SHA-256(previous seal ‖ canonical bytes of the batch's events)
 * so that altering, removing, inserting or reordering any event breaks every later seal.
 * The first batch chains to GENESIS_SEAL.
 */
export const GENESIS_SEAL = '0'.repeat(64);

/** The stored form of an event, exactly as hashed: JSON texts are hashed as stored. */
export interface SealableEvent {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  businessDate: string;
  dataJson: string;
  metadataJson: string;
}

/** Canonical bytes of one event: a fixed-order JSON header line, then data and metadata. */
export function canonicalEventText(event: SealableEvent): string {
  return `${canonicalHeader(event)}\n${event.dataJson}\n${event.metadataJson}\n`;
}

function canonicalHeader(event: SealableEvent): string {
  return JSON.stringify([
    event.position,
    event.stream,
    event.revision,
    event.id,
    event.type,
    event.schemaVersion,
    event.recordedAt,
    event.businessDate,
  ]);
}

export function computeSeal(previousSeal: string, events: readonly SealableEvent[]): string {
  let text = previousSeal;
  for (const event of events) text += canonicalEventText(event);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
