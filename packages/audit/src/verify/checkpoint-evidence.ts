import type Database from 'better-sqlite3';
import {
  AUDIT_EVENT_TYPES,
  AUDIT_STREAMS,
  CheckpointEventData,
  fingerprintsDigest,
  signatureHolds,
  statementDigest,
  type CheckpointStatement,
  type SignedCheckpoint,
} from '../checkpoints/checkpoint';
import { FingerprintTable } from '../checkpoints/fingerprints';
import { streamCategory } from '@kopfed/eventstore';
import { isRevokedAt, type AuditRecords } from '../signers/audit-records';
import type { FindingLog } from './findings';

/** A checkpoint known from outside the store: its witness in the audit store, or a trusted export. */
export interface OutsideCheckpoint {
  checkpoint: SignedCheckpoint;
  /** Where its event sat in the store, when known. */
  checkpointPosition?: number;
  source: string;
}

/** Positions the log must hold, written by one append to one stream (revisions from firstRevision). */
export interface ExtentClaim {
  firstPosition: number;
  lastPosition: number;
  stream: string;
  firstRevision: number;
  source: string;
}

export interface CheckpointEvidence {
  /** Statements whose signatures hold, by sequence: roots to check at their lastPosition. */
  statements: Map<number, CheckpointStatement>;
  fingerprints: FingerprintTable;
  claims: ExtentClaim[];
  checkpoints: number;
}

interface InStore {
  position: number;
  revision: number;
  data: CheckpointEventData;
}

/**
 * Reads a store's checkpoints and checks what can be checked before the scan: each signature,
 * the signer's registration as a node key, the chain of statements, the batch seal each one
 * names, and that the store still holds every checkpoint its witnesses (and trusted exports)
 * saw. Valid statements become the roots and fingerprints the scan checks the log against.
 */
export function gatherEvidence(
  db: Database.Database,
  store: string,
  records: AuditRecords | undefined,
  outside: readonly OutsideCheckpoint[],
  findings: FindingLog,
): CheckpointEvidence {
  const evidence: CheckpointEvidence = {
    statements: new Map(),
    fingerprints: new FingerprintTable(),
    claims: [],
    checkpoints: 0,
  };
  const stream = AUDIT_STREAMS.checkpoints(store);
  findForeignCheckpoint(db, stream, store, findings);
  const inStore = readInStore(db, stream, store, findings);
  evidence.checkpoints = inStore.length;
  const batchSeal = db.prepare<
    [number],
    { first_position: number; last_position: number; seal: string }
  >('SELECT first_position, last_position, seal FROM batches WHERE batch = ?');
  let previous: CheckpointStatement | undefined;
  for (const { position, revision, data } of inStore) {
    const { statement, signature } = data;
    const at = { position, stream, revision };
    if (!signatureHolds(statement, signature)) {
      findings.add({
        kind: 'signature',
        ...at,
        detail: `checkpoint ${statement.sequence}: the signature does not hold`,
      });
      continue;
    }
    const signer = records?.signers.get(signature.keyId);
    if (signer?.role !== 'node' || signer.publicKey !== signature.publicKey)
      findings.add({
        kind: 'signature',
        ...at,
        detail: `checkpoint ${statement.sequence} is signed by key ${signature.keyId}, which is not a registered node key${records ? '' : ' (there is no audit store)'}`,
      });
    else if (isRevokedAt(signer, statement.signedAt))
      findings.add({
        kind: 'signature',
        ...at,
        detail: `checkpoint ${statement.sequence} was signed at ${statement.signedAt} by key ${signature.keyId}, revoked from ${signer.revokedAt} (${signer.revocationReason}): it does not count`,
      });
    if (statement.sequence !== revision + 1 || statement.store !== store)
      findings.add({
        kind: 'altered',
        ...at,
        detail: `checkpoint ${statement.sequence} of ${statement.store} sits at revision ${revision} of ${store}`,
      });
    if (statement.previous !== (previous ? statementDigest(previous) : null))
      findings.add({
        kind: 'altered',
        ...at,
        detail: `checkpoint ${statement.sequence} does not chain to checkpoint ${statement.sequence - 1}`,
      });
    const bytes = Buffer.from(data.leafFingerprints, 'base64');
    if (fingerprintsDigest(bytes) === statement.fingerprintsDigest)
      evidence.fingerprints.add(previous?.lastPosition ?? 0, statement.lastPosition, bytes);
    const sealed = batchSeal.get(statement.lastBatch.batch);
    const b = statement.lastBatch;
    if (
      sealed &&
      (sealed.seal !== b.seal ||
        sealed.first_position !== b.firstPosition ||
        sealed.last_position !== b.lastPosition)
    )
      findings.add({
        kind: 'altered',
        position: b.firstPosition,
        stream: b.stream,
        revision: b.firstRevision,
        detail: `batch ${b.batch} is not the batch checkpoint ${statement.sequence} signed: the seal chain was rewritten`,
      });
    evidence.statements.set(statement.sequence, statement);
    evidence.claims.push(claimOfLastBatch(statement), {
      firstPosition: position,
      lastPosition: position,
      stream,
      firstRevision: revision,
      source: `checkpoint ${statement.sequence}`,
    });
    previous = statement;
  }
  for (const o of outside) checkOutside(o, stream, inStore, evidence, findings);
  return evidence;
}

/**
 * Checkpoints of another store in this one: the file was renamed or swapped for another
 * store's (whose own checkpoints it then lacks, so nothing else would say so with the audit
 * store gone). Every store keeps only its own, stream `auditcheckpoints-<store>`.
 */
function findForeignCheckpoint(
  db: Database.Database,
  stream: string,
  store: string,
  findings: FindingLog,
): void {
  const category = streamCategory(stream);
  const foreign = db
    .prepare<[string, string], { position: number; stream: string; revision: number; id: string }>(
      'SELECT position, stream, revision, id FROM events WHERE category = ? AND stream <> ? ORDER BY position LIMIT 1',
    )
    .get(category, stream);
  if (!foreign) return;
  findings.add({
    kind: 'altered',
    position: foreign.position,
    stream: foreign.stream,
    revision: foreign.revision,
    eventId: foreign.id,
    detail: `a checkpoint of ${foreign.stream.slice(category.length + 1)} sits at position ${foreign.position} in ${store}.db: the file is another store's, or holds its events`,
  });
}

function readInStore(
  db: Database.Database,
  stream: string,
  store: string,
  findings: FindingLog,
): InStore[] {
  const rows = db
    .prepare<[string], { position: number; revision: number; body: string }>(
      'SELECT position, revision, body FROM events WHERE stream = ? ORDER BY revision',
    )
    .all(stream);
  const valid: InStore[] = [];
  for (const row of rows) {
    const event = safeJson(row.body) as { type?: unknown; data?: unknown } | undefined;
    const parsed = CheckpointEventData.safeParse(event?.data);
    if (event?.type !== AUDIT_EVENT_TYPES.checkpointSigned || !parsed.success) {
      findings.add({
        kind: 'altered',
        position: row.position,
        stream,
        revision: row.revision,
        detail: `the checkpoint event of ${store} does not read as a checkpoint`,
      });
      continue;
    }
    valid.push({ position: row.position, revision: row.revision, data: parsed.data });
  }
  return valid;
}

function checkOutside(
  o: OutsideCheckpoint,
  stream: string,
  inStore: readonly InStore[],
  evidence: CheckpointEvidence,
  findings: FindingLog,
): void {
  const { statement, signature } = o.checkpoint;
  if (!signatureHolds(statement, signature)) {
    findings.add({
      kind: 'signature',
      position: o.checkpointPosition ?? null,
      detail: `${o.source}: the signature of checkpoint ${statement.sequence} does not hold`,
    });
    return;
  }
  const mine = inStore.find((c) => c.data.statement.sequence === statement.sequence);
  if (mine) {
    const same = statementDigest(mine.data.statement) === statementDigest(statement);
    if (!same || (o.checkpointPosition !== undefined && o.checkpointPosition !== mine.position))
      findings.add({
        kind: 'altered',
        position: mine.position,
        stream,
        revision: mine.revision,
        detail: `checkpoint ${statement.sequence} is not the one ${o.source} saw`,
      });
    return;
  }
  if (!evidence.statements.has(statement.sequence))
    evidence.statements.set(statement.sequence, statement);
  evidence.claims.push(claimOfLastBatch(statement));
  if (o.checkpointPosition !== undefined)
    evidence.claims.push({
      firstPosition: o.checkpointPosition,
      lastPosition: o.checkpointPosition,
      stream,
      firstRevision: statement.sequence - 1,
      source: o.source,
    });
}

function claimOfLastBatch(statement: CheckpointStatement): ExtentClaim {
  const b = statement.lastBatch;
  return {
    firstPosition: b.firstPosition,
    lastPosition: b.lastPosition,
    stream: b.stream,
    firstRevision: b.firstRevision,
    source: `checkpoint ${statement.sequence}`,
  };
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
