import { hash, type Hash as HashStream } from 'node:crypto';
import { EMPTY_ROOT } from '../merkle/merkle-tree';

/** A SHA-256 digest as 32 latin1 characters, one per byte. */
export type Digest = string;

const LEAF_PREFIX = 0x00;
const NEWLINE = 0x0a;
/** Texts of one seal are fed to it in chunks of about this many bytes. */
const CHUNK_BYTES = 1 << 20;

/**
 * The two hashes verify takes of every event's canonical text, from one UTF-8 encoding of it:
 * its Merkle leaf, SHA-256(0x00 ‖ text) (RFC 6962 §2.1, as merkle-tree.ts), and its share of
 * its batch's seal, text ‖ "\n" (as seal-chain.ts). Texts of a seal pile up in one buffer,
 * each written just after the newline of the one before, which is 0x00 while its leaf is
 * hashed; the seal is fed a megabyte at a time instead of twice per event.
 *
 * Digests are latin1 strings: Node 20 makes a short string far more cheaply than a Buffer.
 */
export class EventHashes {
  private bytes = Buffer.allocUnsafe(CHUNK_BYTES + 1);
  /** bytes[sealFrom - 1] is free for a leaf's prefix; [sealFrom, end) waits for `pending`. */
  private readonly sealFrom = 1;
  private end = 1;
  private pending: HashStream | undefined;

  /** The leaf hash of `text`; with `seal`, text ‖ "\n" is added to it (see `flush`). */
  leaf(text: string, seal: HashStream | undefined): Digest {
    if (seal !== this.pending) this.flush();
    // A UTF-16 code unit is at most 3 UTF-8 bytes; one more for the newline.
    const most = text.length * 3 + 1;
    if (this.end + most > this.bytes.length) {
      this.flush();
      if (this.sealFrom + most > this.bytes.length) this.bytes = Buffer.allocUnsafe(most + 1);
    }
    const start = this.end;
    const before = this.bytes[start - 1]!;
    this.bytes[start - 1] = LEAF_PREFIX;
    const length = this.bytes.write(text, start, 'utf8');
    const leaf = hash('sha256', this.bytes.subarray(start - 1, start + length), 'binary');
    this.bytes[start - 1] = before;
    if (seal) {
      this.bytes[start + length] = NEWLINE;
      this.end = start + length + 1;
      this.pending = seal;
    }
    return leaf;
  }

  /** Hands the seal every text added to it: before its digest is taken. */
  flush(): void {
    if (this.pending && this.end > this.sealFrom)
      this.pending.update(this.bytes.subarray(this.sealFrom, this.end));
    this.pending = undefined;
    this.end = this.sealFrom;
  }
}

/** SHA-256(0x01 ‖ left ‖ right), as merkle-tree.ts's nodeHash, over latin1 digests. */
export class NodeHasher {
  private readonly input = Buffer.alloc(65, 1);

  node(left: Digest, right: Digest): Digest {
    this.input.write(left, 1, 'binary');
    this.input.write(right, 33, 'binary');
    return hash('sha256', this.input, 'binary');
  }
}

/**
 * The Merkle frontier of merkle-tree.ts (the roots of the perfect subtrees tiling the leaves
 * so far, largest first) over latin1 digests, restated so that verify checks the sealer's
 * arithmetic instead of reusing it, at a million leaves without a Buffer each.
 */
export class DigestFrontier {
  private readonly roots: Digest[] = [];
  private size = 0;
  private readonly hasher = new NodeHasher();

  append(leaf: Digest): void {
    let node = leaf;
    // While the low bit of size ÷ 2^level is set, a subtree of this level waits to merge.
    for (let rest = this.size; rest % 2 === 1; rest = (rest - 1) / 2)
      node = this.hasher.node(this.roots.pop()!, node);
    this.roots.push(node);
    this.size += 1;
  }

  /**
   * Appends a perfect subtree of 2^level leaves, as if its leaves were appended one by one:
   * the frontier must hold a multiple of 2^level leaves (see MerkleBlocks).
   */
  appendSubtree(root: Digest, level: number): void {
    const leaves = 2 ** level;
    if (this.size % leaves !== 0) throw new Error('a subtree must start where the tree aligns it');
    let node = root;
    for (let rest = this.size / leaves; rest % 2 === 1; rest = (rest - 1) / 2)
      node = this.hasher.node(this.roots.pop()!, node);
    this.roots.push(node);
    this.size += leaves;
  }

  /** The root over every leaf appended, in hex (as checkpoints state it). */
  rootHex(): string {
    if (this.roots.length === 0) return EMPTY_ROOT.toString('hex');
    let root = this.roots[this.roots.length - 1]!;
    for (let i = this.roots.length - 2; i >= 0; i--) root = this.hasher.node(this.roots[i]!, root);
    return digestHex(root);
  }
}

/** A perfect subtree of 2^level leaves whose first leaf has index `start` in the whole tree. */
export interface MerkleBlock {
  start: number;
  level: number;
  root: Digest;
}

/**
 * Leaves from index `first` of the whole tree on, merged into perfect subtrees the way the
 * frontier merges them, but only where the subtree is aligned in the whole tree and does not
 * straddle a cut (a leaf count at which the whole tree's root is wanted). Appended in order to
 * the frontier of the first `first` leaves (DigestFrontier.appendSubtree), the blocks give the
 * whole tree's frontier at every cut and at the end: a few hundred appends instead of one per
 * leaf, which is what lets verify's worker thread do the hashing of its part.
 */
export class MerkleBlocks {
  readonly blocks: MerkleBlock[] = [];
  private next: number;
  private readonly hasher = new NodeHasher();

  constructor(
    first: number,
    private readonly cuts: ReadonlySet<number>,
  ) {
    this.next = first;
  }

  append(leaf: Digest): void {
    let block: MerkleBlock = { start: this.next, level: 0, root: leaf };
    this.next += 1;
    for (;;) {
      const top = this.blocks[this.blocks.length - 1];
      if (top?.level !== block.level) break;
      const aligned = top.start % (2 * 2 ** top.level) === 0;
      if (!aligned || this.cuts.has(block.start)) break;
      this.blocks.pop();
      block = {
        start: top.start,
        level: top.level + 1,
        root: this.hasher.node(top.root, block.root),
      };
    }
    this.blocks.push(block);
  }
}

/** The first four bytes of a digest as an unsigned integer (a fingerprint's leaf part). */
export function leadingUint32(digest: Digest): number {
  return (
    ((digest.charCodeAt(0) << 24) |
      (digest.charCodeAt(1) << 16) |
      (digest.charCodeAt(2) << 8) |
      digest.charCodeAt(3)) >>>
    0
  );
}

export const digestHex = (digest: Digest): string => Buffer.from(digest, 'latin1').toString('hex');
