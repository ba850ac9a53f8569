/**
 * Serialises work per key inside one process: a transfer is posted, voided or expired by one
 * operation at a time, and an atomic group holds every leg's key. Keys are taken in sorted
 * order, so two groups sharing legs cannot deadlock.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys currently held or awaited. */
  get size(): number {
    return this.tails.size;
  }

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const waits: Promise<void>[] = [];
    for (const key of sorted) {
      const previous = this.tails.get(key);
      if (previous) waits.push(previous);
      this.tails.set(key, held);
    }
    try {
      if (waits.length > 0) await Promise.all(waits);
      return await work();
    } finally {
      for (const key of sorted) if (this.tails.get(key) === held) this.tails.delete(key);
      release();
    }
  }
}
