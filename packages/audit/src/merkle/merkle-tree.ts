import { hash } from 'node:crypto';
import { invariant } from '@kopfed/domain';

/**
 * The Merkle tree of a store's log, as RFC 6962 §2.1 (and RFC 9162 §2.1.1) defines it: the
 * leaves are the events' canonical texts in position order (leaf i is position i + 1), and
 * leaves and interior nodes are hashed with different one-byte prefixes (0x00 and 0x01) so
 * that no interior node can pass for a leaf (second-preimage resistance).
 */
export type Hash = Buffer;

const NODE_PREFIX = Buffer.from([1]);

/** MTH({}): the root of the empty tree. */
export const EMPTY_ROOT: Hash = hash('sha256', Buffer.alloc(0), 'buffer');

/** SHA-256(0x00 ‖ canonical text as UTF-8). U+0000 encodes as the single byte 0x00. */
export function leafHash(canonicalText: string): Hash {
  return hash('sha256', `\u0000${canonicalText}`, 'buffer');
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right], 65), 'buffer');
}

/** The root over `leaves` computed from scratch (the definition; tests and small ranges use it). */
export function rootOf(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  invariant(n >= 2 && Number.isSafeInteger(n), `no power of two below ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A complete subtree the frontier finished: level h covers leaves [index·2^h, (index+1)·2^h). */
export type NodeListener = (level: number, index: number, node: Hash) => void;

/**
 * The tree kept incrementally as its frontier: the roots of the perfect subtrees that tile
 * [0, size), largest first — one per set bit of size, so at most 53 hashes for any log a
 * JavaScript number can count. Appending a leaf costs one hash per trailing one bit of size
 * (amortised one), and the root costs popcount(size) - 1 hashes.
 */
export class MerkleFrontier {
  private readonly roots: Hash[];

  private constructor(
    private count: number,
    roots: Hash[],
  ) {
    this.roots = roots;
  }

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Restores a frontier saved with `toJSON` (its subtree roots, largest first). */
  static restore(size: number, roots: readonly string[]): MerkleFrontier {
    invariant(Number.isSafeInteger(size) && size >= 0, `frontier size ${size} is not a count`);
    invariant(
      roots.length === popcount(size),
      `a frontier of ${size} leaves has ${popcount(size)} roots, not ${roots.length}`,
    );
    return new MerkleFrontier(
      size,
      roots.map((root) => Buffer.from(root, 'hex')),
    );
  }

  get size(): number {
    return this.count;
  }

  append(leaf: Hash, onNode?: NodeListener): void {
    let node = leaf;
    let level = 0;
    // `rest` is size ÷ 2^level: while its low bit is set, a subtree of this level waits to merge.
    for (let rest = this.count; rest % 2 === 1;) {
      node = nodeHash(this.roots.pop()!, node);
      level += 1;
      rest = (rest - 1) / 2;
      onNode?.(level, rest, node);
    }
    this.roots.push(node);
    this.count += 1;
  }

  root(): Hash {
    if (this.roots.length === 0) return EMPTY_ROOT;
    let root = this.roots[this.roots.length - 1]!;
    for (let i = this.roots.length - 2; i >= 0; i--) root = nodeHash(this.roots[i]!, root);
    return root;
  }

  toJSON(): string[] {
    return this.roots.map((root) => root.toString('hex'));
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.count, [...this.roots]);
  }
}

function popcount(n: number): number {
  let bits = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) bits += rest % 2;
  return bits;
}
