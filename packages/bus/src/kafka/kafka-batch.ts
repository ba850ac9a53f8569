import type { EachBatchPayload } from 'kafkajs';
import { deliverWithRetries, type RetryPolicy } from '../retry';
import type { IncomingMessage, MessageHandler } from '../types';
import { fromKafkaMessage } from './kafka-headers';
import { CommitCadence, type CommitCadenceOptions } from './kafka-offsets';

export type DeadLetterSink = (
  message: Omit<IncomingMessage, 'attempt'>,
  error: unknown,
  attempts: number,
) => Promise<void>;

/** What one subscription brings to each of its partitions' batches. */
export interface PartitionWork {
  handler: MessageHandler;
  policy: RetryPolicy;
  /** Publishes to `<topic>.dlq`; resolves once acknowledged. */
  deadLetter: DeadLetterSink;
  /** True once the subscription is stopping: finish the message in hand, take no more. */
  stopping(): boolean;
  cadence: CommitCadenceOptions;
  /** How often to tell the group we are alive while a handler or its retries run. */
  heartbeatEveryMs: number;
  clock?: () => number;
}

/**
 * Handles one partition's batch strictly in order. A message's offset is resolved and
 * (by the cadence, and always before returning) committed only after its handler
 * succeeded or it was dead-lettered, so a crash at any point redelivers, never skips.
 * While a message is retried the partition waits for it: that is the per-key order.
 *
 * It returns early — leaving the rest unresolved, to be fetched again — when the
 * subscription stops, the consumer stops, or a heartbeat fails (a rebalance may be taking
 * the partition away; the new owner redelivers from the committed offset).
 */
export async function consumeBatch(payload: EachBatchPayload, work: PartitionWork): Promise<void> {
  const { batch } = payload;
  const now = work.clock ?? Date.now;
  const offsets = new CommitCadence(work.cadence, now());
  const alive = keepAlive(payload, work.heartbeatEveryMs);
  const mustYield = () =>
    work.stopping() || !payload.isRunning() || payload.isStale() || alive.failed();
  const commit = async () => {
    const offset = offsets.pending();
    if (offset === undefined) return;
    const partitions = [{ partition: batch.partition, offset }];
    await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions }] });
    offsets.committed(offset, now());
  };

  try {
    for (const record of batch.messages) {
      if (mustYield()) break;
      const message = fromKafkaMessage(batch.topic, record);
      const outcome = await deliverWithRetries(work.handler, message, work.policy, mustYield);
      if (outcome === 'stopped') break;
      if (!outcome.handled) await work.deadLetter(message, outcome.error, outcome.attempts);
      payload.resolveOffset(record.offset);
      offsets.handled(record.offset);
      if (offsets.due(now())) await commit();
    }
  } catch (error) {
    // Keep what was done; the message that failed is fetched again. The first error wins.
    await commit().catch(() => undefined);
    throw error;
  } finally {
    alive.stop();
  }
  await commit();
}

/**
 * kafkajs heartbeats between batches only; a batch held by a slow handler or by retries
 * would otherwise outlive the session timeout. payload.heartbeat() is itself throttled to
 * the consumer's heartbeatInterval, so calling it often costs nothing.
 */
function keepAlive(payload: EachBatchPayload, everyMs: number) {
  let failed = false;
  const timer = setInterval(() => {
    payload.heartbeat().catch(() => {
      failed = true;
    });
  }, everyMs);
  return { failed: () => failed, stop: () => clearInterval(timer) };
}
