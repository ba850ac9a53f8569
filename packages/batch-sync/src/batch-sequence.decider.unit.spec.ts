import fc from 'fast-check';
import {
  addSequence,
  batchSequenceDecider,
  syncStatus,
  type BatchSequenceEvent,
  type BatchSequenceState,
} from './batch-sequence.decider';

const outcome = { items: 10, created: 10, updated: 0, unchanged: 0, rejected: 0 };
const received = (sequence: number): BatchSequenceEvent => ({
  type: 'SyncBatchReceived',
  data: { sequence, receivedOn: '2026-05-01', ...outcome },
});
const given = (sequences: number[]): BatchSequenceState =>
  sequences.map(received).reduce(batchSequenceDecider.evolve, batchSequenceDecider.initialState());

describe('batch sequences', () => {
  it('records a new sequence once; a resent batch records nothing', () => {
    const command = {
      type: 'RecordSyncBatch' as const,
      sequence: 1,
      receivedOn: '2026-05-01',
      outcome,
    };
    expect(batchSequenceDecider.decide(command, given([]))).toEqual([received(1)]);
    expect(batchSequenceDecider.decide(command, given([1]))).toEqual([]);
  });

  it('accepts n+2 after n and reports n+1 as a gap until it arrives', () => {
    expect(syncStatus(given([1, 2, 4]))).toEqual({
      lastSequence: 4,
      batchesReceived: 3,
      gaps: [{ from: 3, to: 3 }],
      missingCount: 1,
    });
    expect(syncStatus(given([1, 2, 4, 3]))).toEqual({
      lastSequence: 4,
      batchesReceived: 4,
      gaps: [],
      missingCount: 0,
    });
    expect(syncStatus(given([5, 9]))).toEqual({
      lastSequence: 9,
      batchesReceived: 2,
      gaps: [
        { from: 1, to: 4 },
        { from: 6, to: 8 },
      ],
      missingCount: 7,
    });
    expect(syncStatus(given([]))).toEqual({
      lastSequence: null,
      batchesReceived: 0,
      gaps: [],
      missingCount: 0,
    });
  });

  it.each([0, -1, 1.5, 2 ** 31])('refuses sequence %p', (sequence) => {
    expect(() =>
      batchSequenceDecider.decide(
        { type: 'RecordSyncBatch', sequence, receivedOn: '2026-05-01', outcome },
        given([]),
      ),
    ).toThrow(/batch sequence/);
  });

  it('keeps ranges merged and reports exactly the missing numbers (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 80 }), (sequences) => {
        const ranges = sequences.reduce(
          (r, s) => addSequence(r, s),
          [] as ReturnType<typeof addSequence>,
        );
        const set = new Set(sequences);
        for (let i = 1; i < ranges.length; i++)
          expect(ranges[i]![0]).toBeGreaterThan(ranges[i - 1]![1] + 1);
        const status = syncStatus({ received: ranges, batches: set.size });
        const last = set.size === 0 ? 0 : Math.max(...set);
        const missing = Array.from({ length: last }, (_, i) => i + 1).filter((n) => !set.has(n));
        expect(status.missingCount).toBe(missing.length);
        expect(
          status.gaps.flatMap((g) =>
            Array.from({ length: g.to - g.from + 1 }, (_, i) => g.from + i),
          ),
        ).toEqual(missing);
      }),
    );
  });
});
