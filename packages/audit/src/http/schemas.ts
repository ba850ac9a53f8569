import { z } from 'zod';
import { STORE_NAME_PATTERN } from '../checkpoints/checkpoint';
import { KEY_ID_PATTERN, PUBLIC_KEY_PATTERN, SIGNATURE_PATTERN } from '../keys/ed25519';

export const StoreName = z.string().regex(STORE_NAME_PATTERN);
/** A stream name as the store accepts one: no control characters, not `$`-prefixed. */
// eslint-disable-next-line no-control-regex -- the pattern excludes control characters
const STREAM_NAME = /^[^$\u0000-\u001f\u007f][^\u0000-\u001f\u007f]{0,511}$/;
export const StreamName = z.string().regex(STREAM_NAME);
const Position = z.number().int().min(0);
const Nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

export const FindingView = z.strictObject({
  kind: z.enum(['altered', 'removed', 'inserted', 'reordered', 'signature']),
  store: z.string(),
  position: Nullable(Position),
  stream: Nullable(z.string()),
  revision: Nullable(Position),
  eventId: Nullable(z.string()),
  detail: z.string(),
});

export const StoreVerificationView = z.strictObject({
  store: z.string(),
  intact: z.boolean(),
  events: Position,
  batches: Position,
  head: Position,
  checkpoints: Position,
  countersignatures: Position,
  first: Nullable(FindingView),
  findings: z.array(FindingView),
  findingCount: Position,
  notes: z.array(z.string()),
});

export const VerifyResponse = z.strictObject({
  intact: z.boolean(),
  verifiedAt: z.iso.datetime(),
  stores: z.array(StoreVerificationView),
  /** Why verify could not run at all (the data directory could not be read). */
  error: Nullable(z.string()),
});

export const CheckpointsQuery = z.strictObject({
  store: StoreName.optional(),
  fromSequence: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(1),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

export const ProofQuery = z.strictObject({
  /** The checkpoint to prove against; the first one covering the event when absent. */
  checkpoint: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const StreamProofQuery = z.strictObject({
  checkpoint: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  fromRevision: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});

export const RegisterSignerRequest = z.strictObject({
  /** The Ed25519 public key: its 32 raw bytes, base64url (a JWK's `x`). */
  publicKey: z.string().regex(PUBLIC_KEY_PATTERN),
  role: z.enum(['auditor', 'coop']),
  coopId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  name: z.string().min(1).max(200),
});

export const SignerView = z.strictObject({
  keyId: z.string(),
  publicKey: z.string(),
  role: z.enum(['node', 'auditor', 'coop']),
  coopId: Nullable(z.string()),
  name: z.string(),
  registeredBy: z.string(),
  registeredAt: z.string(),
  /** From when the key no longer counts: what it signed from then on fails verify. */
  revokedAt: Nullable(z.string()),
  revokedBy: Nullable(z.string()),
  revocationReason: Nullable(z.string()),
});

export const RevokeSignerRequest = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  /**
   * From when the key no longer counts, with its offset; not in the future. A checkpoint it
   * signed with a signedAt from then on fails verify, and its countersignatures recorded
   * from then on no longer count.
   */
  effectiveAt: z.iso.datetime({ offset: true }),
});

export const KeyIdParams = z.strictObject({ keyId: z.string().regex(KEY_ID_PATTERN) });

export const SignersResponse = z.strictObject({ signers: z.array(SignerView) });

export const CountersignRequest = z.strictObject({
  store: StoreName,
  sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  keyId: z.string().regex(KEY_ID_PATTERN),
  /** Ed25519 signature of the checkpoint's statement text, base64url. */
  signature: z.string().regex(SIGNATURE_PATTERN),
});

export const CountersignatureView = z.strictObject({
  store: z.string(),
  sequence: Position,
  statementDigest: z.string(),
  keyId: z.string(),
  countersignedBy: z.string(),
});
