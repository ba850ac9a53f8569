import type { EventStore } from '@kopfed/eventstore';
import { AUDIT_STREAMS, CheckpointEventData } from '../checkpoints/checkpoint';
import type { ReplayCheckpoint } from './replay-books';

/**
 * The latest signed checkpoint of a service's own store, through the EventStore port: what a
 * statement (a trial balance, a settlement statement) names as the checkpoint it was computed
 * at, so that an auditor can prove the events behind it against a signed Merkle root. `null`
 * until the sealer has signed one.
 */
export async function latestCheckpointOf(
  store: EventStore,
  storeName: string,
): Promise<ReplayCheckpoint | null> {
  const [last] = await store.readStream(AUDIT_STREAMS.checkpoints(storeName), {
    direction: 'backwards',
    maxCount: 1,
  });
  if (!last) return null;
  const parsed = CheckpointEventData.safeParse(last.data);
  if (!parsed.success) return null;
  const { statement, signature } = parsed.data;
  return {
    sequence: statement.sequence,
    lastPosition: statement.lastPosition,
    merkleRoot: statement.merkleRoot,
    signedAt: statement.signedAt,
    keyId: signature.keyId,
  };
}
