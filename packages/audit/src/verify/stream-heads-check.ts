import type Database from 'better-sqlite3';
import { StreamHeadsTree } from '../merkle/stream-heads';
import type { CheckpointEvidence } from './checkpoint-evidence';
import type { FindingLog } from './findings';

/**
 * The stream heads each checkpoint signed are the log's: range by range between checkpoints,
 * each stream's last revision and position there, applied to the tree as the sealer applies
 * them (a new stream in the order of its first event). One pass over the index columns, which
 * the scan has held to the bodies; so it runs only on a store with no finding so far (a
 * damaged log would differ anyway), and only when some checkpoint signs stream heads.
 */
export function checkStreamHeads(
  db: Database.Database,
  evidence: CheckpointEvidence,
  findings: FindingLog,
): void {
  const statements = [...evidence.statements.values()].sort((a, b) => a.sequence - b.sequence);
  if (findings.count > 0 || !statements.some((s) => s.streamHeadsRoot !== undefined)) return;
  const range = db
    .prepare<[number, number], [string, number, number, number]>(
      'SELECT stream, MAX(revision), MAX(position), MIN(position) AS first FROM events WHERE position > ? AND position <= ? GROUP BY stream ORDER BY first',
    )
    .raw(true);
  const tree = new StreamHeadsTree();
  let through = 0;
  for (const statement of statements) {
    for (const [stream, lastRevision, lastPosition] of range.iterate(
      through,
      statement.lastPosition,
    ))
      tree.set({ stream, lastRevision, lastPosition });
    through = Math.max(through, statement.lastPosition);
    const signed = statement.streamHeadsRoot;
    if (signed !== undefined && tree.root().toString('hex') !== signed)
      findings.add({
        kind: 'altered',
        position: statement.lastPosition,
        detail: `checkpoint ${statement.sequence} signed stream heads that are not those of positions 1..${statement.lastPosition}: a stream proof against it could hide a stream's last events`,
      });
  }
}
