import {
  jsonEvent,
  NO_STREAM,
  WrongExpectedVersionError,
  type KurrentDBClient,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import { EventStoreError } from '../errors';
import { assertCheckpointName, assertPosition } from '../validation';
import type { CheckpointStore } from '../types';
import type { StreamNames } from './kurrentdb-names';
import { readLastEvent } from './kurrentdb-reads';
import { answered } from './kurrentdb-unreachable';

const CHECKPOINT_TYPE = 'CheckpointSet';
/**
 * Only the newest event of a checkpoint stream matters; KurrentDB may scavenge the rest.
 * Kept above 1 so a reader racing a writer still finds the event it was about to read.
 */
const KEEP_EVENTS = 10;

/**
 * Checkpoints on KurrentDB: one stream per checkpoint name (`<service>~checkpoint-<name>`),
 * whose newest event holds the value. Compare-and-set appends with the expected revision of
 * the event it compared against, so the server refuses it if anyone wrote in between.
 */
export class KurrentDbCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: KurrentDBClient,
    private readonly names: StreamNames,
    private readonly assertOpen: () => void,
  ) {}

  async get(name: string): Promise<number | undefined> {
    this.assertOpen();
    assertCheckpointName(name);
    const newest = await answered(() => readLastEvent(this.client, this.names.checkpoint(name)));
    return newest ? decodeCheckpoint(newest) : undefined;
  }

  async compareAndSet(name: string, expected: number | undefined, next: number): Promise<boolean> {
    this.assertOpen();
    assertCheckpointName(name);
    assertPosition(next, 'next');
    if (expected !== undefined) assertPosition(expected, 'expected');
    return answered(() => this.set(name, expected, next));
  }

  private async set(name: string, expected: number | undefined, next: number): Promise<boolean> {
    const stream = this.names.checkpoint(name);
    const newest = await readLastEvent(this.client, stream);
    if ((newest ? decodeCheckpoint(newest) : undefined) !== expected) return false;
    if (!newest) await this.client.setStreamMetadata(stream, { maxCount: KEEP_EVENTS });
    try {
      await this.client.appendToStream(
        stream,
        jsonEvent({ type: CHECKPOINT_TYPE, data: { position: next } }),
        {
          streamState: newest ? newest.revision : NO_STREAM,
        },
      );
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
  }
}

function decodeCheckpoint(event: KurrentRecordedEvent): number {
  const position = (event.data as { position?: unknown } | undefined)?.position;
  if (event.type !== CHECKPOINT_TYPE || !Number.isSafeInteger(position)) {
    throw new EventStoreError(`checkpoint event ${event.id} in ${event.streamId} is malformed`);
  }
  return position as number;
}
