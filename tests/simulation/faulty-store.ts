import {
  SqliteEventStore,
  type AppendOptions,
  type AppendResult,
  type NewEvent,
  type SqliteEventStoreOptions,
} from '@kopfed/eventstore';

interface ArmedConflict {
  stream: (name: string) => boolean;
  /** The other writer: it appends to the same stream first, so this append's revision is stale. */
  writer: () => Promise<void>;
}

/**
 * The embedded store with one fault: a conflicting append by a concurrent writer. Armed, the
 * next append to a matching stream that expects a revision first lets the other writer append
 * to that stream (as another process would), then goes ahead with its now stale expectation.
 * The services must retry from a fresh read and keep both effects, never overwrite one.
 *
 * A subclass rather than a wrapper of the port: the services keep their read models in the
 * store's own SQLite database and check that they were given one.
 */
export class FaultyEventStore extends SqliteEventStore {
  private armed: ArmedConflict | undefined;
  /** Conflicts that fired (the other writer ran before an append). */
  conflicts = 0;

  constructor(options: SqliteEventStoreOptions) {
    super(options);
  }

  armConflict(conflict: ArmedConflict): void {
    this.armed = conflict;
  }

  disarm(): boolean {
    const wasArmed = this.armed !== undefined;
    this.armed = undefined;
    return wasArmed;
  }

  override async append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const armed = this.armed;
    if (armed && options.expectedRevision !== 'any' && armed.stream(stream)) {
      this.armed = undefined;
      await armed.writer();
      this.conflicts++;
    }
    return super.append(stream, events, options);
  }
}
