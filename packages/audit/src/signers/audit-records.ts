import { z } from 'zod';
import { KEY_ID_PATTERN, PUBLIC_KEY_PATTERN } from '../keys/ed25519';
import {
  AUDIT_EVENT_TYPES,
  Signature,
  SignedCheckpoint,
  STORE_NAME_PATTERN,
} from '../checkpoints/checkpoint';

/**
 * What the audit store holds besides its own checkpoints, all as events:
 *   auditsigner-<keyId>             a signer registered (node, auditor, coop), then maybe revoked
 *   auditwitness-<store>            every checkpoint of <store>, and its position there
 *   auditcountersignatures-<store>  countersignatures of <store>'s checkpoints
 */
export const SIGNER_ROLES = ['node', 'auditor', 'coop'] as const;
export type SignerRole = (typeof SIGNER_ROLES)[number];

export const SignerRegistered = z.strictObject({
  keyId: z.string().regex(KEY_ID_PATTERN),
  publicKey: z.string().regex(PUBLIC_KEY_PATTERN),
  role: z.enum(SIGNER_ROLES),
  /** The coop whose auditor or system holds the key; null for the node's own key. */
  coopId: z.string().max(64).nullable(),
  name: z.string().min(1).max(200),
  registeredBy: z.string().min(1).max(200),
});
export type SignerRegistered = z.infer<typeof SignerRegistered>;

export const SignerRevoked = z.strictObject({
  keyId: z.string().regex(KEY_ID_PATTERN),
  revokedBy: z.string().min(1).max(200),
  reason: z.string().max(500),
  /**
   * From when the key no longer counts (ISO instant, UTC): a checkpoint it signed with a
   * signedAt from then on fails verify. Absent from older revocations: they took effect
   * when recorded.
   */
  effectiveAt: z.iso.datetime().optional(),
});
export type SignerRevoked = z.infer<typeof SignerRevoked>;

export const CheckpointWitnessed = z.strictObject({
  checkpoint: SignedCheckpoint,
  /** Where the checkpoint event sits in its own store. */
  checkpointPosition: z.number().int().min(1),
  checkpointEventId: z.uuid(),
});
export type CheckpointWitnessed = z.infer<typeof CheckpointWitnessed>;

export const CheckpointCountersigned = z.strictObject({
  store: z.string().regex(STORE_NAME_PATTERN),
  sequence: z.number().int().min(1),
  /** SHA-256 of the statement text that was countersigned. */
  statementDigest: z.string().regex(/^[0-9a-f]{64}$/),
  signature: Signature,
  countersignedBy: z.string().min(1).max(200),
});
export type CheckpointCountersigned = z.infer<typeof CheckpointCountersigned>;

export interface Signer extends SignerRegistered {
  registeredAt: string;
  /** When the revocation took effect; null while the key counts. */
  revokedAt: string | null;
  revokedBy: string | null;
  revocationReason: string | null;
}

export interface Countersignature extends CheckpointCountersigned {
  recordedAt: string;
}

export interface AuditRecords {
  signers: Map<string, Signer>;
  witnesses: Map<string, CheckpointWitnessed[]>;
  countersignatures: Map<string, Countersignature[]>;
  /** Records that did not parse: a damaged audit store, reported by verify. */
  unreadable: { position: number; stream: string; reason: string }[];
}

export const SIGNER_CATEGORY = 'auditsigner';
export const AUDIT_RECORD_CATEGORIES = [SIGNER_CATEGORY, 'auditwitness', 'auditcountersignatures'];

interface StoredEvent {
  position: number;
  stream: string;
  type: string;
  data: unknown;
  recordedAt: string;
}

/** Folds the audit store's records, in log order. */
export function foldAuditRecords(events: Iterable<StoredEvent>): AuditRecords {
  const records: AuditRecords = {
    signers: new Map(),
    witnesses: new Map(),
    countersignatures: new Map(),
    unreadable: [],
  };
  for (const event of events) {
    try {
      apply(records, event);
    } catch (error) {
      records.unreadable.push({
        position: event.position,
        stream: event.stream,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return records;
}

function apply(records: AuditRecords, event: StoredEvent): void {
  switch (event.type) {
    case AUDIT_EVENT_TYPES.signerRegistered: {
      const data = SignerRegistered.parse(event.data);
      records.signers.set(data.keyId, {
        ...data,
        registeredAt: event.recordedAt,
        revokedAt: null,
        revokedBy: null,
        revocationReason: null,
      });
      return;
    }
    case AUDIT_EVENT_TYPES.signerRevoked: {
      const data = SignerRevoked.parse(event.data);
      const signer = records.signers.get(data.keyId);
      // The first revocation stands: its time is what earlier verifications were told.
      if (signer && signer.revokedAt === null)
        Object.assign(signer, {
          revokedAt: data.effectiveAt ?? event.recordedAt,
          revokedBy: data.revokedBy,
          revocationReason: data.reason,
        });
      return;
    }
    case AUDIT_EVENT_TYPES.checkpointWitnessed: {
      const data = CheckpointWitnessed.parse(event.data);
      push(records.witnesses, data.checkpoint.statement.store, data);
      return;
    }
    case AUDIT_EVENT_TYPES.checkpointCountersigned: {
      const data = CheckpointCountersigned.parse(event.data);
      push(records.countersignatures, data.store, { ...data, recordedAt: event.recordedAt });
      return;
    }
    default:
      throw new Error(`unknown audit record type ${event.type}`);
  }
}

/** The key was revoked, and `at` (an ISO instant) is at or after the revocation took effect. */
export function isRevokedAt(signer: Signer | undefined, at: string): boolean {
  const from = signer?.revokedAt;
  return typeof from === 'string' && Date.parse(at) >= Date.parse(from);
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
