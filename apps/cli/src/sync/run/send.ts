import { sendSyncBatch, type BatchResult, type KopfedClient, type SyncStream } from '@kopfed/sdk';
import { batchKey, type Plan, type PlannedItem } from './plan';
import { saveState, type SyncState } from './state-file';
import { crashIfArmed } from './test-crash';

export interface SendOptions<S extends SyncStream> {
  client: KopfedClient;
  plan: Plan<S>;
  statePath: string;
  state: SyncState;
  now: () => Date;
  onBatch: (state: SyncState) => void;
}

/**
 * Sends the batches not yet acknowledged, in order, one at a time. A batch counts as sent
 * only once the server's 200 with a result for each item is in hand and the new state is on
 * disk; until then the next run sends it again, with the same sequence and key.
 */
export async function sendRemaining<S extends SyncStream>(
  options: SendOptions<S>,
): Promise<SyncState> {
  const { client, plan, statePath } = options;
  let state = options.state;
  for (let index = state.acknowledged; index < plan.batches.length; index++) {
    const batch = plan.batches[index]!;
    const body = { sequence: state.firstSequence + index, items: batch.map((p) => p.item) };
    const result = await sendSyncBatch(
      client,
      plan.stream,
      state.coopId,
      body,
      batchKey(plan.stream, body),
    );
    assertAnswers(result, body.sequence, batch);
    crashIfArmed('answered', index + 1);
    state = acknowledge(state, index, result, batch, options.now());
    saveState(statePath, state);
    crashIfArmed('recorded', index + 1);
    options.onBatch(state);
  }
  return state;
}

/** The server answered this very batch: its sequence, and one result per item, in order. */
function assertAnswers(
  result: BatchResult,
  sequence: number,
  batch: readonly PlannedItem<SyncStream>[],
): void {
  const sameItems =
    result.results.length === batch.length &&
    result.results.every((r, i) => r.externalId === batch[i]!.item.externalId);
  if (result.sequence !== sequence || !sameItems) {
    throw new Error(
      `the server's answer to batch ${sequence} does not match the batch sent; stopping`,
    );
  }
}

function acknowledge(
  state: SyncState,
  index: number,
  result: BatchResult,
  batch: readonly PlannedItem<SyncStream>[],
  now: Date,
): SyncState {
  if (index !== state.acknowledged) throw new Error(`batch ${index} acknowledged out of order`);
  const rejected = result.results.flatMap((r, i) =>
    r.status === 'rejected'
      ? [
          {
            line: batch[i]!.line,
            externalId: r.externalId,
            code: r.problem?.code ?? 'rejected',
            detail: r.problem?.detail ?? '',
          },
        ]
      : [],
  );
  const c = state.counts;
  const done = index + 1 === state.batchCount;
  return {
    ...state,
    acknowledged: index + 1,
    counts: {
      created: c.created + result.counts.created,
      updated: c.updated + result.counts.updated,
      unchanged: c.unchanged + result.counts.unchanged,
      rejected: c.rejected + result.counts.rejected,
    },
    serverRejections: [...state.serverRejections, ...rejected],
    updatedAt: now.toISOString(),
    completedAt: done ? now.toISOString() : null,
  };
}
