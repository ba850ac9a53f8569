import type Database from 'better-sqlite3';
import type { Finding, FindingLog } from './findings';

/** Read from the (stream, revision) index alone (the position is its rowid): no table lookups. */
type Row = [stream: string, revision: number, position: number];

const PAGE = 10_000;

/**
 * The second pass of verify: every stream's revisions, through the (stream, revision) index,
 * must run 0, 1, 2, … with their positions rising. A gap is a removed event; a revision
 * placed before an earlier one is a reordering. O(1) memory whatever the number of streams.
 * A removed event the first pass found by its position, but could not name, is named here.
 * Positions after `throughPosition` are left out (a worker thread's newer snapshot of a live
 * store reads only what the verifying thread's snapshot holds).
 */
export async function scanRevisions(
  db: Database.Database,
  findings: FindingLog,
  removed: readonly Finding[],
  throughPosition = Number.MAX_SAFE_INTEGER,
): Promise<void> {
  const first = db
    .prepare<[number, number], Row>(
      'SELECT stream, revision, position FROM events WHERE position <= ? ORDER BY stream, revision LIMIT ?',
    )
    .raw(true);
  const next = db
    .prepare<[string, number, number, number], Row>(
      'SELECT stream, revision, position FROM events WHERE (stream, revision) > (?, ?) AND position <= ? ORDER BY stream, revision LIMIT ?',
    )
    .raw(true);
  const idAt = db.prepare<[number], string>('SELECT id FROM events WHERE position = ?').pluck(true);
  const eventIdAt = (position: number) => idAt.get(position) ?? null;
  let previous: Row | undefined;
  for (let page = first.all(throughPosition, PAGE); page.length > 0;) {
    for (const row of page) {
      check(previous, row, findings, removed, eventIdAt);
      previous = row;
    }
    const last = page[page.length - 1]!;
    page = next.all(last[0], last[1], throughPosition, PAGE);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function check(
  previous: Row | undefined,
  row: Row,
  findings: FindingLog,
  removed: readonly Finding[],
  eventIdAt: (position: number) => string | null,
): void {
  const [stream, revision, position] = row;
  const sameStream = previous?.[0] === stream;
  const expected = sameStream ? previous[1] + 1 : 0;
  if (revision > expected) {
    const after = sameStream ? previous[2] : 0;
    // The first pass saw the hole by its position: name it, if it could not.
    const hole = removed.find(
      (f) => f.position !== null && f.position > after && f.position < position,
    );
    if (hole) {
      if (hole.stream === null) {
        hole.stream = stream;
        hole.revision = expected;
      }
      return;
    }
    findings.add({
      kind: 'removed',
      position,
      stream,
      revision: expected,
      detail: `${stream} jumps from revision ${expected - 1} to ${revision}: revision ${expected} (before position ${position}) is gone`,
    });
  } else if (sameStream && position < previous[2]) {
    findings.add({
      kind: 'reordered',
      position,
      stream,
      revision,
      eventId: eventIdAt(position),
      detail: `revision ${revision} of ${stream} is at position ${position}, before revision ${previous[1]} at ${previous[2]}`,
    });
  }
}
