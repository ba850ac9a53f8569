import type { SignedCheckpoint } from '../checkpoints/checkpoint';
import type { LogSource } from '../checkpoints/log-source';
import { CACHED_LEVEL, type MerkleNodeCache } from '../checkpoints/node-cache';
import { auditPath, rootFromAuditPath } from '../merkle/inclusion';
import {
  largestPowerOfTwoBelow,
  leafHash,
  nodeHash,
  rootOf,
  type Hash,
} from '../merkle/merkle-tree';
import { INCLUSION_PROOF_FORMAT, type InclusionProof } from './proof-format';

const BLOCK = 2 ** CACHED_LEVEL;

/**
 * Builds audit paths from the log: subtrees of up to 256 leaves are hashed from the events'
 * texts, larger perfect subtrees come from the sealer's node cache (or, missing there, from
 * their halves). Every proof is checked against the signed root before it is handed out.
 */
export class InclusionProver {
  /** Subtree roots computed for this prover's lifetime: a stream's proofs share most of them. */
  private readonly memo = new Map<string, Hash>();

  constructor(
    private readonly storeName: string,
    private readonly source: LogSource,
    private readonly cache?: MerkleNodeCache,
  ) {}

  async prove(position: number, checkpoint: SignedCheckpoint): Promise<InclusionProof> {
    const treeSize = checkpoint.statement.lastPosition;
    if (position < 1 || position > treeSize)
      throw new ProofUnavailableError(
        `position ${position} is not covered by checkpoint ${checkpoint.statement.sequence}`,
      );
    const [row] = await this.source.texts(position - 1, 1);
    if (row?.position !== position)
      throw new ProofUnavailableError(`position ${position} is not in the log`);
    const path = await auditPath(position - 1, treeSize, (start, end) =>
      this.rangeHash(start, end),
    );
    const root = rootFromAuditPath(leafHash(row.text), position - 1, treeSize, path);
    if (root?.toString('hex') !== checkpoint.statement.merkleRoot)
      throw new ProofUnavailableError(
        `the log no longer matches checkpoint ${checkpoint.statement.sequence} of ${this.storeName}: run verify`,
      );
    return {
      format: INCLUSION_PROOF_FORMAT,
      store: this.storeName,
      position,
      treeSize,
      canonicalText: row.text,
      auditPath: path.map((node) => node.toString('hex')),
      checkpoint,
    };
  }

  /** MTH(D[start:end]), where [start, end) is an aligned perfect subtree or the tree's right edge. */
  private async rangeHash(start: number, end: number): Promise<Hash> {
    const key = `${start}:${end}`;
    const known = this.memo.get(key);
    if (known) return known;
    const hash = await this.computeRange(start, end);
    this.memo.set(key, hash);
    return hash;
  }

  private async computeRange(start: number, end: number): Promise<Hash> {
    const size = end - start;
    if (size >= BLOCK && isPowerOfTwo(size) && start % size === 0) {
      const cached = this.cache?.get(this.storeName, Math.log2(size), start / size);
      if (cached) return cached;
    }
    if (size <= BLOCK) return rootOf(await this.leaves(start, size));
    const k = largestPowerOfTwoBelow(size);
    return nodeHash(await this.rangeHash(start, start + k), await this.rangeHash(start + k, end));
  }

  private async leaves(start: number, count: number): Promise<Hash[]> {
    const rows = await this.source.texts(start, count);
    rows.forEach((row, i) => {
      if (row.position !== start + i + 1)
        throw new ProofUnavailableError(
          `position ${start + i + 1} is missing from the log: run verify`,
        );
    });
    if (rows.length !== count)
      throw new ProofUnavailableError('the log ends before the checkpoint: run verify');
    return rows.map((row) => leafHash(row.text));
  }
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(Math.log2(n));
}

/** No proof can be given: the event is not covered yet, or the log does not match the checkpoint. */
export class ProofUnavailableError extends Error {
  override readonly name = 'ProofUnavailableError';
}
