import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  sharesStoreFile,
  type EventStore,
  type ReadAllFilter,
  type RecordedEvent,
  type Subscription,
} from '@kopfed/eventstore';

export interface FeedOptions {
  /** Names the checkpoint. */
  name: string;
  store: EventStore;
  /** Holds the checkpoint (the read-model database). */
  db: Database.Database;
  filter: ReadAllFilter;
  /** Handles a page of events; must be idempotent (delivery is at least once). */
  handle: (events: RecordedEvent[]) => Promise<void>;
  logger: Logger;
  batchSize?: number;
  retryDelayMs?: number;
}

/**
 * A consumer of the service's own log, checkpointed: it resumes after the last page it
 * finished, and on a failure starts again from there after a pause. Works over any store.
 */
export class CheckpointedFeed {
  private subscription: Subscription | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;
  private readonly read;
  private readonly write;
  /** Moves the checkpoint once a page is handled: see the constructor. */
  private readonly advance: (position: number) => Promise<void>;

  constructor(private readonly options: FeedOptions) {
    options.db.exec(`CREATE TABLE IF NOT EXISTS settlement_checkpoints (
      name TEXT PRIMARY KEY,
      position INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.read = options.db.prepare<[string], { position: number }>(
      'SELECT position FROM settlement_checkpoints WHERE name = ?',
    );
    this.write = options.db.prepare<[string, number]>(
      `INSERT INTO settlement_checkpoints (name, position) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    );
    const { store, db, name } = options;
    const write = (position: number) => void this.write.run(name, position);
    // Kept in the store's own file, the checkpoint rides the store's next group commit, as the
    // page's own writes did: no commit and no sync of its own for every page.
    this.advance = sharesStoreFile(store, db)
      ? (position) => store.commitWith(() => write(position))
      : async (position) => write(position);
  }

  get position(): number {
    return this.read.get(this.options.name)?.position ?? 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.subscribe();
  }

  private subscribe(): void {
    const { store, filter, handle, name, logger } = this.options;
    this.failure = undefined;
    this.subscription = store.subscribe({
      after: this.position,
      batchSize: this.options.batchSize ?? 500,
      ...filter,
      batchHandler: async (events) => {
        await handle(events);
        await this.advance(events[events.length - 1]!.position);
      },
      onError: (error) => {
        this.failure = error;
        logger.warn({ err: error, feed: name }, 'feed failed; restarting from its checkpoint');
        if (!this.running) return;
        this.timer = setTimeout(() => this.subscribe(), this.options.retryDelayMs ?? 1_000);
        this.timer.unref();
      },
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /** Resolves once every matching event up to the store's head now is handled (bounded). */
  async catchUp(timeoutMs = 30_000): Promise<void> {
    const target = await this.options.store.headPosition();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [next] = await this.options.store.readAll({
        after: this.position,
        maxCount: 1,
        ...this.options.filter,
      });
      if (next === undefined || next.position > target) return;
      if (Date.now() > deadline) {
        const cause = this.failure instanceof Error ? `: ${this.failure.message}` : '';
        throw new Error(
          `feed ${this.options.name} did not reach ${target} in ${timeoutMs} ms${cause}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
