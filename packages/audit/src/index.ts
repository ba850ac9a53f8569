// Tamper evidence for the event stores (BRIEF §4): signed Merkle checkpoints, witnesses and
// countersignatures, inclusion and stream proofs, verify, rebuild-check, and the audit HTTP module.
export * from './checkpoints/checkpoint';
export { CheckpointSealer, type SealerOptions } from './checkpoints/sealer';
export {
  SealingLoop,
  SigningKeyRevokedError,
  type SealingOptions,
  type SealingLogger,
} from './checkpoints/sealing-loop';
export { CheckpointIndex, type StoredCheckpoint } from './checkpoints/checkpoint-index';
export {
  CheckpointExport,
  ExportedCheckpoint,
  CHECKPOINT_EXPORT_FORMAT,
  exportStoreCheckpoints,
} from './checkpoints/checkpoint-export';
export {
  existingNodeCache,
  SqliteMerkleNodeCache,
  type MerkleNodeCache,
} from './checkpoints/node-cache';
export { LogDamagedError } from './checkpoints/log-source';
export { sealTexts } from './checkpoints/seal-chain';
export { leafHash, nodeHash, rootOf, MerkleFrontier, EMPTY_ROOT } from './merkle/merkle-tree';
export { auditPath, rootFromAuditPath } from './merkle/inclusion';
export { streamHeadText, StreamHeadsTree, type StreamHead } from './merkle/stream-heads';
export {
  signingKeyFromSeed,
  keyIdOfPublicKey,
  verifySignature,
  type SigningKey,
} from './keys/ed25519';
export {
  loadNodeSigningKey,
  newSeed,
  decodeSeed,
  SIGNING_KEY_ENV,
  SIGNING_KEY_FILE,
} from './keys/node-key';
export { AuditStore } from './signers/audit-store';
export * from './signers/audit-records';
export { ProofService, MAX_STREAM_PROOF_EVENTS, type EventLocation } from './proofs/proof-service';
export { ProofUnavailableError } from './proofs/inclusion-prover';
export * from './proofs/proof-format';
export * from './verify/findings';
export { verifyStoreFile, type StoreVerification } from './verify/verify-store';
export {
  verifyDataDir,
  readAuditRecords,
  type DataDirVerification,
} from './verify/verify-data-dir';
export { findStoreFiles, openReadOnly, type StoreFile } from './verify/store-files';
export { ReadOnlySqliteStore } from './verify/read-only-store';
export {
  auditableSqliteProjection,
  tablesOf,
  tablesCreatedBy,
  auditableRunner,
  type ProjectionRunner,
  type AuditableProjection,
  type ProjectionSource,
  type ProjectionContext,
  type OpenedProjections,
} from './rebuild/auditable-projection';
export { hashTables, type TableState } from './rebuild/table-hash';
export {
  rebuildCheck,
  type ProjectionCheck,
  type RebuildCheckOptions,
  type RebuildCheckResult,
} from './rebuild/rebuild-check';
export { snapshotDataDir } from './rebuild/data-dir-snapshot';
export { createAuditModule, auditModule, type AuditModuleOptions } from './http/audit-module';
export { sealingSettings, type SealingSettings } from './http/sealing-settings';
export { parseAsOf, type ReplayAsOf } from './replay/as-of';
export {
  replayBooks,
  REPLAY_FORMAT,
  type BooksReplay,
  type CoopBooksReplay,
  type ReplayCheckpoint,
  type ReplayOptions,
} from './replay/replay-books';
export {
  auditPackage,
  AUDIT_PACKAGE_FORMAT,
  BOOKS_STORE,
  type AuditPackage,
} from './replay/audit-package';
export { booksJson, balanceSheetCsv, shuStatementCsv, trialBalanceCsv } from './replay/books-files';
export { latestCheckpointOf } from './replay/statement-checkpoint';
export { SignersResponse } from './http/schemas';
