import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@kopfed/domain';
import { WrongExpectedRevisionError, type EventStore } from '@kopfed/eventstore';
import type { BatchService } from './batches/batch-service';
import type { ClearingCore } from './clearing/engine/clearing-core';
import type { TransferService } from './clearing/engine/transfer-service';
import type { LedgerPoster } from './ledger/ledger-poster';
import type { UnpostedTable } from './ledger/unposted-table';

export interface CloseOfBusinessResult {
  businessDate: string;
  expiredTransfers: number;
  closedBatches: string[];
  unpostedRetried: number;
}

const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
const MAX_RETRIED = 10_000;

/**
 * The night's work after `businessDate` (Asia/Jakarta): void expired pending transfers, close
 * every batch whose window has ended, and retry money events a ledger refused. Recorded in
 * `closeofbusiness-<date>`, so a second run for the same date returns the first's result.
 */
export async function closeOfBusiness(
  parts: {
    store: EventStore;
    core: ClearingCore;
    transfers: TransferService;
    batches: BatchService;
    poster: LedgerPoster;
    unposted: UnpostedTable;
  },
  businessDate: string,
): Promise<CloseOfBusinessResult> {
  const stream = `closeofbusiness-${businessDate}`;
  const [done] = await parts.store.readStream(stream, { maxCount: 1 });
  if (done) return done.data as CloseOfBusinessResult;
  const dayEnd =
    Date.parse(`${businessDate}T00:00:00.000Z`) + 24 * 60 * 60 * 1000 - JAKARTA_OFFSET_MS;
  const expiredTransfers = await parts.transfers.expireAllDue();
  const closedBatches: string[] = [];
  const due = [...parts.core.state.batches.values()].flatMap((b) =>
    b.status === 'open' && Date.parse(b.ref.windowEnd) <= dayEnd ? [b.ref.batchId] : [],
  );
  for (const batchId of due) {
    try {
      await parts.batches.close(batchId, { correlationId: stream });
      closedBatches.push(batchId);
    } catch (error) {
      // A treasurer closed it meanwhile: what the run is for is done.
      if (!(error instanceof DomainError && error.code === 'batch-not-open')) throw error;
    }
  }
  const retry = parts.unposted.events(MAX_RETRIED);
  await parts.poster.post(retry, { correlationId: stream });
  const result: CloseOfBusinessResult = {
    businessDate,
    expiredTransfers,
    closedBatches,
    unpostedRetried: retry.length,
  };
  try {
    await parts.store.append(
      stream,
      [{ id: uuidv7(), type: 'CloseOfBusinessRun', schemaVersion: 1, data: result }],
      { expectedRevision: 'no_stream' },
    );
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    const [first] = await parts.store.readStream(stream, { maxCount: 1 });
    return first!.data as CloseOfBusinessResult;
  }
  return result;
}
