import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8_192;

/**
 * Random bytes for keys and IVs, drawn from the CSPRNG 8 KiB at a time: one `randomBytes`
 * call costs about 4.5 µs whatever its size, and a sync batch needs three per person (the
 * key, the IV that wraps it, the IV of the seal). Each take is copied into memory of its own
 * (never Node's shared slab for small buffers, which outlives whatever else sits in it) and
 * zeroed in the pool, so the pool keeps no copy of a key once handed out.
 */
export class RandomPool {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;

  take(size: number): Buffer {
    if (!Number.isInteger(size) || size < 1 || size > POOL_BYTES)
      throw new RangeError(`takes 1 to ${POOL_BYTES} whole bytes, not ${size}`);
    if (this.offset + size > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const bytes = Buffer.alloc(size);
    this.pool.copy(bytes, 0, this.offset, this.offset + size);
    this.pool.fill(0, this.offset, this.offset + size);
    this.offset += size;
    return bytes;
  }
}
