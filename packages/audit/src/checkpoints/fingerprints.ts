import type { Hash } from '../merkle/merkle-tree';
import { FINGERPRINT_BYTES } from './checkpoint';

/**
 * An event's fingerprint: the first 4 bytes of its leaf hash (does the text still match?)
 * and FNV-1a of its id (is it still the same event, wherever it now sits?). Eight bytes per
 * event, carried by the checkpoint that covers it.
 */
export function fingerprintOf(leaf: Hash, eventId: string): Buffer {
  const bytes = Buffer.allocUnsafe(FINGERPRINT_BYTES);
  leaf.copy(bytes, 0, 0, 4);
  bytes.writeUInt32BE(fnv1a(eventId), 4);
  return bytes;
}

/** FNV-1a, 32 bits, over the UTF-16 code units of an id (ids are ASCII UUIDs). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export interface FingerprintRange {
  /** Positions after `after`, through `through`. */
  after: number;
  through: number;
  bytes: Buffer;
}

/** The fingerprints of every position some valid checkpoint covers. */
export class FingerprintTable {
  private readonly ranges: FingerprintRange[] = [];

  /** A table from the ranges of another (handed to a worker thread, which gets plain bytes). */
  static of(
    ranges: readonly { after: number; through: number; bytes: Uint8Array }[],
  ): FingerprintTable {
    const table = new FingerprintTable();
    for (const { after, through, bytes } of ranges)
      table.add(after, through, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return table;
  }

  /** Every range added, in position order. */
  get covered(): readonly FingerprintRange[] {
    return this.ranges;
  }

  /** Adds a checkpoint's fingerprints; false when their length does not fit its range. */
  add(after: number, through: number, bytes: Buffer): boolean {
    if (bytes.length !== (through - after) * FINGERPRINT_BYTES || through <= after) return false;
    const last = this.ranges[this.ranges.length - 1];
    if (last && after < last.through) return false;
    this.ranges.push({ after, through, bytes });
    return true;
  }

  /** The 4 leaf bytes expected at `position`, as an unsigned integer, if covered. */
  leafAt(position: number): number | undefined {
    const found = this.find(position);
    return found && found.range.bytes.readUInt32BE(found.offset);
  }

  /** The id digest expected at `position`, if covered. */
  idAt(position: number): number | undefined {
    const found = this.find(position);
    return found && found.range.bytes.readUInt32BE(found.offset + 4);
  }

  /** The covered position within `window` of `near` whose id digest is `id`, if any. */
  positionOfId(id: number, near: number, window: number): number | undefined {
    for (let distance = 1; distance <= window; distance++) {
      if (this.idAt(near - distance) === id) return near - distance;
      if (this.idAt(near + distance) === id) return near + distance;
    }
    return undefined;
  }

  get coveredThrough(): number {
    return this.ranges[this.ranges.length - 1]?.through ?? 0;
  }

  private find(position: number): { range: FingerprintRange; offset: number } | undefined {
    let low = 0;
    let high = this.ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const range = this.ranges[middle]!;
      if (position <= range.after) high = middle - 1;
      else if (position > range.through) low = middle + 1;
      else return { range, offset: (position - range.after - 1) * FINGERPRINT_BYTES };
    }
    return undefined;
  }
}
