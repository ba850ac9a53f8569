import { setImmediate } from 'node:timers/promises';
import { invariant } from '@kopfed/domain';
import { auditPath } from './inclusion';
import { EMPTY_ROOT, largestPowerOfTwoBelow, leafHash, nodeHash, type Hash } from './merkle-tree';

const HASHED_AT_ONCE = 4_096;

/** Where a stream stood at a checkpoint: its last revision and that event's position. */
export interface StreamHead {
  stream: string;
  lastRevision: number;
  lastPosition: number;
}

/** The head's leaf text: fixed field order, so the sealer and every checker hash the same bytes. */
export function streamHeadText(head: StreamHead): string {
  return `{"stream":${JSON.stringify(head.stream)},"lastRevision":${head.lastRevision},"lastPosition":${head.lastPosition}}`;
}

/**
 * The stream heads of a store's log as an RFC 6962 Merkle tree: one leaf per stream, in the
 * order of each stream's first event, holding its head (see streamHeadText). A checkpoint
 * signs its root, so a stream proof can show the stream's last revision at that checkpoint
 * and a proof missing the stream's last events no longer checks. A stream keeps its leaf
 * index for good, so the sealer rehashes only what moved: `levels[h][i]` is the root of the
 * perfect subtree over leaves [i·2^h, (i+1)·2^h), kept for complete ones, and the subtrees
 * over leaves set since the last root are rehashed once each, level by level.
 */
export class StreamHeadsTree {
  private readonly indexOf = new Map<string, number>();
  private readonly levels: Hash[][] = [[]];
  /** Leaves set since the subtrees above them were last hashed. */
  private dirty = new Set<number>();

  static of(heads: Iterable<StreamHead>): StreamHeadsTree {
    const tree = new StreamHeadsTree();
    for (const head of heads) tree.set(head);
    return tree;
  }

  /** As `of`, hashing 4,096 heads at a time with a turn of the event loop between. */
  static async built(heads: readonly StreamHead[]): Promise<StreamHeadsTree> {
    const tree = new StreamHeadsTree();
    for (let start = 0; start < heads.length; start += HASHED_AT_ONCE) {
      if (start > 0) await setImmediate();
      for (const head of heads.slice(start, start + HASHED_AT_ONCE)) tree.set(head);
      tree.settle();
    }
    return tree;
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  /** The stream's leaf index, if the stream has a head. */
  index(stream: string): number | undefined {
    return this.indexOf.get(stream);
  }

  /** Sets a stream's head: a new stream takes the next leaf, a known one keeps its own. */
  set(head: StreamHead): void {
    let index = this.indexOf.get(head.stream);
    if (index === undefined) {
      index = this.size;
      this.indexOf.set(head.stream, index);
    }
    this.levels[0]![index] = leafHash(streamHeadText(head));
    this.dirty.add(index);
  }

  root(): Hash {
    this.settle();
    return this.size === 0 ? EMPTY_ROOT : this.range(0, this.size);
  }

  /**
   * Rehashes the complete subtrees over the leaves set since: at most 53 levels. `root` and
   * `path` do it first; a caller setting many heads may do it as it goes, to spread the work.
   */
  settle(): void {
    const size = this.size;
    let moved = this.dirty;
    this.dirty = new Set();
    for (let level = 1; level <= 53 && moved.size > 0; level++) {
      const width = 2 ** level;
      const below = this.levels[level - 1]!;
      const nodes = (this.levels[level] ??= []);
      const parents = new Set<number>();
      for (const child of moved) {
        const at = Math.floor(child / 2);
        if ((at + 1) * width <= size) parents.add(at);
      }
      for (const at of parents) nodes[at] = nodeHash(below[2 * at]!, below[2 * at + 1]!);
      moved = parents;
    }
  }

  /** The audit path of the stream's leaf (RFC 6962 PATH), checkable with rootFromAuditPath. */
  async path(stream: string): Promise<Hash[]> {
    const index = this.indexOf.get(stream);
    invariant(index !== undefined, `stream ${stream} has no head in this tree`);
    this.settle();
    return auditPath(index, this.size, async (start, end) => this.range(start, end));
  }

  /** MTH(leaves[start:end]) for an aligned perfect subtree, or one ending at the tree's edge. */
  private range(start: number, end: number): Hash {
    const width = end - start;
    const level = Math.log2(width);
    if (Number.isInteger(level) && start % width === 0) {
      const node = this.levels[level]?.[start / width];
      invariant(node !== undefined, `subtree ${level}/${start / width} is not complete`);
      return node;
    }
    const k = largestPowerOfTwoBelow(width);
    return nodeHash(this.range(start, start + k), this.range(start + k, end));
  }
}
