import type Database from 'better-sqlite3';

/**
 * Exactly-once effects for a consumer whose effects live in SQLite: the message id is
 * recorded in the same transaction as the effect, so a redelivered message finds its id
 * and changes nothing, and a crash between effect and record cannot happen.
 */
export class SqliteInbox {
  private readonly seen;
  private readonly record;

  constructor(
    private readonly database: Database.Database,
    /** The consumer group: each consumer keeps its own record of what it applied. */
    private readonly consumer: string,
  ) {
    database.exec(`CREATE TABLE IF NOT EXISTS inbox (
      consumer TEXT NOT NULL,
      message_id TEXT NOT NULL,
      handled_at TEXT NOT NULL,
      PRIMARY KEY (consumer, message_id)
    ) WITHOUT ROWID`);
    this.seen = database.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM inbox WHERE consumer = ? AND message_id = ?',
    );
    this.record = database.prepare<[string, string, string]>(
      'INSERT INTO inbox (consumer, message_id, handled_at) VALUES (?, ?, ?)',
    );
  }

  /**
   * Runs `effect` and records `messageId`, atomically, unless it was recorded before.
   * Returns false (running nothing) for a message already applied.
   */
  applyOnce(messageId: string, effect: () => void, now: Date = new Date()): boolean {
    return this.database
      .transaction(() => {
        if (this.seen.get(this.consumer, messageId)) return false;
        effect();
        this.record.run(this.consumer, messageId, now.toISOString());
        return true;
      })
      .immediate();
  }

  has(messageId: string): boolean {
    return this.seen.get(this.consumer, messageId) !== undefined;
  }
}
