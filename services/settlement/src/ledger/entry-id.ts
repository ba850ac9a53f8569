import { hash as digest } from 'node:crypto';
import type { MoneyEvent } from '@kopfed/ledger';

/** The namespace of entry ids (a fixed random UUID): ids are UUID v5 within it (RFC 9562). */
const ENTRY_NAMESPACE = Buffer.from('6d3f8a5291c44e0bb7a12c5e9f0d4b73', 'hex');

/**
 * The entry id of a money event in a coop's ledger: the same event always gets the same id.
 * UUID v5 of `coopId NUL eventId`, computed here with one SHA-1 (the journal poster names
 * every entry it posts; uuid's v5 re-parsed the namespace and copied the name byte by byte).
 */
export function entryIdOf(event: MoneyEvent): string {
  const name = Buffer.from(`${event.coopId}\u0000${event.eventId}`, 'utf8');
  const hash = digest('sha1', Buffer.concat([ENTRY_NAMESPACE, name]), 'buffer');
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
