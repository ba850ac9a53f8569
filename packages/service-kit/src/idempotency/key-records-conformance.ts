import { WrongExpectedRevisionError } from '@kopfed/eventstore';
import type { IdempotencyEvent } from './idempotency-record';
import { UNUSED_KEY, type KeyRecords } from './key-records';

/** What the suite needs from an adapter: fresh, empty records, and a way to let them go. */
export interface KeyRecordsUnderTest {
  name: string;
  open(): Promise<{ records: KeyRecords; close(): Promise<void> }>;
}

const FINGERPRINT = { method: 'POST', target: '/api/x/v1/things', bodySha256: 'ab'.repeat(32) };
const CALLER = { keyId: 'key-1', role: 'coop' as const };

export const claimed = (at = '2026-03-01T00:00:00.000Z'): IdempotencyEvent => ({
  type: 'IdempotencyKeyClaimed',
  data: { fingerprint: FINGERPRINT, claimedAt: at, owner: 'run-1', caller: CALLER },
});

export const recorded: IdempotencyEvent = {
  type: 'IdempotentResponseRecorded',
  data: {
    response: { status: 201, body: { id: 't-1', amount: '1500000' }, headers: { ETag: '"0"' } },
    recordedAt: '2026-03-01T00:00:01.000Z',
  },
};

/** The one suite every kind of idempotency records passes. */
export function describeKeyRecordsConformance(target: KeyRecordsUnderTest): void {
  describe(`idempotency key records: ${target.name}`, () => {
    let opened: Awaited<ReturnType<KeyRecordsUnderTest['open']>>;
    let records: KeyRecords;
    beforeEach(async () => {
      opened = await target.open();
      records = opened.records;
    });
    afterEach(() => opened.close());

    it('finds an unused key free, at no revision', async () => {
      expect(await records.load('idempotency-unused')).toEqual(UNUSED_KEY);
    });

    it('keeps a claim, then its response, each at the next revision', async () => {
      const claim = await records.append('idempotency-a', UNUSED_KEY, [claimed()]);
      expect(claim.revision).toBe(0);
      expect(await records.load('idempotency-a')).toEqual(claim);
      expect(claim.state).toEqual({
        status: 'claimed',
        fingerprint: FINGERPRINT,
        caller: CALLER,
        claimedAtMs: Date.parse('2026-03-01T00:00:00.000Z'),
        owner: 'run-1',
      });
      const answered = await records.append('idempotency-a', claim, [recorded]);
      expect(await records.load('idempotency-a')).toEqual(answered);
      expect([answered.revision, answered.state.status]).toEqual([1, 'recorded']);
    });

    it('keeps a claim and its response appended together', async () => {
      const both = await records.append('idempotency-b', UNUSED_KEY, [claimed(), recorded]);
      expect(both.revision).toBe(1);
      expect(await records.load('idempotency-b')).toEqual(both);
    });

    it('refuses a record after a version that is no longer the key’s, changing nothing', async () => {
      const claim = await records.append('idempotency-c', UNUSED_KEY, [claimed()]);
      await expect(records.append('idempotency-c', UNUSED_KEY, [claimed()])).rejects.toThrow(
        WrongExpectedRevisionError,
      );
      const answered = await records.append('idempotency-c', claim, [recorded]);
      await expect(records.append('idempotency-c', claim, [recorded])).rejects.toThrow(
        WrongExpectedRevisionError,
      );
      expect(await records.load('idempotency-c')).toEqual(answered);
    });

    it('lets exactly one of two concurrent claimants win', async () => {
      const outcomes = await Promise.allSettled([
        records.append('idempotency-d', UNUSED_KEY, [claimed('2026-03-01T00:00:00.000Z')]),
        records.append('idempotency-d', UNUSED_KEY, [claimed('2026-03-01T00:00:05.000Z')]),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await records.load('idempotency-d')).toEqual(won[0]!.value);
    });

    it('keeps keys apart', async () => {
      await records.append('idempotency-e', UNUSED_KEY, [claimed(), recorded]);
      expect(await records.load('idempotency-f')).toEqual(UNUSED_KEY);
    });
  });
}
