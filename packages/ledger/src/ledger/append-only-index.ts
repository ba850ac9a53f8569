import { InvariantViolation } from '@kopfed/domain';

interface Storage<V> {
  readonly seqByKey: Map<string, number>;
  readonly values: V[];
}

/**
 * An immutable map that only grows, with O(1) `with` on the newest version: every version
 * is a prefix (`size`) of one shared storage, so folding a stream of a million entries does
 * not copy a million-key set per event. An older version stays valid and unchanged; adding
 * to it (a fork) copies its prefix once into storage of its own.
 */
export class AppendOnlyIndex<V> {
  private constructor(
    private readonly storage: Storage<V>,
    readonly size: number,
  ) {}

  static empty<V>(): AppendOnlyIndex<V> {
    return new AppendOnlyIndex<V>({ seqByKey: new Map(), values: [] }, 0);
  }

  get(key: string): V | undefined {
    const seq = this.storage.seqByKey.get(key);
    return seq !== undefined && seq < this.size ? this.storage.values[seq] : undefined;
  }

  has(key: string): boolean {
    const seq = this.storage.seqByKey.get(key);
    return seq !== undefined && seq < this.size;
  }

  with(key: string, value: V): AppendOnlyIndex<V> {
    if (this.has(key)) throw new InvariantViolation(`index already holds ${key}`);
    const storage = this.storage.values.length === this.size ? this.storage : this.prefixCopy();
    storage.seqByKey.set(key, this.size);
    storage.values.push(value);
    return new AppendOnlyIndex(storage, this.size + 1);
  }

  private prefixCopy(): Storage<V> {
    const seqByKey = new Map<string, number>();
    for (const [key, seq] of this.storage.seqByKey) if (seq < this.size) seqByKey.set(key, seq);
    return { seqByKey, values: this.storage.values.slice(0, this.size) };
  }
}
