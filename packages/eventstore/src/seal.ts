import { hash } from 'node:crypto';

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
  return canonicalPreparedText(event, event.position, JSON.stringify(event.stream), event.revision);
}

/**
 * `canonicalEventText` of an event prepared for appending, with its stream already as a JSON
 * string (one per append, not per event). The same text, character for character.
 */
export function canonicalPreparedText(
  event: Omit<SealableEvent, 'position' | 'stream' | 'revision'>,
  position: number,
  streamJson: string,
  revision: number,
): string {
  return (
    `{"position":${position},"id":${JSON.stringify(event.id)},"stream":${streamJson},` +
    `"revision":${revision},"type":${JSON.stringify(event.type)},"schemaVersion":${event.schemaVersion},` +
    `"data":${event.dataJson},"metadata":${event.metadataJson},` +
    `"recordedAt":${JSON.stringify(event.recordedAt)},"businessDate":${JSON.stringify(event.businessDate)}}`
  );
}

/**
 * Chains texts already in canonical form (as the SQLite adapter stores them): the bytes
 * hashed are the previous seal, then each text followed by a newline, fed in one update.
 */
export function sealTexts(previousSeal: string, canonicalTexts: readonly string[]): string {
  const text =
    canonicalTexts.length === 0 ? previousSeal : `${previousSeal}${canonicalTexts.join('\n')}\n`;
  // One-shot: no Hash object per seal (strings are hashed as UTF-8).
  return hash('sha256', text, 'hex');
}

export function computeSeal(previousSeal: string, events: readonly SealableEvent[]): string {
  return sealTexts(previousSeal, events.map(canonicalEventText));
}
