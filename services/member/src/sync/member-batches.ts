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
import { erasedPersons, knownMembers, type KnownMember } from '../members/directory-projection';
import {
  commandNewMember,
  derivedId,
  loadMember,
  memberCommand,
  prepareJoin,
  reserveMemberNumber,
  sealForMember,
  type NewMember,
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

/** A valid item with the ids derived from it. */
interface Entry {
  index: number;
  item: Item;
  memberId: string;
  personId: string;
}

/** What the directory knew of the batch's members and persons when the batch began. */
interface Lookup {
  members: Map<string, KnownMember>;
  erased: Set<string>;
}

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
  const results: ItemResult[] = new Array<ItemResult>(batch.items.length);
  const entries = checkItems(coopId, batch.items, results);
  const lookup = await lookUp(ctx, entries);
  for (let start = 0; start < entries.length; start += CONCURRENCY) {
    await Promise.all(
      entries.slice(start, start + CONCURRENCY).map(async (entry) => {
        results[entry.index] = await upsertItem(ctx, coopId, coop, entry, lookup, metadata);
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

/** Parses each item on its own; the invalid and repeated ones get their result here. */
function checkItems(coopId: string, items: readonly unknown[], results: ItemResult[]): Entry[] {
  const seen = new Set<string>();
  const entries: Entry[] = [];
  items.forEach((raw, index) => {
    const parsed = memberHttp.MemberBatchItem.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      results[index] = rejected(
        externalIdOf(raw),
        'invalid_item',
        issue.message,
        `/${issue.path.join('/')}`,
      );
    } else if (seen.has(parsed.data.externalId)) {
      results[index] = rejected(
        externalIdOf(raw),
        'duplicate_in_batch',
        'this external id appears earlier in the batch',
      );
    } else {
      const item = parsed.data;
      seen.add(item.externalId);
      const memberId = memberIdFor(coopId, item.externalId);
      entries.push({ index, item, memberId, personId: derivedId(memberId, 'person') });
    }
  });
  return entries;
}

/**
 * One directory query for the whole batch instead of a stream read per item. The directory
 * is first caught up with the whole log, so it is as fresh as those reads would have been;
 * and it only ever shortens the way: a member it does not know is created with an append
 * that expects an empty stream, so one created meanwhile is decided again from its stream.
 * Keys are made at once for the new persons (never for an erased one: it would come back).
 */
async function lookUp(ctx: MemberContext, entries: readonly Entry[]): Promise<Lookup> {
  await ctx.projections.directory.catchUp();
  const members = knownMembers(
    ctx.db,
    entries.map((e) => e.memberId),
  );
  const persons = entries.filter((e) => e.item.kind === 'person');
  const erased = erasedPersons(
    ctx.db,
    persons.map((e) => e.personId),
  );
  ctx.vault.ensureKeys(
    persons
      .filter((e) => !members.has(e.memberId) && !erased.has(e.personId))
      .map((e) => e.personId),
  );
  return { members, erased };
}

function memberIdFor(coopId: string, externalId: string): string {
  return derivedId(coopId, 'external', externalId);
}

async function upsertItem(
  ctx: MemberContext,
  coopId: string,
  coop: ParentView | null,
  entry: Entry,
  lookup: Lookup,
  metadata: EventMetadata,
): Promise<ItemResult> {
  const { item, memberId, personId } = entry;
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
    const known = lookup.members.get(memberId);
    if (!known) {
      const erased = lookup.erased.has(personId);
      if (await joinNew(ctx, coopId, coop, entry, erased, metadata))
        return { externalId: item.externalId, status: 'created', id: memberId };
    } else if (
      isUnchanged(
        { memberNumber: known.member_number, dataHash: known.data_hash, status: known.status },
        item,
        item.person && ctx.vault.dataHash(personId, item.person),
      )
    ) {
      return { externalId: item.externalId, status: 'unchanged', id: memberId };
    }
    return await upsertFromStream(ctx, coopId, coop, entry, metadata);
  } catch (error) {
    if (error instanceof DomainError)
      return rejected(item.externalId, error.code, error.message, error.pointer);
    throw error;
  }
}

/** The same member number, data and standing: resending the item changes nothing. */
function isUnchanged(
  member: { memberNumber?: string; dataHash?: string | null; status?: 'active' | 'left' },
  item: Item,
  dataHash: string | undefined,
): boolean {
  return (
    member.memberNumber === item.memberNumber &&
    (dataHash === undefined || dataHash === member.dataHash) &&
    (!item.left || member.status === 'left')
  );
}

/** Joins a member the directory did not know; false when it was created meanwhile. */
async function joinNew(
  ctx: MemberContext,
  coopId: string,
  coop: ParentView | null,
  { item, memberId, personId }: Entry,
  erased: boolean,
  metadata: EventMetadata,
): Promise<boolean> {
  const details = await prepareJoin(
    ctx,
    coopId,
    memberId,
    newMember(item, personId),
    metadata,
    coop,
    erased,
  );
  const events = await commandNewMember(
    ctx,
    memberId,
    { type: 'UpsertMember', ...details, leaving: leavingOf(item), personErased: false },
    { ...metadata, coopId },
  );
  return events !== undefined;
}

/** The upsert decided on the member's own stream: for changed members, and for races. */
async function upsertFromStream(
  ctx: MemberContext,
  coopId: string,
  coop: ParentView | null,
  { item, memberId, personId }: Entry,
  metadata: EventMetadata,
): Promise<ItemResult> {
  const { state } = await loadMember(ctx, memberId);
  const leaving = leavingOf(item);
  if (state.status) {
    const dataHash = item.person ? ctx.vault.dataHash(personId, item.person) : undefined;
    if (isUnchanged(state, item, dataHash))
      return { externalId: item.externalId, status: 'unchanged', id: memberId };
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
    newMember(item, personId),
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
}

function newMember(item: Item, personId: string): NewMember {
  return {
    memberNumber: item.memberNumber,
    externalId: item.externalId,
    joinedOn: item.joinedOn,
    membership:
      item.kind === 'person'
        ? { kind: 'person', person: item.person!, personId }
        : { kind: 'coop', memberCoopId: item.memberCoopId! },
  };
}

function leavingOf(item: Item): Extract<MemberCommand, { type: 'UpsertMember' }>['leaving'] {
  return item.left ? { reason: item.left.reason, leftOn: item.left.leftOn } : null;
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
