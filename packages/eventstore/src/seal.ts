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

/**
 * Canonical bytes of one event: the whole recorded event as JSON with its fields in a fixed
 * order and data and metadata exactly as stored. The SQLite adapter stores this very text,
 * so reading an event is one JSON.parse and verifying a seal needs no parsing at all.
 */
export function canonicalEventText(event: SealableEvent): string {
  return (
    `{"position":${event.position},"id":${JSON.stringify(event.id)},"stream":${JSON.stringify(event.stream)},` +
    `"revision":${event.revision},"type":${JSON.stringify(event.type)},"schemaVersion":${event.schemaVersion},` +
    `"data":${event.dataJson},"metadata":${event.metadataJson},` +
    `"recordedAt":${JSON.stringify(event.recordedAt)},"businessDate":${JSON.stringify(event.businessDate)}}`
  );
}

/** Chains texts already in canonical form (as the SQLite adapter stores them). */
export function sealTexts(previousSeal: string, canonicalTexts: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(previousSeal, 'utf8');
  for (const text of canonicalTexts) hash.update(`${text}\n`, 'utf8');
  return hash.digest('hex');
}

export function computeSeal(previousSeal: string, events: readonly SealableEvent[]): string {
  return sealTexts(previousSeal, events.map(canonicalEventText));
}
