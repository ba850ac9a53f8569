import { hash } from 'node:crypto';
import { z } from 'zod';
import {
  KEY_ID_PATTERN,
  PUBLIC_KEY_PATTERN,
  SIGNATURE_PATTERN,
  verifySignature,
} from '../keys/ed25519';

/**
 * A checkpoint: the node's signed statement of what a store's log held at a position. It is
 * stored in that very store (stream `auditcheckpoints-<store>`, checkpoint n at revision n-1),
 * so it is itself sealed into the log, and each later checkpoint covers the earlier ones.
 */
export const CHECKPOINT_FORMAT = 'kopfed-checkpoint-v1';

export const STORE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const HEX_256 = /^[0-9a-f]{64}$/;

const Hex256 = z.string().regex(HEX_256);
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const BatchReference = z.strictObject({
  batch: Count,
  firstPosition: Count,
  lastPosition: Count,
  seal: Hex256,
  /** An append is one stream's consecutive revisions: naming them names every event of the batch. */
  stream: z.string().min(1).max(512),
  firstRevision: Count,
});
export type BatchReference = z.infer<typeof BatchReference>;

export const CheckpointStatement = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  store: z.string().regex(STORE_NAME_PATTERN),
  sequence: Count.min(1),
  /** Tree size: the checkpoint covers positions 1..lastPosition, ending at a batch boundary. */
  lastPosition: Count.min(1),
  lastBatch: BatchReference,
  /** RFC 6962 Merkle tree head over the canonical texts of positions 1..lastPosition, hex. */
  merkleRoot: Hex256,
  /** SHA-256 of the leaf fingerprints the checkpoint event carries (see CheckpointEventData). */
  fingerprintsDigest: Hex256,
  /**
   * Root of the stream heads tree at lastPosition (merkle/stream-heads.ts): every stream's last
   * revision, so a stream proof shows it holds the stream's last events. Absent from the
   * checkpoints signed before it was added; their stream proofs cannot show completeness.
   */
  streamHeadsRoot: Hex256.optional(),
  /** SHA-256 of the previous checkpoint's statement text; null for the first. */
  previous: Hex256.nullable(),
  signedAt: z.iso.datetime(),
});
export type CheckpointStatement = z.infer<typeof CheckpointStatement>;

export const Signature = z.strictObject({
  keyId: z.string().regex(KEY_ID_PATTERN),
  publicKey: z.string().regex(PUBLIC_KEY_PATTERN),
  value: z.string().regex(SIGNATURE_PATTERN),
});
export type Signature = z.infer<typeof Signature>;

export const SignedCheckpoint = z.strictObject({
  statement: CheckpointStatement,
  signature: Signature,
});
export type SignedCheckpoint = z.infer<typeof SignedCheckpoint>;

/** The event's data: the signed checkpoint, and what the sealer and `verify` need besides. */
export const CheckpointEventData = SignedCheckpoint.extend({
  /** The tree's frontier at lastPosition (hex subtree roots, largest first): resumes the sealer. */
  frontier: z.array(Hex256).max(64),
  /**
   * Per event since the previous checkpoint, 8 bytes, base64: the first 4 bytes of its leaf
   * hash, then FNV-1a (32-bit) of its id. Not evidence (the root is), but signed through their
   * digest they let `verify` tell which event of a broken batch was changed, inserted, removed
   * or moved, even when the positions after it were renumbered.
   */
  leafFingerprints: z.string(),
});
export type CheckpointEventData = z.infer<typeof CheckpointEventData>;

export const FINGERPRINT_BYTES = 8;

/**
 * The signed bytes: the statement's fields in a fixed order, as JSON. A statement without
 * streamHeadsRoot has the text it was signed with before that field existed.
 */
export function statementText(s: CheckpointStatement): string {
  const b = s.lastBatch;
  const heads =
    s.streamHeadsRoot === undefined
      ? ''
      : `"streamHeadsRoot":${JSON.stringify(s.streamHeadsRoot)},`;
  return (
    `{"format":${JSON.stringify(s.format)},"store":${JSON.stringify(s.store)},"sequence":${s.sequence},` +
    `"lastPosition":${s.lastPosition},"lastBatch":{"batch":${b.batch},"firstPosition":${b.firstPosition},` +
    `"lastPosition":${b.lastPosition},"seal":${JSON.stringify(b.seal)},"stream":${JSON.stringify(b.stream)},` +
    `"firstRevision":${b.firstRevision}},"merkleRoot":${JSON.stringify(s.merkleRoot)},` +
    `"fingerprintsDigest":${JSON.stringify(s.fingerprintsDigest)},${heads}` +
    `"previous":${JSON.stringify(s.previous)},"signedAt":${JSON.stringify(s.signedAt)}}`
  );
}

export function statementDigest(s: CheckpointStatement): string {
  return hash('sha256', statementText(s), 'hex');
}

export function fingerprintsDigest(fingerprints: Buffer): string {
  return hash('sha256', fingerprints, 'hex');
}

/** The signature is the key's, and the key id is that key's id. */
export function signatureHolds(statement: CheckpointStatement, signature: Signature): boolean {
  return (
    keyIdMatches(signature) &&
    verifySignature(signature.publicKey, statementText(statement), signature.value)
  );
}

function keyIdMatches(signature: Signature): boolean {
  const raw = Buffer.from(signature.publicKey, 'base64url');
  return hash('sha256', raw, 'hex').slice(0, 32) === signature.keyId;
}

export const AUDIT_STREAMS = {
  checkpoints: (store: string) => `auditcheckpoints-${store}`,
  /** In the audit store: a copy of each store's checkpoints and where they sit in that store. */
  witness: (store: string) => `auditwitness-${store}`,
  signer: (keyId: string) => `auditsigner-${keyId}`,
  countersignatures: (store: string) => `auditcountersignatures-${store}`,
} as const;

export const AUDIT_EVENT_TYPES = {
  checkpointSigned: 'AuditCheckpointSigned',
  checkpointWitnessed: 'AuditCheckpointWitnessed',
  signerRegistered: 'AuditSignerRegistered',
  signerRevoked: 'AuditSignerRevoked',
  checkpointCountersigned: 'AuditCheckpointCountersigned',
} as const;

/** The audit store: the node's own store of signers, witnesses and countersignatures. */
export const AUDIT_STORE = 'audit';
