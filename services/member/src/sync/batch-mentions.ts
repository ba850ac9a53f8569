import type Database from 'better-sqlite3';
import type { SqliteProjectionDefinition } from '@kopfed/messaging';
import { stmt } from '../sql';
import { MEMBER_BATCH_ANSWERED, type MemberBatchAnswered } from './batch-answers';

/**
 * The latest sync batch of its coop that named each member, whether it changed the member or
 * found it unchanged: an item of an earlier batch, filling its gap late, carries values that
 * batch already replaced or confirmed, and is superseded. The member's own stream records only
 * the batches that changed it (a batch repeating the current values writes nothing there), so
 * this is read from the batches' recorded answers. Rejected items name no member.
 */
export const batchMentionProjection: SqliteProjectionDefinition = {
  name: 'member-batch-mentions-v1',
  types: [MEMBER_BATCH_ANSWERED],
  setUp(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS member_batch_mentions (
      member_id TEXT PRIMARY KEY,
      sequence INTEGER NOT NULL
    ) WITHOUT ROWID;`);
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS member_batch_mentions;');
  },
  apply(db, event) {
    const { sequence, items } = event.data as MemberBatchAnswered['data'];
    // The highest sequence wins whatever the order batches arrived in: a rebuild gives the same.
    const mention = stmt<[string, number]>(
      db,
      `INSERT INTO member_batch_mentions (member_id, sequence) VALUES (?, ?)
       ON CONFLICT (member_id) DO UPDATE SET sequence = max(sequence, excluded.sequence)`,
    );
    for (const item of items) {
      if (item.status !== 'rejected' && item.id !== undefined) mention.run(item.id, sequence);
    }
  },
};

/** The latest batch that named each of `memberIds`, in one query (a batch's 1,000 at once). */
export function latestBatches(
  db: Database.Database,
  memberIds: readonly string[],
): Map<string, number> {
  if (memberIds.length === 0) return new Map();
  const rows = stmt<[string], { member_id: string; sequence: number }>(
    db,
    `SELECT member_id, sequence FROM member_batch_mentions
      WHERE member_id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(memberIds));
  return new Map(rows.map((row) => [row.member_id, row.sequence]));
}
