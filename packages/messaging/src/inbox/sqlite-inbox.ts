import type Database from 'better-sqlite3';

/**
 * Exactly-once effects for a consumer whose effects live in SQLite: the message id is
 * recorded in the same transaction as the effect, so a redelivered message finds its id
 * and changes nothing, and a crash between effect and record cannot happen.
 */
type Outcome = { applied: boolean } | { error: unknown };

class EffectFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('an effect failed');
  }
}

interface PendingEffect {
  messageId: string;
  effect: () => void;
  resolve: (applied: boolean) => void;
  reject: (error: unknown) => void;
}

export class SqliteInbox {
  private readonly seen;
  private readonly record;
  private queue: PendingEffect[] = [];
  private flushScheduled = false;

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
    // Recording first and asking whether the row went in saves a lookup per message.
    this.record = database.prepare<[string, string, string]>(
      'INSERT INTO inbox (consumer, message_id, handled_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
  }

  /**
   * Runs `effect` and records `messageId`, atomically, unless it was recorded before.
   * Returns false (running nothing) for a message already applied.
   */
  applyOnce(messageId: string, effect: () => void, now: Date = new Date()): boolean {
    return this.database
      .transaction(() => {
        if (this.record.run(this.consumer, messageId, now.toISOString()).changes === 0)
          return false;
        effect();
        return true;
      })
      .immediate();
  }

  /**
   * `applyOnce` with group commit: effects arriving in the same turn of the event loop (the
   * bus hands several keys to the consumer at once) share one transaction, one fsync, each
   * in its own savepoint so one failing effect fails alone. Resolves once durable.
   */
  apply(messageId: string, effect: () => void): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ messageId, effect, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const group = this.queue.splice(0, 1_000);
    if (this.queue.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    const now = new Date().toISOString();
    let outcomes: Outcome[];
    try {
      outcomes = this.commitGroup(group, now, false);
    } catch (error) {
      // An effect failed half-way: roll everything back and isolate each effect instead.
      try {
        outcomes =
          error instanceof EffectFailed
            ? this.commitGroup(group, now, true)
            : group.map(() => ({ error }));
      } catch (retryError) {
        outcomes = group.map(() => ({ error: retryError }));
      }
    }
    group.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.applied);
    });
  }

  private commitGroup(group: PendingEffect[], now: string, isolate: boolean): Outcome[] {
    const applyOne = (pending: PendingEffect): boolean => {
      if (this.record.run(this.consumer, pending.messageId, now).changes === 0) return false;
      pending.effect();
      return true;
    };
    const inSavepoint = this.database.transaction(applyOne);
    return this.database
      .transaction(() =>
        group.map((pending): Outcome => {
          if (isolate) {
            try {
              return { applied: inSavepoint(pending) };
            } catch (error) {
              // Some errors (a full disk, an I/O error, a trigger's RAISE(ROLLBACK)) roll back the
              // whole transaction, not the savepoint: the rest of the group would then commit one
              // by one while reported failed. The group fails as one instead.
              if (!this.database.inTransaction) throw error;
              return { error };
            }
          }
          try {
            return { applied: applyOne(pending) };
          } catch (error) {
            throw new EffectFailed(error);
          }
        }),
      )
      .immediate();
  }

  has(messageId: string): boolean {
    return this.seen.get(this.consumer, messageId) !== undefined;
  }
}
