import type { RecordedEvent } from '../types';

/** An event this store has just committed: its stored text until first read, then parsed. */
export interface CommittedEvent {
  position: number;
  type: string;
  category: string;
  body: string;
}

interface Entry {
  type: string;
  category: string;
  body: string | undefined;
  event: RecordedEvent | undefined;
}

const DEFAULT_CAPACITY = 5_000;

/**
 * The tail of the log as this store committed it, for its subscriptions. Every projection
 * and relay reads each new event right after the commit that wrote it; here they share one
 * parse of it (deep-frozen, since they share it) instead of each querying SQLite and parsing
 * the row again. It only answers a read it can answer whole: one that starts within it and
 * ends at the head of the file, so nothing written by another process is ever missed.
 */
export class RecentEvents {
  private entries: Entry[] = [];
  /** Position of entries[0]; entries are contiguous. */
  private first = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The events of one commit, in position order. */
  record(events: readonly CommittedEvent[]): void {
    if (events.length === 0) return;
    if (events[0]!.position !== this.first + this.entries.length) {
      // Something else wrote in between (another process): start over from this commit.
      this.entries = [];
      this.first = events[0]!.position;
    }
    for (const e of events)
      this.entries.push({ type: e.type, category: e.category, body: e.body, event: undefined });
    const excess = this.entries.length - this.capacity;
    if (excess > 0) {
      this.entries.splice(0, excess);
      this.first += excess;
    }
  }

  /**
   * The answer to a read of the whole log after `after` (at most `maxCount` events, of the
   * given types and categories), or undefined when this tail cannot answer it whole.
   */
  read(
    after: number,
    maxCount: number,
    head: number,
    types: readonly string[] | undefined,
    categories: readonly string[] | undefined,
  ): RecordedEvent[] | undefined {
    const last = this.first + this.entries.length - 1;
    if (this.entries.length === 0 || last !== head || after < this.first - 1) return undefined;
    const found: RecordedEvent[] = [];
    for (let i = after + 1 - this.first; i < this.entries.length && found.length < maxCount; i++) {
      const entry = this.entries[i]!;
      if (types && !types.includes(entry.type)) continue;
      if (categories && !categories.includes(entry.category)) continue;
      found.push(parsed(entry));
    }
    return found;
  }

  clear(): void {
    this.entries = [];
    this.first = 0;
  }
}

function parsed(entry: Entry): RecordedEvent {
  if (!entry.event) {
    entry.event = deepFreeze(JSON.parse(entry.body!) as RecordedEvent);
    entry.body = undefined;
  }
  return entry.event;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
