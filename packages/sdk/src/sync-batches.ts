import type { memberHttp } from '@kopfed/contracts';
import type { z } from 'zod';
import type { KopfedClient } from './client';
import { ok } from './client';
import type { loan, member, savings } from './generated';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency';

/** The three streams a primary coop syncs in bulk, each numbered 1, 2, 3… per coop. */
export type SyncStream = 'members' | 'savings' | 'loans';
export const SYNC_STREAMS: readonly SyncStream[] = ['members', 'savings', 'loans'];

/** Items a sync batch may hold (the services' limit, `MAX_BATCH_ITEMS` of @kopfed/batch-sync). */
export const MAX_SYNC_BATCH_ITEMS = 1_000;

/**
 * The member endpoint declares its items as `unknown[]` (each item is checked alone and
 * rejected alone, never the batch), so its item type comes from the very schema the
 * service checks items with; the other two come from their OpenAPI documents.
 */
export type MemberSyncItem = z.input<typeof memberHttp.MemberBatchItem>;
export type SavingsSyncItem =
  savings.components['schemas']['SavingsSyncBatch']['items'][number];
export type LoanSyncItem =
  loan.operations['syncLoans']['requestBody']['content']['application/json']['items'][number];

export interface SyncItems {
  members: MemberSyncItem;
  savings: SavingsSyncItem;
  loans: LoanSyncItem;
}

export type BatchResult =
  member.operations['syncMemberBatch']['responses'][200]['content']['application/json'];
export type ItemResult = BatchResult['results'][number];
export type SyncStatus =
  member.operations['memberSyncStatus']['responses'][200]['content']['application/json'];

export interface SyncBatch<S extends SyncStream> {
  sequence: number;
  items: SyncItems[S][];
}

/**
 * Sends one numbered batch. Pass a key that is stable for this batch (for example derived
 * from its sequence and content) to have a resend after a crash answered with the original
 * results; otherwise a fresh key is used and kept across this call's retries.
 */
export async function sendSyncBatch<S extends SyncStream>(
  client: KopfedClient,
  stream: S,
  coopId: string,
  batch: SyncBatch<S>,
  idempotencyKey?: string,
): Promise<BatchResult> {
  const header = idempotencyKey ? { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey } : {};
  const path = { coopId };
  switch (stream) {
    case 'members':
      return ok(
        client.member.POST('/api/member/v1/coops/{coopId}/member-batches', {
          params: { path, header },
          body: batch,
        }),
      );
    case 'savings':
      return ok(
        client.savings.POST('/api/savings/v1/coops/{coopId}/sync/transactions', {
          params: { path, header },
          body: batch as SyncBatch<'savings'>,
        }),
      );
    case 'loans':
      return ok(
        client.loan.POST('/api/loan/v1/coops/{coopId}/loan-sync-batches', {
          params: { path, header },
          body: batch as SyncBatch<'loans'>,
        }),
      );
  }
}

/** The last batch the service received for this stream, and the sequence numbers missing. */
export async function fetchSyncStatus(
  client: KopfedClient,
  stream: SyncStream,
  coopId: string,
): Promise<SyncStatus> {
  const params = { params: { path: { coopId } } };
  switch (stream) {
    case 'members':
      return ok(client.member.GET('/api/member/v1/coops/{coopId}/sync-status', params));
    case 'savings':
      return ok(client.savings.GET('/api/savings/v1/coops/{coopId}/sync/transactions', params));
    case 'loans':
      return ok(client.loan.GET('/api/loan/v1/coops/{coopId}/loan-sync-status', params));
  }
}
