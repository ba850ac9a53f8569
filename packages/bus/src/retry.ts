import {
  DEAD_LETTER_HEADERS,
  type IncomingMessage,
  type MessageHandler,
  type MessageHeaders,
} from './types';

export interface RetryPolicy {
  maxRetries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

export function retryPolicy(options: {
  maxRetries?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}): RetryPolicy {
  const policy = {
    maxRetries: options.maxRetries ?? 3,
    retryDelayMs: options.retryDelayMs ?? 50,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 5_000,
  };
  if (!Number.isInteger(policy.maxRetries) || policy.maxRetries < 0 || policy.maxRetries > 100) {
    throw new RangeError('maxRetries must be an integer from 0 to 100');
  }
  return policy;
}

export type DeliveryOutcome =
  { handled: true } | { handled: false; error: unknown; attempts: number };

/**
 * Runs the handler, retrying with exponential backoff (and a little jitter) up to the
 * policy's bound. `shouldStop` lets a shutdown cut the waiting short: the message is then
 * neither handled nor dead-lettered, and will be redelivered.
 */
export async function deliverWithRetries(
  handler: MessageHandler,
  message: Omit<IncomingMessage, 'attempt'>,
  policy: RetryPolicy,
  shouldStop: () => boolean = () => false,
): Promise<DeliveryOutcome | 'stopped'> {
  let lastError: unknown;
  // `attempt` before the spread: written after it, V8 on Node 20 takes its slow path (~1 us).
  const delivery: IncomingMessage = { attempt: 1, ...message };
  for (let attempt = 1; attempt <= policy.maxRetries + 1; attempt++) {
    try {
      delivery.attempt = attempt;
      await handler(delivery);
      return { handled: true };
    } catch (error) {
      lastError = error;
      // A message that can never be handled (it does not parse) goes straight to the DLQ.
      if ((error as { retryable?: unknown } | null)?.retryable === false) {
        return { handled: false, error, attempts: attempt };
      }
    }
    if (attempt <= policy.maxRetries) {
      if (shouldStop()) return 'stopped';
      const delay = Math.min(policy.maxRetryDelayMs, policy.retryDelayMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() * 0.5)));
    }
  }
  return { handled: false, error: lastError, attempts: policy.maxRetries + 1 };
}

export function deadLetterHeaders(
  original: MessageHeaders,
  topic: string,
  group: string,
  error: unknown,
  attempts: number,
): MessageHeaders {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    ...original,
    [DEAD_LETTER_HEADERS.error]: text.slice(0, 2_000),
    [DEAD_LETTER_HEADERS.originalTopic]: topic,
    [DEAD_LETTER_HEADERS.group]: group,
    [DEAD_LETTER_HEADERS.attempts]: String(attempts),
  };
}
