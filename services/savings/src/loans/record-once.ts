import {
  deterministicUuid,
  DuplicateEventIdError,
  WrongExpectedRevisionError,
} from '@kopfed/eventstore';
import type { EventMetadata, EventStore } from '@kopfed/eventstore';

/**
 * Appends `type` with `data` as the one event of `<category>-<requestId>`, with an id derived
 * from the request: what savings records in answer to one loan message is recorded once,
 * however often the message is delivered. True when this call recorded it.
 */
export async function recordOnce(
  store: EventStore,
  category: string,
  requestId: string,
  event: { type: string; data: object; businessDate: string },
  metadata: EventMetadata,
): Promise<boolean> {
  try {
    await store.append(
      `${category}-${requestId}`,
      [
        {
          id: deterministicUuid('savings', category, requestId),
          type: event.type,
          schemaVersion: 1,
          data: event.data,
          metadata,
          businessDate: event.businessDate,
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    return true;
  } catch (error) {
    // Recorded before, for this message: the stream, or its one event, is there.
    if (error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError)
      return false;
    throw error;
  }
}
