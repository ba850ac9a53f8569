import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8_192;

/**
 * Random bytes for keys and IVs, drawn from the CSPRNG 8 KiB at a time: one `randomBytes`
 * call costs about 4.5 µs whatever its size, and a sync batch needs three per person (the
 * key, the IV that wraps it, the IV of the seal). Each take is a copy, and its bytes are
 * zeroed in the pool, so the pool keeps no copy of a key once handed out.
 */
export class RandomPool {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;

  /**
   * Bytes for a secret (a key), in memory of their own: never Node's shared slab for small
   * buffers, which outlives whatever else sits in it.
   */
  take(size: number): Buffer {
    return this.fill(Buffer.alloc(checked(size)));
  }

  /**
   * Bytes that are no secret once used (an IV, written beside its ciphertext), from Node's
   * shared slab. A buffer of its own costs a backing store that the garbage collector tracks
   * and frees one by one, and a first sync takes two IVs for every person.
   */
  takeNonSecret(size: number): Buffer {
    return this.fill(Buffer.allocUnsafe(checked(size)));
  }

  private fill(bytes: Buffer): Buffer {
    const size = bytes.length;
    if (this.offset + size > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    this.pool.copy(bytes, 0, this.offset, this.offset + size);
    this.pool.fill(0, this.offset, this.offset + size);
    this.offset += size;
    return bytes;
  }
}

function checked(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > POOL_BYTES)
    throw new RangeError(`takes 1 to ${POOL_BYTES} whole bytes, not ${size}`);
  return size;
}
