import { z } from 'zod';
import { signatureHolds, SignedCheckpoint } from '../checkpoints/checkpoint';
import { rootFromAuditPath } from '../merkle/inclusion';
import { leafHash } from '../merkle/merkle-tree';

export const INCLUSION_PROOF_FORMAT = 'kopfed-inclusion-proof-v1';
export const STREAM_PROOF_FORMAT = 'kopfed-stream-proof-v1';

const Hex256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * Everything needed to check, offline, that an event is in a signed checkpoint: the event's
 * canonical text (its leaf), the audit path, and the checkpoint with its signature.
 */
export const InclusionProof = z.strictObject({
  format: z.literal(INCLUSION_PROOF_FORMAT),
  store: z.string(),
  position: z.number().int().min(1),
  treeSize: z.number().int().min(1),
  canonicalText: z.string(),
  auditPath: z.array(Hex256).max(64),
  checkpoint: SignedCheckpoint,
});
export type InclusionProof = z.infer<typeof InclusionProof>;

/**
 * A stream's events up to a checkpoint, each with its audit path: what an account's balance
 * at that checkpoint is computed from. Revisions run without a gap from `fromRevision`;
 * `complete` says the last one is the stream's last at or before the checkpoint.
 */
export const StreamProof = z.strictObject({
  format: z.literal(STREAM_PROOF_FORMAT),
  store: z.string(),
  stream: z.string(),
  fromRevision: z.number().int().min(0),
  checkpoint: SignedCheckpoint,
  events: z.array(
    z.strictObject({
      position: z.number().int().min(1),
      canonicalText: z.string(),
      auditPath: z.array(Hex256).max(64),
    }),
  ),
  complete: z.boolean(),
});
export type StreamProof = z.infer<typeof StreamProof>;

export type ProofCheck = { valid: true } | { valid: false; reason: string };

/**
 * Checks a proof with nothing but the proof: the checkpoint is of the store the proof names,
 * the leaf is the text's hash, the path leads to the signed root, the text is the event at
 * that position, and the signature holds — by one of `trustedKeyIds` when given (the node
 * keys the checker trusts).
 */
export function checkInclusionProof(
  proof: InclusionProof,
  trustedKeyIds?: readonly string[],
): ProofCheck {
  const { statement, signature } = proof.checkpoint;
  if (proof.store !== statement.store)
    return invalid(`the proof names store ${proof.store}, the checkpoint is of ${statement.store}`);
  if (proof.treeSize !== statement.lastPosition)
    return invalid('the tree size is not the checkpoint’s');
  if (positionIn(proof.canonicalText) !== proof.position)
    return invalid('the text is not the event at that position');
  const root = rootFromAuditPath(
    leafHash(proof.canonicalText),
    proof.position - 1,
    proof.treeSize,
    proof.auditPath.map((node) => Buffer.from(node, 'hex')),
  );
  if (root?.toString('hex') !== statement.merkleRoot)
    return invalid('the audit path does not lead to the signed root');
  if (!signatureHolds(statement, signature))
    return invalid('the checkpoint signature does not hold');
  if (trustedKeyIds && !trustedKeyIds.includes(signature.keyId))
    return invalid(`the checkpoint is signed by ${signature.keyId}, which is not trusted`);
  return { valid: true };
}

/** Checks every event of a stream proof, their stream and their unbroken revisions. */
export function checkStreamProof(
  proof: StreamProof,
  trustedKeyIds?: readonly string[],
): ProofCheck {
  let revision = proof.fromRevision;
  for (const event of proof.events) {
    const check = checkInclusionProof(
      {
        format: INCLUSION_PROOF_FORMAT,
        store: proof.store,
        treeSize: proof.checkpoint.statement.lastPosition,
        checkpoint: proof.checkpoint,
        ...event,
      },
      trustedKeyIds,
    );
    if (!check.valid) return invalid(`position ${event.position}: ${check.reason}`);
    const parsed = parseEvent(event.canonicalText);
    if (parsed?.stream !== proof.stream)
      return invalid(`position ${event.position} is not in ${proof.stream}`);
    if (parsed.revision !== revision) return invalid(`revision ${revision} is missing`);
    revision += 1;
  }
  return { valid: true };
}

function positionIn(text: string): number | undefined {
  return parseEvent(text)?.position;
}

function parseEvent(
  text: string,
): { position: number; stream: string; revision: number } | undefined {
  try {
    const event = JSON.parse(text) as { position?: unknown; stream?: unknown; revision?: unknown };
    if (
      typeof event.position !== 'number' ||
      typeof event.stream !== 'string' ||
      typeof event.revision !== 'number'
    )
      return undefined;
    return { position: event.position, stream: event.stream, revision: event.revision };
  } catch {
    return undefined;
  }
}

function invalid(reason: string): ProofCheck {
  return { valid: false, reason };
}
