import type { DomainEvent } from '@kopfed/domain';
import type { MoneyJson } from '../shared/money';

/** A settlement payment as the coop's own system recorded it. */
export interface OwnRecord {
  recordId: string;
  reference: string;
  direction: 'paid' | 'received';
  amount: MoneyJson;
  date: string;
}

export type OwnSettlementRecorded = DomainEvent<
  'OwnSettlementRecorded',
  { coopId: string; record: OwnRecord; recordedAt: string }
>;

export type ItemResult =
  | { recordId: string; status: 'created' | 'unchanged' }
  | { recordId: string; status: 'conflict'; detail: string };

export const ownRecordsStream = (coopId: string): string => `ownrecords-${coopId}`;

export function foldRecords(events: readonly OwnSettlementRecorded[]): Map<string, OwnRecord> {
  return new Map(events.map((e) => [e.data.record.recordId, e.data.record]));
}

const same = (a: OwnRecord, b: OwnRecord) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A bulk of the coop's records, item by item (BRIEF §7): a new id is recorded, the same
 * record again changes nothing, a different one under a known id is refused alone.
 */
export function decideRecords(
  known: ReadonlyMap<string, OwnRecord>,
  coopId: string,
  records: readonly OwnRecord[],
  now: string,
): { events: OwnSettlementRecorded[]; results: ItemResult[] } {
  const seen = new Map(known);
  const events: OwnSettlementRecorded[] = [];
  const results = records.map((record): ItemResult => {
    const before = seen.get(record.recordId);
    if (before) {
      return same(before, record)
        ? { recordId: record.recordId, status: 'unchanged' }
        : {
            recordId: record.recordId,
            status: 'conflict',
            detail: `Record ${record.recordId} was sent before with other fields.`,
          };
    }
    seen.set(record.recordId, record);
    events.push({ type: 'OwnSettlementRecorded', data: { coopId, record, recordedAt: now } });
    return { recordId: record.recordId, status: 'created' };
  });
  return { events, results };
}
