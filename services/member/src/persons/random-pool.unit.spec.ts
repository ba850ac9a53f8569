import { RandomPool } from './random-pool';

describe('RandomPool', () => {
  it('gives bytes of the size asked, never the same twice, across refills', () => {
    const pool = new RandomPool();
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const bytes = pool.take(i % 2 === 0 ? 32 : 12);
      expect(bytes).toHaveLength(i % 2 === 0 ? 32 : 12);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(2_000);
  });

  it('hands out copies: a later take or refill does not change bytes already taken', () => {
    const pool = new RandomPool();
    const key = pool.take(32);
    const copy = Buffer.from(key);
    for (let i = 0; i < 1_000; i++) pool.take(32);
    expect(key.equals(copy)).toBe(true);
  });

  it('zeroes what it handed out, so the pool keeps no copy of a key', () => {
    const pool = new RandomPool();
    const key = pool.take(32);
    const internal = (pool as unknown as { pool: Buffer }).pool;
    expect(internal.subarray(0, 32).equals(Buffer.alloc(32))).toBe(true);
    expect(key.equals(Buffer.alloc(32))).toBe(false);
  });

  it.each([0, -1, 1.5, 8_193, Number.NaN])('refuses a take of %p bytes', (size) => {
    expect(() => new RandomPool().take(size)).toThrow(RangeError);
    expect(() => new RandomPool().takeNonSecret(size)).toThrow(RangeError);
  });

  it('draws bytes that are no secret from the same stream, zeroed there and never repeated', () => {
    const pool = new RandomPool();
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const bytes = i % 2 === 0 ? pool.take(32) : pool.takeNonSecret(12);
      expect(bytes).toHaveLength(i % 2 === 0 ? 32 : 12);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(2_000);
    const iv = pool.takeNonSecret(12);
    const copy = Buffer.from(iv);
    for (let i = 0; i < 1_000; i++) pool.takeNonSecret(12);
    expect(iv.equals(copy)).toBe(true);
    const fresh = new RandomPool();
    fresh.takeNonSecret(12);
    const internal = (fresh as unknown as { pool: Buffer }).pool;
    expect(internal.subarray(0, 12).equals(Buffer.alloc(12))).toBe(true);
  });

  it('gives each take memory of its own, not a view of a shared slab', () => {
    const bytes = new RandomPool().take(32);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(32);
  });
});
