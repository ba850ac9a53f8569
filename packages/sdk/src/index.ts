export { createKopfedClient, ok, type KopfedClient, type KopfedClientOptions } from './client';
export type * as api from './generated';
export { IDEMPOTENCY_KEY_HEADER, isWrite, newIdempotencyKey } from './idempotency';
export { items, pages, type CursorPage, type PageOptions } from './pagination';
export {
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  type Problem,
  type ProblemFieldError,
} from './problem-error';
export {
  RetriesExhaustedError,
  resilientFetch,
  type FetchLike,
  type ResilientFetchOptions,
  type RetryEvent,
} from './resilient-fetch';
export {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  retryPolicy,
  type RetryPolicy,
} from './retry-policy';
export {
  fetchSyncStatus,
  MAX_SYNC_BATCH_ITEMS,
  sendSyncBatch,
  SYNC_STREAMS,
  type BatchResult,
  type ItemResult,
  type LoanSyncItem,
  type MemberSyncItem,
  type SavingsSyncItem,
  type SyncBatch,
  type SyncItems,
  type SyncStatus,
  type SyncStream,
} from './sync-batches';
