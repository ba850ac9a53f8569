import type Database from 'better-sqlite3';
import { DEAD_LETTER_HEADERS, type DeadLetter, type MessageHeaders } from '@kopfed/bus';

export const DEAD_LETTER_STATUSES = ['waiting', 'replayed', 'discarded'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/** A message a consumer group could not handle after every retry: an effect that did not happen. */
export interface DeadLetterRecord {
  id: number;
  /** The topic it was published on (not its `.dlq` topic). */
  topic: string;
  /** The consumer group that failed it: a replay goes to this group alone. */
  group: string;
  key: string;
  value: string;
  /** Its own headers (trace context), without the dead-letter ones. */
  headers: MessageHeaders;
  error: string;
  attempts: number;
  deadAt: string;
  status: DeadLetterStatus;
  replays: number;
  lastReplayAt: string | null;
  lastReplayError: string | null;
  /** When it was replayed with success or discarded, by whom (a key id), and why (discarded). */
  settledAt: string | null;
  settledBy: string | null;
  reason: string | null;
}

export interface DeadLetterQuery {
  status?: DeadLetterStatus;
  topic?: string;
  group?: string;
  /** Only ids above this one (the previous page's cursor). */
  after?: number;
  limit: number;
}

interface Row {
  id: number;
  topic: string;
  consumer_group: string;
  message_key: string;
  value: string;
  headers: string;
  error: string;
  attempts: number;
  dead_at: string;
  status: DeadLetterStatus;
  replays: number;
  last_replay_at: string | null;
  last_replay_error: string | null;
  settled_at: string | null;
  settled_by: string | null;
  reason: string | null;
}

const DEAD_LETTER_HEADER_NAMES = new Set<string>(Object.values(DEAD_LETTER_HEADERS));

/**
 * The embedded node's dead letters, kept in its host database (`host_dead_letters`) so that
 * they outlive the process: the in-process bus keeps nothing, and a `.dlq` topic has no one to
 * read it on one machine. Recording happens inside the bus's dead-letter step, before the
 * relay's checkpoint moves: a failed insert fails the publish, and the relay tries again.
 */
export class DeadLetterBox {
  private readonly insert;
  private readonly one;
  private readonly waitingCount;
  private readonly settleOne;
  private readonly failedReplay;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS host_dead_letters (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      topic TEXT NOT NULL, consumer_group TEXT NOT NULL, message_key TEXT NOT NULL,
      value TEXT NOT NULL, headers TEXT NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL,
      dead_at TEXT NOT NULL, status TEXT NOT NULL, replays INTEGER NOT NULL DEFAULT 0,
      last_replay_at TEXT, last_replay_error TEXT, settled_at TEXT, settled_by TEXT, reason TEXT
    ) STRICT;
    CREATE INDEX IF NOT EXISTS host_dead_letters_by_status ON host_dead_letters (status, id);`);
    this.insert = db.prepare(
      `INSERT INTO host_dead_letters (topic, consumer_group, message_key, value, headers, error, attempts, dead_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'waiting')`,
    );
    this.one = db.prepare<[number], Row>('SELECT * FROM host_dead_letters WHERE id = ?');
    this.settleOne = db.prepare(
      `UPDATE host_dead_letters SET status = :status, settled_at = :at, settled_by = :by,
         reason = :reason, replays = replays + :replayed,
         last_replay_at = CASE WHEN :replayed THEN :at ELSE last_replay_at END,
         last_replay_error = CASE WHEN :replayed THEN NULL ELSE last_replay_error END
       WHERE id = :id AND status = 'waiting'`,
    );
    this.failedReplay = db.prepare(
      `UPDATE host_dead_letters SET replays = replays + 1, last_replay_at = ?, last_replay_error = ?
       WHERE id = ? AND status = 'waiting'`,
    );
    this.waitingCount = db
      .prepare<[], number>("SELECT count(*) FROM host_dead_letters WHERE status = 'waiting'")
      .pluck();
  }

  /** Keeps what the bus dead-lettered: the original topic, group and error come from its headers. */
  record(
    dead: DeadLetter,
    at: Date,
  ): Pick<DeadLetterRecord, 'id' | 'topic' | 'group' | 'key' | 'error'> {
    const headers = dead.message.headers ?? {};
    const own = Object.fromEntries(
      Object.entries(headers).filter(([name]) => !DEAD_LETTER_HEADER_NAMES.has(name)),
    );
    const topic = headers[DEAD_LETTER_HEADERS.originalTopic] ?? dead.topic.replace(/\.dlq$/, '');
    const group = headers[DEAD_LETTER_HEADERS.group] ?? '';
    const error = headers[DEAD_LETTER_HEADERS.error] ?? 'unknown';
    const result = this.insert.run(
      topic,
      group,
      dead.message.key,
      dead.message.value,
      JSON.stringify(own),
      error,
      Number(headers[DEAD_LETTER_HEADERS.attempts] ?? 0) || 0,
      at.toISOString(),
    );
    return { id: Number(result.lastInsertRowid), topic, group, key: dead.message.key, error };
  }

  get(id: number): DeadLetterRecord | undefined {
    const row = this.one.get(id);
    return row ? toRecord(row) : undefined;
  }

  list(query: DeadLetterQuery): DeadLetterRecord[] {
    const filters: [string, string | number | undefined][] = [
      ['id > ?', query.after ?? 0],
      ['status = ?', query.status],
      ['topic = ?', query.topic],
      ['consumer_group = ?', query.group],
    ];
    const used = filters.filter(([, value]) => value !== undefined);
    const where = used.map(([clause]) => clause);
    const args = used.map(([, value]) => value!);
    return this.db
      .prepare<(string | number)[], Row>(
        `SELECT * FROM host_dead_letters WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`,
      )
      .all(...args, query.limit)
      .map(toRecord);
  }

  waiting(): number {
    return this.waitingCount.get() ?? 0;
  }

  /** Settles a waiting dead letter; false when it was no longer waiting. */
  settle(
    id: number,
    status: Exclude<DeadLetterStatus, 'waiting'>,
    at: Date,
    by: string,
    reason: string | null,
  ): boolean {
    const replayed = status === 'replayed' ? 1 : 0;
    const run = { status, at: at.toISOString(), by, reason, replayed, id };
    return this.settleOne.run(run).changes === 1;
  }

  /** A replay that failed again: the dead letter keeps waiting, with the new error. */
  noteFailedReplay(id: number, at: Date, error: string): void {
    this.failedReplay.run(at.toISOString(), error.slice(0, 2_000), id);
  }
}

function toRecord(row: Row): DeadLetterRecord {
  return {
    id: row.id,
    topic: row.topic,
    group: row.consumer_group,
    key: row.message_key,
    value: row.value,
    headers: JSON.parse(row.headers) as MessageHeaders,
    error: row.error,
    attempts: row.attempts,
    deadAt: row.dead_at,
    status: row.status,
    replays: row.replays,
    lastReplayAt: row.last_replay_at,
    lastReplayError: row.last_replay_error,
    settledAt: row.settled_at,
    settledBy: row.settled_by,
    reason: row.reason,
  };
}
