import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 event ids (RFC 9562), monotonic within the process: a 32-bit counter, started at
 * random each millisecond, fills rand_a and the top of rand_b (as the uuid package lays it
 * out); when it wraps the timestamp moves on a millisecond. The close of business takes an
 * id for every event it appends, so the random bytes come from a 4 KiB pool and the text is
 * written from a table, without the typed arrays and string copies uuid makes per id.
 */
const POOL_BYTES = 4_000;
const pool = new Uint8Array(POOL_BYTES);
let next = POOL_BYTES;
let lastMs = -Infinity;
let sequence = 0;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export function newEventId(): string {
  // Per id: 4 bytes for a new millisecond's counter, 6 for the random tail (42 bits used).
  if (next + 10 > POOL_BYTES) {
    randomFillSync(pool);
    next = 0;
  }
  const r = next;
  next += 10;
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    // 31 random bits: at least 2^31 ids in this millisecond before the counter wraps.
    sequence =
      ((pool[r]! & 0x7f) << 24) | (pool[r + 1]! << 16) | (pool[r + 2]! << 8) | pool[r + 3]!;
  } else {
    sequence = (sequence + 1) >>> 0;
    if (sequence === 0) lastMs++;
  }
  const ms = lastMs;
  const high = Math.floor(ms / 0x1_0000_0000);
  const low = ms >>> 0;
  return (
    `${HEX[(high >>> 8) & 0xff]}${HEX[high & 0xff]}${HEX[low >>> 24]}${HEX[(low >>> 16) & 0xff]}-` +
    `${HEX[(low >>> 8) & 0xff]}${HEX[low & 0xff]}-` +
    `${HEX[0x70 | ((sequence >>> 28) & 0x0f)]}${HEX[(sequence >>> 20) & 0xff]}-` +
    `${HEX[0x80 | ((sequence >>> 14) & 0x3f)]}${HEX[(sequence >>> 6) & 0xff]}-` +
    `${HEX[((sequence << 2) & 0xff) | (pool[r + 4]! & 0x03)]}${HEX[pool[r + 5]!]}` +
    `${HEX[pool[r + 6]!]}${HEX[pool[r + 7]!]}${HEX[pool[r + 8]!]}${HEX[pool[r + 9]!]}`
  );
}
