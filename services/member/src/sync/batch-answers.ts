import { v7 as uuidv7 } from 'uuid';
import type { ItemResult } from '@kopfed/batch-sync';
import { invariant } from '@kopfed/domain';
import type { EventMetadata } from '@kopfed/eventstore';
import type { MemberContext } from '../context';
import { streams } from '../stream-ids';

/**
 * What a sync batch answered for each item it upserted, kept so that a resend of the batch
 * answers as the first sending did (BRIEF §4): an item it rejected is rejected again, never
 * called unchanged. Items refused before any upsert (invalid, repeated in the batch) are not
 * kept: the resent body gives them the same answer again. No personal data: external ids,
 * member ids, statuses and problems, whose texts name member numbers, coops and membership
 * dates but never a person's data (the birth date, the NIK and the name stay sealed).
 */
export interface MemberBatchAnswered {
  type: 'MemberBatchAnswered';
  data: { coopId: string; sequence: number; items: ItemResult[] };
}

export const MEMBER_BATCH_ANSWERED = 'MemberBatchAnswered';

/**
 * Recorded before the batch's sequence, so a batch whose sequence is recorded has its answers:
 * a crash between the two leaves the sequence unrecorded, and the resend is applied afresh
 * (the stream then holds two answers; the last is the one the coop was given).
 */
export async function recordAnswers(
  ctx: MemberContext,
  coopId: string,
  sequence: number,
  items: ItemResult[],
  metadata: EventMetadata,
): Promise<void> {
  invariant(
    items.every((item) => item !== undefined),
    'every upserted item of a batch has its answer',
  );
  const data: MemberBatchAnswered['data'] = { coopId, sequence, items };
  await ctx.store.append(
    streams.memberBatch(coopId, sequence),
    [{ id: uuidv7(), type: MEMBER_BATCH_ANSWERED, schemaVersion: 1, data, metadata }],
    { expectedRevision: 'any' },
  );
}

/** The answers a batch was given, by external id; undefined for a batch kept without them. */
export async function answersOf(
  ctx: MemberContext,
  coopId: string,
  sequence: number,
): Promise<Map<string, ItemResult> | undefined> {
  const [last] = await ctx.store.readStream(streams.memberBatch(coopId, sequence), {
    direction: 'backwards',
    maxCount: 1,
  });
  if (!last) return undefined;
  const { items } = last.data as MemberBatchAnswered['data'];
  return new Map(items.map((item) => [item.externalId, item]));
}
