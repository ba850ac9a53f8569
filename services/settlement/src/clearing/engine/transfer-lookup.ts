import { invariant } from '@kopfed/domain';
import type { EventStore } from '@kopfed/eventstore';
import {
  groupStream,
  transferStream,
  type TransferEvent,
  type TransferGroupSubmitted,
  type TransferRecord,
} from '../model';
import { transferView, type TransferView } from '../transfer-view';

/** A transfer as the store has it: where it was created, and its state now. */
export interface FoundTransfer {
  view: TransferView;
  /** Revision of its own stream; undefined for a group leg nothing has happened to since. */
  revision: number | undefined;
}

const asTransferEvent = (event: { type: string; data: unknown }) => event as TransferEvent;

/** Reads a transfer: its own stream, and for a group leg the group that created it. */
export async function findTransfer(
  store: EventStore,
  transferId: string,
  groupOfLeg: (transferId: string) => string | undefined,
): Promise<FoundTransfer | undefined> {
  const own = (await store.readStream(transferStream(transferId))).map((e) => ({
    ...asTransferEvent(e),
    revision: e.revision,
  }));
  const revision = own.length === 0 ? undefined : own[own.length - 1]!.revision;
  const groupId = groupOfLeg(transferId);
  if (groupId !== undefined) {
    const group = await findGroup(store, groupId);
    const leg = group?.data.legs.find((l) => l.transfer.transferId === transferId);
    invariant(leg, `group ${groupId} has no leg ${transferId}`);
    return { view: transferView(leg.transfer, own, leg.batch?.batchId ?? null), revision };
  }
  const first = own[0];
  if (!first) return undefined;
  invariant(
    first.type === 'TransferReserved' || first.type === 'TransferPosted',
    `transfer ${transferId} starts with ${first.type}`,
  );
  const record: TransferRecord = first.data.transfer;
  const createdBatch = first.type === 'TransferPosted' ? first.data.batch.batchId : null;
  return { view: transferView(record, own.slice(1), createdBatch), revision };
}

export async function findGroup(
  store: EventStore,
  groupId: string,
): Promise<TransferGroupSubmitted | undefined> {
  const [first] = await store.readStream(groupStream(groupId), { maxCount: 1 });
  if (!first) return undefined;
  invariant(first.type === 'TransferGroupSubmitted', `group ${groupId} starts with ${first.type}`);
  return first as unknown as TransferGroupSubmitted;
}
