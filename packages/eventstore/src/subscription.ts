import type { ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from './types';

export interface PollingSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Registers a callback run after each local commit; returns an unregister function. */
  onAppended(listener: () => void): () => void;
}

const DEFAULT_BATCH_SIZE = 1_000;

/**
 * Catch-up subscription over a store whose log can be read in order: reads everything after
 * the checkpoint page by page, then waits for a local append (or the poll interval, for
 * writers in other processes) and reads again. Because each read starts strictly after the
 * last delivered position, nothing is skipped or delivered out of order.
 */
export function pollingSubscription(
  source: PollingSource,
  options: SubscribeOptions,
  pollIntervalMs: number,
): Subscription {
  let position = options.after;
  let stopping = false;
  let wake: (() => void) | undefined;
  /** A commit announced while the subscription was reading or handling, not waiting. */
  let news = false;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const unregister = source.onAppended(() => {
    if (wake) wake();
    else news = true;
  });

  const waitForNews = () =>
    new Promise<void>((resolve) => {
      if (news) {
        news = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, pollIntervalMs);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const run = async () => {
    try {
      while (!stopping) {
        // What this read finds covers every commit announced before it.
        news = false;
        const events = await source.readAll({
          after: position,
          maxCount: batchSize,
          ...(options.types ? { types: options.types } : {}),
          ...(options.categories ? { categories: options.categories } : {}),
        });
        if (options.batchHandler) {
          if (events.length > 0) {
            await options.batchHandler(events);
            position = events[events.length - 1]!.position;
          }
        } else {
          for (const event of events) {
            if (stopping) return;
            await options.handler(event);
            position = event.position;
          }
        }
        if (events.length < batchSize && !stopping) await waitForNews();
      }
    } catch (error) {
      stopping = true;
      options.onError?.(error);
    } finally {
      unregister();
    }
  };

  const done = run();
  return {
    get position() {
      return position;
    },
    done,
    async stop() {
      stopping = true;
      wake?.();
      await done;
    },
  };
}
