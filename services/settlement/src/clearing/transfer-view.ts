import { DomainError, unreachable } from '@kopfed/domain';
import type { MoneyJson } from '../shared/money';
import type { TransferEvent, TransferRecord } from './model';
import type { TransferRequest } from './transfer.decider';

export type TransferStatus = 'pending' | 'posted' | 'voided' | 'expired';

export interface TransferView {
  record: TransferRecord;
  status: TransferStatus;
  posted: MoneyJson | null;
  batchId: string | null;
  postedAt: string | null;
  voidedAt: string | null;
}

/** A transfer's state from its creation record and the events after it. */
export function transferView(
  record: TransferRecord,
  later: readonly TransferEvent[],
  createdBatch: string | null,
): TransferView {
  let view: TransferView = {
    record,
    status: record.pending ? 'pending' : 'posted',
    posted: record.pending ? null : record.amount,
    batchId: createdBatch,
    postedAt: record.pending ? null : record.createdAt,
    voidedAt: null,
  };
  for (const event of later) {
    switch (event.type) {
      case 'TransferReserved':
        break;
      case 'TransferPosted':
        view = {
          ...view,
          status: 'posted',
          posted: event.data.posted,
          batchId: event.data.batch.batchId,
          postedAt: event.data.postedAt,
        };
        break;
      case 'TransferVoided':
        view = { ...view, status: event.data.reason, voidedAt: event.data.voidedAt };
        break;
      default:
        unreachable(event, 'transfer event');
    }
  }
  return view;
}

type Field = [pointer: string, recorded: unknown, requested: unknown];

/**
 * The first field where a repeated request differs from the transfer recorded under its id.
 * A transfer id is deduplicated for ever (BRIEF §4): the same fields get the original back,
 * different ones a 409 naming the field.
 */
export function firstDifference(
  record: TransferRecord,
  request: TransferRequest,
  groupId: string | null,
  at = '',
): string | undefined {
  const fields: Field[] = [
    ['/transferId', record.groupId, groupId],
    ['/fromCoopId', record.fromCoopId, request.fromCoopId],
    ['/toCoopId', record.toCoopId, request.toCoopId],
    ['/amount/amount', record.amount.amount, request.amount.amount],
    ['/amount/currency', record.amount.currency, request.amount.currency],
    ['/pending', record.pending, request.pending],
    ['/timeoutSeconds', record.timeoutSeconds, request.timeoutSeconds ?? null],
    ['/reference', record.reference, request.reference ?? null],
    ['/memo', record.memo, request.memo ?? null],
    ['/settlementModel', record.model, request.settlementModel ?? record.model],
  ];
  const differing = fields.find(([, recorded, requested]) => recorded !== requested);
  return differing === undefined ? undefined : `${at}${differing[0]}`;
}

/**
 * Whether a caller naming `payer` as the paying coop is a party to a recorded transfer. The
 * caller is known to reach the payer it names (the routes check it), not the payee.
 */
export function isPartyTo(record: TransferRecord, payer: string): boolean {
  return payer === record.fromCoopId || payer === record.toCoopId;
}

/**
 * A 409 for a transfer id already recorded. Only a caller whose payer is a party to the
 * recorded transfer learns which field differs (or its group): another coop, of this
 * federation or another, learns only that the id is taken.
 */
export function transferIdConflict(
  record: TransferRecord,
  pointer: string,
  request: Pick<TransferRequest, 'fromCoopId'>,
): DomainError {
  if (!isPartyTo(record, request.fromCoopId)) {
    const at = /^\/transfers\/\d+/.exec(pointer)?.[0] ?? '';
    return new DomainError(
      'transfer-id-conflict',
      `Transfer id ${record.transferId} is already in use: choose another.`,
      'conflict',
      `${at}/transferId`,
      { transferId: record.transferId, field: 'transferId' },
    );
  }
  const field = pointer.split('/').filter(Boolean).join('.');
  const what = pointer.endsWith('/transferId')
    ? record.groupId === null
      ? 'outside any group'
      : `in group ${record.groupId}`
    : `with a different ${field}`;
  return new DomainError(
    'transfer-id-conflict',
    `Transfer ${record.transferId} already exists ${what}.`,
    'conflict',
    pointer,
    { transferId: record.transferId, field },
  );
}

/** The recorded transfer when the request repeats it; a 409 naming the field otherwise. */
export function sameOrConflict(
  view: TransferView,
  request: TransferRequest,
  groupId: string | null,
  at: string,
): TransferView {
  const pointer = firstDifference(view.record, request, groupId, at);
  if (pointer !== undefined) throw transferIdConflict(view.record, pointer, request);
  return view;
}
