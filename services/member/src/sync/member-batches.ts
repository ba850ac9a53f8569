import {
  batchSequenceDecider,
  countResults,
  syncStatus,
  type BatchResult,
  type BatchSequenceEvent,
  type ItemResult,
} from '@kopfed/batch-sync';
import { DomainError } from '@kopfed/domain';
import { memberHttp } from '@kopfed/contracts';
import {
  handleCommand,
  loadAggregate,
  type EventMetadata,
  type RecordedEvent,
} from '@kopfed/eventstore';
import type { z } from 'zod';
import { coopView } from '../coops/coop-commands';
import type { ParentView } from '../coops/coop.decider';
import type { MemberContext } from '../context';
import {
  derivedId,
  loadMember,
  memberCommand,
  prepareJoin,
  reserveMemberNumber,
  sealForMember,
} from '../members/member-commands';
import type { MemberCommand } from '../members/member.decider';
import { streams } from '../stream-ids';

type Item = z.output<typeof memberHttp.MemberBatchItem>;

/**
 * Items upserted at once. All of a batch's items run together, so each step's appends (NIK
 * claims, member-number claims, member events) land in the same group commits: a handful of
 * fsyncs per batch instead of several per item. Bounded by the batch size (1,000).
 */
const CONCURRENCY = 1_000;

const asSyncEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as BatchSequenceEvent;

/**
 * A primary coop's batch of member upserts. Each item stands alone (a bad one is rejected
 * with its problem, the rest go through); each is idempotent on (coop, external id) for ever;
 * the batch's sequence number is recorded once, and a skipped number shows up as a gap.
 */
export async function syncMemberBatch(
  ctx: MemberContext,
  coopId: string,
  batch: { sequence: number; items: readonly unknown[] },
  metadata: EventMetadata,
): Promise<BatchResult> {
  const coop = await coopView(ctx, coopId);
  const parsed = batch.items.map((raw) => memberHttp.MemberBatchItem.safeParse(raw));
  const seen = new Set<string>();
  const results: ItemResult[] = new Array<ItemResult>(parsed.length);
  const work: Array<{ index: number; item: Item }> = [];
  parsed.forEach((p, index) => {
    const externalId = externalIdOf(batch.items[index]);
    if (!p.success) {
      const issue = p.error.issues[0]!;
      results[index] = rejected(
        externalId,
        'invalid_item',
        issue.message,
        `/${issue.path.join('/')}`,
      );
    } else if (seen.has(p.data.externalId)) {
      results[index] = rejected(
        externalId,
        'duplicate_in_batch',
        'this external id appears earlier in the batch',
      );
    } else {
      seen.add(p.data.externalId);
      work.push({ index, item: p.data });
    }
  });
  const personIds = work
    .filter((w) => w.item.kind === 'person')
    .map((w) => personIdFor(coopId, w.item.externalId));
  ctx.vault.ensureKeys(personIds);
  for (let start = 0; start < work.length; start += CONCURRENCY) {
    await Promise.all(
      work.slice(start, start + CONCURRENCY).map(async ({ index, item }) => {
        results[index] = await upsertItem(ctx, coopId, coop, item, metadata);
      }),
    );
  }
  const counts = countResults(results);
  const recorded = await handleCommand(ctx.store, {
    stream: streams.memberSync(coopId),
    decider: batchSequenceDecider,
    command: {
      type: 'RecordSyncBatch',
      sequence: batch.sequence,
      receivedOn: ctx.clock().toISOString().slice(0, 10),
      outcome: { items: results.length, ...counts },
    },
    metadata,
    upcast: asSyncEvent,
  });
  return {
    sequence: batch.sequence,
    duplicateSequence: recorded.events.length === 0,
    results,
    counts,
  };
}

export async function memberSyncStatus(ctx: MemberContext, coopId: string) {
  const { state } = await loadAggregate(
    ctx.store,
    streams.memberSync(coopId),
    batchSequenceDecider,
    asSyncEvent,
  );
  return syncStatus(state);
}

function personIdFor(coopId: string, externalId: string): string {
  return derivedId(memberIdFor(coopId, externalId), 'person');
}

function memberIdFor(coopId: string, externalId: string): string {
  return derivedId(coopId, 'external', externalId);
}

async function upsertItem(
  ctx: MemberContext,
  coopId: string,
  coop: ParentView | null,
  item: Item,
  metadata: EventMetadata,
): Promise<ItemResult> {
  const memberId = memberIdFor(coopId, item.externalId);
  const personId = personIdFor(coopId, item.externalId);
  try {
    if (item.kind === 'person' && !item.person)
      throw new DomainError(
        'personal_data_required',
        'a person needs personal data',
        'rejected',
        '/person',
      );
    if (item.kind === 'coop' && !item.memberCoopId)
      throw new DomainError(
        'member_coop_required',
        'a coop member names the coop',
        'rejected',
        '/memberCoopId',
      );
    const { state } = await loadMember(ctx, memberId);
    const leaving = item.left ? { reason: item.left.reason, leftOn: item.left.leftOn } : null;
    if (state.status) {
      const dataHash = item.person ? ctx.vault.dataHash(personId, item.person) : undefined;
      const same =
        state.memberNumber === item.memberNumber &&
        (dataHash === undefined || dataHash === state.dataHash) &&
        (!leaving || state.status === 'left');
      if (same) return { externalId: item.externalId, status: 'unchanged', id: memberId };
      if (state.memberNumber !== item.memberNumber)
        await reserveMemberNumber(ctx, coopId, item.memberNumber, memberId, metadata);
      const personalData =
        item.person && dataHash !== state.dataHash
          ? await sealForMember(ctx, coopId, personId, item.person, metadata)
          : null;
      await memberCommand(
        ctx,
        memberId,
        upsert(coopId, memberId, item, coop, personalData, leaving),
        metadata,
      );
      return { externalId: item.externalId, status: 'updated', id: memberId };
    }
    const details = await prepareJoin(
      ctx,
      coopId,
      memberId,
      {
        memberNumber: item.memberNumber,
        externalId: item.externalId,
        joinedOn: item.joinedOn,
        membership:
          item.kind === 'person'
            ? { kind: 'person', person: item.person!, personId }
            : { kind: 'coop', memberCoopId: item.memberCoopId! },
      },
      metadata,
      coop,
    );
    await memberCommand(
      ctx,
      memberId,
      { type: 'UpsertMember', ...details, leaving, personErased: false },
      { ...metadata, coopId },
    );
    return { externalId: item.externalId, status: 'created', id: memberId };
  } catch (error) {
    if (error instanceof DomainError)
      return rejected(item.externalId, error.code, error.message, error.pointer);
    throw error;
  }
}

function upsert(
  coopId: string,
  memberId: string,
  item: Item,
  coop: ParentView | null,
  personalData: Extract<MemberCommand, { type: 'UpsertMember' }>['personalData'],
  leaving: Extract<MemberCommand, { type: 'UpsertMember' }>['leaving'],
): MemberCommand {
  return {
    type: 'UpsertMember',
    memberId,
    coopId,
    memberNumber: item.memberNumber,
    externalId: item.externalId,
    joinedOn: item.joinedOn,
    membership:
      item.kind === 'person'
        ? { kind: 'person', personId: derivedId(memberId, 'person') }
        : { kind: 'coop', memberCoopId: item.memberCoopId! },
    personalData,
    coop: coop ?? { coopId, kind: 'primary', status: 'exited' },
    memberCoop: null,
    leaving,
    personErased: false,
  };
}

function rejected(externalId: string, code: string, detail: string, pointer?: string): ItemResult {
  return {
    externalId,
    status: 'rejected',
    problem: { code, detail, ...(pointer ? { pointer } : {}) },
  };
}

function externalIdOf(raw: unknown): string {
  const value = (raw as { externalId?: unknown } | null)?.externalId;
  return typeof value === 'string' ? value.slice(0, 64) : '';
}
