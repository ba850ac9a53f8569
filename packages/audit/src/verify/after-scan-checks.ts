import { signatureHolds, statementDigest, AUDIT_STREAMS } from '../checkpoints/checkpoint';
import { isRevokedAt, type AuditRecords } from '../signers/audit-records';
import type { CheckpointEvidence, ExtentClaim } from './checkpoint-evidence';
import type { FindingLog } from './findings';

/**
 * A log cut short at its end leaves nothing behind in the store; only what was said about it
 * elsewhere shows it: a checkpoint (in the store, its witness in the audit store, or a
 * trusted export) that covered, or itself sat at, a position the log no longer reaches.
 */
export function checkExtent(
  store: string,
  head: number,
  claims: readonly ExtentClaim[],
  findings: FindingLog,
): void {
  const beyond = claims.filter((c) => c.lastPosition > head);
  if (beyond.length === 0) return;
  const first = head + 1;
  const reach = Math.max(...beyond.map((c) => c.lastPosition));
  const naming = beyond.find((c) => c.firstPosition <= first && first <= c.lastPosition);
  const source = beyond.find((c) => c.lastPosition === reach)!.source;
  findings.add({
    kind: 'removed',
    position: first,
    stream: naming?.stream ?? null,
    revision: naming ? naming.firstRevision + (first - naming.firstPosition) : null,
    detail: `the log of ${store} ends at position ${head}, but ${source} shows it reached position ${reach}`,
  });
}

/**
 * Every countersignature recorded for the store must be by a registered auditor or coop key,
 * over a checkpoint the store still has, exactly as it was countersigned: a history rewritten
 * and re-signed with the node's key no longer matches what the auditors signed.
 */
export function checkCountersignatures(
  store: string,
  records: AuditRecords | undefined,
  evidence: CheckpointEvidence,
  findings: FindingLog,
): number {
  const countersignatures = records?.countersignatures.get(store) ?? [];
  const stream = AUDIT_STREAMS.checkpoints(store);
  for (const c of countersignatures) {
    const at = { position: null, stream, revision: c.sequence - 1 };
    const signer = records!.signers.get(c.signature.keyId);
    const statement = evidence.statements.get(c.sequence);
    if (!signer || signer.role === 'node' || signer.publicKey !== c.signature.publicKey)
      findings.add({
        kind: 'signature',
        ...at,
        detail: `checkpoint ${c.sequence} is countersigned by key ${c.signature.keyId}, which is not a registered auditor or coop key`,
      });
    else if (isRevokedAt(signer, c.recordedAt))
      findings.add({
        kind: 'signature',
        ...at,
        detail: `checkpoint ${c.sequence} was countersigned at ${c.recordedAt} by ${signer.name} with key ${signer.keyId}, revoked from ${signer.revokedAt} (${signer.revocationReason}): it does not count`,
      });
    else if (!statement)
      findings.add({
        kind: 'removed',
        ...at,
        detail: `checkpoint ${c.sequence}, countersigned by ${signer.name}, is gone or no longer signed`,
      });
    else if (
      statementDigest(statement) !== c.statementDigest ||
      !signatureHolds(statement, c.signature)
    )
      findings.add({
        kind: 'altered',
        ...at,
        position: statement.lastPosition,
        detail: `checkpoint ${c.sequence} is not the checkpoint ${signer.name} countersigned: the history up to position ${statement.lastPosition} was rewritten`,
      });
  }
  return countersignatures.length;
}
