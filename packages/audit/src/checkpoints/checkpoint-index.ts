import type { EventStore, RecordedEvent } from '@kopfed/eventstore';
import { AUDIT_STREAMS, CheckpointEventData } from './checkpoint';

export interface StoredCheckpoint {
  data: CheckpointEventData;
  /** The checkpoint event itself, in its store. */
  position: number;
  eventId: string;
}

/**
 * A store's checkpoints, read through the port: checkpoint n is revision n-1 of
 * `auditcheckpoints-<store>`, and their positions grow with n, so the checkpoint covering an
 * event is found by bisection in O(log n) reads, however many checkpoints there are.
 */
export class CheckpointIndex {
  private readonly stream: string;

  constructor(
    private readonly store: EventStore,
    storeName: string,
  ) {
    this.stream = AUDIT_STREAMS.checkpoints(storeName);
  }

  async count(): Promise<number> {
    const revision = await this.store.streamRevision(this.stream);
    return revision === undefined ? 0 : revision + 1;
  }

  async at(sequence: number): Promise<StoredCheckpoint | undefined> {
    if (!Number.isSafeInteger(sequence) || sequence < 1) return undefined;
    const [event] = await this.store.readStream(this.stream, {
      fromRevision: sequence - 1,
      maxCount: 1,
    });
    return event && event.revision === sequence - 1 ? stored(event) : undefined;
  }

  async latest(): Promise<StoredCheckpoint | undefined> {
    const [event] = await this.store.readStream(this.stream, {
      direction: 'backwards',
      maxCount: 1,
    });
    return event && stored(event);
  }

  /** The first checkpoint whose tree includes `position`, if one does yet. */
  async covering(position: number): Promise<StoredCheckpoint | undefined> {
    let low = 1;
    let high = await this.count();
    let found: StoredCheckpoint | undefined;
    // Each step halves [low, high]: at most 53 reads.
    while (low <= high) {
      const middle = Math.floor((low + high) / 2);
      const candidate = await this.at(middle);
      if (!candidate) return found;
      if (candidate.data.statement.lastPosition >= position) {
        found = candidate;
        high = middle - 1;
      } else {
        low = middle + 1;
      }
    }
    return found;
  }

  /** Checkpoints from `fromSequence`, at most `maxCount`, in order. */
  async list(fromSequence: number, maxCount: number): Promise<StoredCheckpoint[]> {
    const events = await this.store.readStream(this.stream, {
      fromRevision: Math.max(0, fromSequence - 1),
      maxCount,
    });
    return events.map(stored);
  }
}

function stored(event: RecordedEvent): StoredCheckpoint {
  return {
    data: CheckpointEventData.parse(event.data),
    position: event.position,
    eventId: event.id,
  };
}
