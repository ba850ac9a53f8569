import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { EventStoreError } from '../errors';
import type { StreamNames } from './kurrentdb-names';
import { readLogPage } from './kurrentdb-reads';
import type { Sealer } from './kurrentdb-sealer';

const LOG_PAGE_SIZE = 1_000;
/** Catch-up reads at most this many pages (a billion events) before failing loudly. */
const MAX_CATCH_UP_PAGES = 1_000_000;
/** An acknowledged append must show in the log within this many catch-up reads. */
const VISIBILITY_ATTEMPTS = 50;
const VISIBILITY_DELAY_MS = 20;

/**
 * Follows the service's part of the global log for the writer, feeding two things built
 * lazily from the whole log on the first catch-up:
 *
 *  - the event-id index (id → log position). KurrentDB itself only recognises a retry of
 *    the same ids at the same expected revision of one stream; the port wants ids unique
 *    across the store and any retry answered with its original result. The index costs
 *    memory in proportion to the log (about 100 bytes an event), and sees other processes'
 *    writes only when it next catches up: two processes racing one id into two different
 *    streams at the same moment are not stopped.
 *  - the sealer, which seals every append once it has read all of it.
 */
export class LogFollower {
  private readonly ids = new Map<string, number>();
  /** Log position through which the index and the sealer have been fed. */
  private cursor = 0;
  private started = false;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly names: StreamNames,
    private readonly sealer: Sealer,
  ) {}

  /** Log position of the event with this id, if the index has seen it. */
  positionOf(id: string): number | undefined {
    return this.ids.get(id);
  }

  /** Reads the service's log to its end into the index and the sealer, then seals. */
  async catchUp(): Promise<void> {
    if (!this.started) {
      await this.sealer.load();
      this.started = true;
    }
    const filter = this.names.filter()!;
    for (let pages = 0; ; pages++) {
      if (pages === MAX_CATCH_UP_PAGES)
        throw new EventStoreError('catch-up did not reach the end of the log');
      const page = await readLogPage(this.client, this.names, this.cursor, LOG_PAGE_SIZE, filter);
      for (const { event } of page.events)
        if (!this.ids.has(event.id)) this.ids.set(event.id, event.position);
      this.sealer.enqueue(page.events);
      this.cursor = page.lastPosition;
      if (page.exhausted) break;
    }
    await this.sealer.flush();
  }

  /** Catches up until the events with these ids, acknowledged by the server, are indexed. */
  async catchUpWith(ids: readonly string[]): Promise<void> {
    for (let attempt = 0; !ids.every((id) => this.ids.has(id)); attempt++) {
      if (attempt === VISIBILITY_ATTEMPTS)
        throw new EventStoreError(`appended event ${ids[0]} is not in the log`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, VISIBILITY_DELAY_MS));
      await this.catchUp();
    }
  }
}
