import type Database from 'better-sqlite3';
import type { Hash } from '../merkle/merkle-tree';

/**
 * Subtree roots of level ≥ CACHED_LEVEL (2^8 = 256 leaves and up) that the sealer finished,
 * so an inclusion proof reads at most two blocks of 256 events plus one cached node per
 * level instead of the whole log: about n/128 rows for a log of n events. Derived data, kept
 * in the audit store's database: a missing or wrong node only makes a proof fail its own
 * check against the signed root, and proofs then fall back to hashing the leaves.
 */
export const CACHED_LEVEL = 8;

export interface MerkleNodeCache {
  get(store: string, level: number, index: number): Hash | undefined;
  put(store: string, nodes: readonly CachedNode[]): void;
}

export interface CachedNode {
  level: number;
  index: number;
  hash: Hash;
}

/** The sealer's cache in a database opened read-only, if it holds one (none is made there). */
export function existingNodeCache(db: Database.Database): MerkleNodeCache | undefined {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_merkle_nodes'")
    .get();
  return table === undefined ? undefined : new SqliteMerkleNodeCache(db);
}

export class SqliteMerkleNodeCache implements MerkleNodeCache {
  private readonly select;
  private readonly insert;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS audit_merkle_nodes (
      store TEXT NOT NULL,
      level INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      hash BLOB NOT NULL,
      PRIMARY KEY (store, level, idx)
    ) WITHOUT ROWID`);
    this.select = db
      .prepare<[string, number, number], Buffer>(
        'SELECT hash FROM audit_merkle_nodes WHERE store = ? AND level = ? AND idx = ?',
      )
      .pluck(true);
    this.insert = db.prepare<[string, number, number, Buffer]>(
      'INSERT OR REPLACE INTO audit_merkle_nodes (store, level, idx, hash) VALUES (?, ?, ?, ?)',
    );
  }

  get(store: string, level: number, index: number): Hash | undefined {
    return this.select.get(store, level, index);
  }

  put(store: string, nodes: readonly CachedNode[]): void {
    this.db.transaction(() => {
      for (const node of nodes) this.insert.run(store, node.level, node.index, node.hash);
    })();
  }
}
