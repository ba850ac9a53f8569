import { z } from 'zod';
import { signatureHolds, SignedCheckpoint } from '../checkpoints/checkpoint';
import { rootFromAuditPath } from '../merkle/inclusion';
import { leafHash } from '../merkle/merkle-tree';
import { streamHeadText } from '../merkle/stream-heads';

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
 * Where the stream stood at the checkpoint, and the audit path of that head in the
 * checkpoint's stream heads tree (its leaf `index` of `streamCount`), which leads to the
 * signed `streamHeadsRoot`.
 */
export const StreamHeadProof = z.strictObject({
  lastRevision: z.number().int().min(0),
  lastPosition: z.number().int().min(1),
  index: z.number().int().min(0),
  streamCount: z.number().int().min(1),
  auditPath: z.array(Hex256).max(64),
});
export type StreamHeadProof = z.infer<typeof StreamHeadProof>;

/**
 * A stream's events up to a checkpoint, each with its audit path: what an account's balance
 * at that checkpoint is computed from. Revisions run without a gap from `fromRevision`;
 * `complete` says the last one is the stream's last at or before the checkpoint, which
 * `head` proves when the checkpoint signs the stream heads (older checkpoints do not).
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
  head: StreamHeadProof.optional(),
});
export type StreamProof = z.infer<typeof StreamProof>;

/**
 * `warnings` name what a valid proof does not show: that it holds the whole stream (a page,
 * or a checkpoint signed before checkpoints signed the stream heads).
 */
export type ProofCheck = { valid: true; warnings?: string[] } | { valid: false; reason: string };

/**
 * Checks a proof with nothing but the proof: the checkpoint is of the store the proof names,
 * the leaf is the text's hash, the path leads to the signed root, the text is the event at
 * that position, and the signature holds — by one of `trustedKeyIds` when given (the node
 * keys the checker trusts), and by a key not revoked by the time it signed (`revokedFrom`,
 * from the node's signer list).
 */
export function checkInclusionProof(
  proof: InclusionProof,
  trustedKeyIds?: readonly string[],
  /** Keys revoked, by key id, with the instant from which they no longer count. */
  revokedFrom?: ReadonlyMap<string, string>,
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
  const revoked = revokedFrom?.get(signature.keyId);
  if (revoked !== undefined && Date.parse(statement.signedAt) >= Date.parse(revoked))
    return invalid(
      `the checkpoint was signed at ${statement.signedAt} by ${signature.keyId}, revoked from ${revoked}: it does not count`,
    );
  return { valid: true };
}

/**
 * Checks every event of a stream proof, their stream and their unbroken revisions, and,
 * against the signed stream heads, that a proof claiming to be complete ends at the stream's
 * head: dropping its last events is found, not passed.
 */
export function checkStreamProof(
  proof: StreamProof,
  trustedKeyIds?: readonly string[],
  revokedFrom?: ReadonlyMap<string, string>,
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
      revokedFrom,
    );
    if (!check.valid) return invalid(`position ${event.position}: ${check.reason}`);
    const parsed = parseEvent(event.canonicalText);
    if (parsed?.stream !== proof.stream)
      return invalid(`position ${event.position} is not in ${proof.stream}`);
    if (parsed.revision !== revision) return invalid(`revision ${revision} is missing`);
    revision += 1;
  }
  return checkStreamHead(proof, revision - 1);
}

/** `through`: the last revision the proof holds (fromRevision - 1 when it holds none). */
function checkStreamHead(proof: StreamProof, through: number): ProofCheck {
  const { statement } = proof.checkpoint;
  const checkpoint = `checkpoint ${statement.sequence} of ${statement.store}`;
  if (statement.streamHeadsRoot === undefined) {
    if (proof.head) return invalid(`${checkpoint} signs no stream heads, yet the proof gives one`);
    return withWarnings([
      `${checkpoint} was signed before checkpoints signed the streams' heads: the proof cannot show that it holds the last events of ${proof.stream}`,
    ]);
  }
  const { head } = proof;
  if (!head)
    return invalid(
      `${checkpoint} signs every stream's head, but the proof gives none for ${proof.stream}`,
    );
  const leaf = leafHash(
    streamHeadText({
      stream: proof.stream,
      lastRevision: head.lastRevision,
      lastPosition: head.lastPosition,
    }),
  );
  const root = rootFromAuditPath(
    leaf,
    head.index,
    head.streamCount,
    head.auditPath.map((node) => Buffer.from(node, 'hex')),
  );
  if (root?.toString('hex') !== statement.streamHeadsRoot)
    return invalid(
      `the head of ${proof.stream} (revision ${head.lastRevision} at position ${head.lastPosition}) is not the one ${checkpoint} signed`,
    );
  if (through > head.lastRevision)
    return invalid(
      `the proof reaches past the head of ${proof.stream} (revision ${head.lastRevision}) at ${checkpoint}`,
    );
  const lastEvent = proof.events[proof.events.length - 1];
  if (through === head.lastRevision && lastEvent && lastEvent.position !== head.lastPosition)
    return invalid(`the last event is not at the head's position ${head.lastPosition}`);
  const missing = head.lastRevision - through;
  if (proof.complete && missing > 0)
    return invalid(
      `the proof ends at revision ${through}, but ${proof.stream} reached revision ${head.lastRevision} at ${checkpoint}: its last ${missing} event(s) are missing`,
    );
  const warnings: string[] = [];
  if (missing > 0)
    warnings.push(
      `the proof holds revisions ${proof.fromRevision} to ${through} of ${proof.stream}, which reached revision ${head.lastRevision} at ${checkpoint}: not the whole stream`,
    );
  if (proof.fromRevision > 0)
    warnings.push(`the proof starts at revision ${proof.fromRevision}: not the whole stream`);
  return withWarnings(warnings);
}

function withWarnings(warnings: string[]): ProofCheck {
  return warnings.length === 0 ? { valid: true } : { valid: true, warnings };
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
