import type Database from 'better-sqlite3';
import type { MoneyEvent } from '@kopfed/ledger';
import { decodeMoneyEvent, encodeMoneyEvent } from './money-event-codec';

/** More refused events than a coop's treasurer could ever work through; past it, some wait. */
const MAX_SCANNED = 100_000;

export interface UnpostedItem {
  coopId: string;
  sourceId: string;
  eventType: string;
  code: string;
  detail: string;
  failedAt: string;
}

/** What waits to post for some coops: how many events, the earliest business date among them. */
export interface UnpostedSummary {
  count: number;
  oldestBusinessDate: string | null;
  /** The coops with at least one event waiting, in id order. */
  coops: string[];
}

/** The business date inside the stored event; indexed under the same expression. */
const BUSINESS_DATE = "json_extract(event, '$.businessDate')";

/**
 * Money events a ledger refused (a product without GL mapping, a cash balance that would go
 * below zero in books onboarded without it): kept, shown to the treasurer, retried — never
 * dropped, so the books catch up once the cause is fixed.
 */
export class UnpostedTable {
  private readonly put;
  private readonly remove;
  private readonly forCoop;
  private readonly all;
  private readonly waitingIn;
  private readonly anyFor;
  /**
   * Every coop with a refused event waiting (and perhaps one whose row a rolled-back
   * transaction took away): posting for any other coop has nothing to forget, and skips the
   * DELETE that the node's benchmark ran some 23,000 times to find nothing.
   */
  private readonly coopsWaiting: Set<string>;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS settlement_unposted (
      coop_id TEXT NOT NULL,
      source_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      code TEXT NOT NULL,
      detail TEXT NOT NULL,
      failed_at TEXT NOT NULL,
      event TEXT NOT NULL,
      PRIMARY KEY (coop_id, source_id)
    ) WITHOUT ROWID`);
    // An index on an expression, so databases made before it need no new column.
    db.exec(`CREATE INDEX IF NOT EXISTS settlement_unposted_by_date
      ON settlement_unposted (coop_id, ${BUSINESS_DATE})`);
    this.put = db.prepare<[string, string, string, string, string, string, string]>(
      `INSERT INTO settlement_unposted (coop_id, source_id, event_type, code, detail, failed_at, event)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (coop_id, source_id) DO UPDATE SET
       code = excluded.code, detail = excluded.detail, failed_at = excluded.failed_at`,
    );
    this.remove = db.prepare<[string, string]>(
      `DELETE FROM settlement_unposted
       WHERE coop_id = ? AND source_id IN (SELECT value FROM json_each(?))`,
    );
    this.forCoop = db.prepare<
      [string, number],
      {
        coop_id: string;
        source_id: string;
        event_type: string;
        code: string;
        detail: string;
        failed_at: string;
        event: string;
      }
    >('SELECT * FROM settlement_unposted WHERE coop_id = ? ORDER BY failed_at LIMIT ?');
    this.all = db.prepare<
      [number],
      {
        coop_id: string;
        source_id: string;
        event_type: string;
        code: string;
        detail: string;
        failed_at: string;
        event: string;
      }
    >('SELECT * FROM settlement_unposted ORDER BY failed_at LIMIT ?');
    this.waitingIn = db.prepare<[string], { coop_id: string; waiting: number; oldest: string }>(
      `SELECT coop_id, COUNT(*) AS waiting, MIN(${BUSINESS_DATE}) AS oldest
       FROM settlement_unposted
       WHERE coop_id IN (SELECT value FROM json_each(?)) GROUP BY coop_id ORDER BY coop_id`,
    );
    this.anyFor = db
      .prepare<[string], number>('SELECT 1 FROM settlement_unposted WHERE coop_id = ? LIMIT 1')
      .pluck(true);
    this.coopsWaiting = new Set(
      db.prepare<[], string>('SELECT DISTINCT coop_id FROM settlement_unposted').pluck(true).all(),
    );
  }

  record(event: MoneyEvent, code: string, detail: string, at: string): void {
    this.put.run(
      event.coopId,
      event.eventId,
      event.eventType,
      code,
      detail.slice(0, 500),
      at,
      encodeMoneyEvent(event),
    );
    this.coopsWaiting.add(event.coopId);
  }

  /** Forgets these events of the coop, posted now: one statement for a whole delivery. */
  posted(coopId: string, sourceIds: readonly string[]): void {
    if (sourceIds.length === 0 || !this.coopsWaiting.has(coopId)) return;
    this.remove.run(coopId, JSON.stringify(sourceIds));
    if (this.anyFor.get(coopId) === undefined) this.coopsWaiting.delete(coopId);
  }

  list(coopId: string | undefined, limit: number): UnpostedItem[] {
    const rows = coopId === undefined ? this.all.all(limit) : this.forCoop.all(coopId, limit);
    return rows.map((r) => ({
      coopId: r.coop_id,
      sourceId: r.source_id,
      eventType: r.event_type,
      code: r.code,
      detail: r.detail,
      failedAt: r.failed_at,
    }));
  }

  /** What waits for these coops now: counted on the index, whatever the books' as-of. */
  waiting(coopIds: readonly string[]): UnpostedSummary {
    const rows = this.waitingIn.all(JSON.stringify(coopIds));
    let oldestBusinessDate: string | null = null;
    for (const r of rows) {
      if (oldestBusinessDate === null || r.oldest < oldestBusinessDate)
        oldestBusinessDate = r.oldest;
    }
    return {
      count: rows.reduce((sum, r) => sum + r.waiting, 0),
      oldestBusinessDate,
      coops: rows.map((r) => r.coop_id),
    };
  }

  events(limit: number): MoneyEvent[] {
    return this.all.all(limit).map((r) => decodeMoneyEvent(r.event));
  }

  /** The coop's refused money events dated after `after` (null: any) and up to `through`. */
  datedIn(coopId: string, after: string | null, through: string): MoneyEvent[] {
    return this.forCoop
      .all(coopId, MAX_SCANNED)
      .map((r) => decodeMoneyEvent(r.event))
      .filter((e) => (after === null || e.businessDate > after) && e.businessDate <= through);
  }
}
