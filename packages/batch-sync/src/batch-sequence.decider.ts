import { rejected, type Decider } from '@kopfed/domain';

/**
 * Each primary coop numbers its sync batches 1, 2, 3… per stream of data (members, savings
 * transactions, loans). Resending a batch is harmless (its items are idempotent upserts and
 * the sequence is recorded once); a batch that skips numbers is accepted and the skipped
 * numbers are reported as gaps until they arrive.
 */
export const MAX_SEQUENCE = 2_147_483_647;

/** Received sequences as sorted, disjoint, non-adjacent inclusive ranges. */
export type SequenceRanges = ReadonlyArray<readonly [number, number]>;

export interface BatchSequenceState {
  received: SequenceRanges;
  batches: number;
}

export interface BatchOutcome {
  items: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export type BatchSequenceEvent = {
  type: 'SyncBatchReceived';
  data: { sequence: number; receivedOn: string } & BatchOutcome;
};
export type BatchSequenceCommand = {
  type: 'RecordSyncBatch';
  sequence: number;
  receivedOn: string;
  outcome: BatchOutcome;
};

export const batchSequenceDecider: Decider<
  BatchSequenceState,
  BatchSequenceCommand,
  BatchSequenceEvent
> = {
  initialState: () => ({ received: [], batches: 0 }),
  evolve: (state, event) => ({
    received: addSequence(state.received, event.data.sequence),
    batches: state.batches + 1,
  }),
  decide(command, state) {
    if (
      !Number.isInteger(command.sequence) ||
      command.sequence < 1 ||
      command.sequence > MAX_SEQUENCE
    ) {
      throw rejected(
        'bad_sequence',
        `a batch sequence is a whole number from 1 to ${MAX_SEQUENCE}`,
        '/sequence',
      );
    }
    if (hasSequence(state.received, command.sequence)) return [];
    return [
      {
        type: 'SyncBatchReceived',
        data: { sequence: command.sequence, receivedOn: command.receivedOn, ...command.outcome },
      },
    ];
  },
};

export function hasSequence(ranges: SequenceRanges, sequence: number): boolean {
  return ranges.some(([from, to]) => from <= sequence && sequence <= to);
}

export function addSequence(ranges: SequenceRanges, sequence: number): SequenceRanges {
  if (hasSequence(ranges, sequence)) return ranges;
  const merged: Array<[number, number]> = [];
  let pending: [number, number] = [sequence, sequence];
  let placed = false;
  for (const [from, to] of ranges) {
    if (to < pending[0] - 1) merged.push([from, to]);
    else if (from > pending[1] + 1) {
      if (!placed) merged.push(pending);
      placed = true;
      merged.push([from, to]);
    } else pending = [Math.min(from, pending[0]), Math.max(to, pending[1])];
  }
  if (!placed) merged.push(pending);
  return merged.sort((a, b) => a[0] - b[0]);
}

export interface SyncStatus {
  lastSequence: number | null;
  batchesReceived: number;
  /** Missing sequences below the last one, as inclusive ranges. */
  gaps: Array<{ from: number; to: number }>;
  missingCount: number;
}

export function syncStatus(state: BatchSequenceState): SyncStatus {
  const ranges = state.received;
  const gaps: Array<{ from: number; to: number }> = [];
  let expected = 1;
  for (const [from, to] of ranges) {
    if (from > expected) gaps.push({ from: expected, to: from - 1 });
    expected = to + 1;
  }
  return {
    lastSequence: ranges.length === 0 ? null : ranges[ranges.length - 1]![1],
    batchesReceived: state.batches,
    gaps,
    missingCount: gaps.reduce((n, g) => n + g.to - g.from + 1, 0),
  };
}
