import type { Logger } from 'pino';
import {
  batchSequenceDecider,
  countResults,
  hasSequence,
  syncStatus,
  type BatchResult,
  type BatchSequenceEvent,
  type ItemResult,
} from '@kopfed/batch-sync';
import { memberHttp } from '@kopfed/contracts';
import { notFound } from '@kopfed/domain';
import {
  handleCommand,
  jakartaBusinessDate,
  loadAggregate,
  type EventMetadata,
  type RecordedEvent,
} from '@kopfed/eventstore';
import { coopView } from '../coops/coop-commands';
import type { MemberContext } from '../context';
import { erasedPersons } from '../members/directory-projection';
import { derivedId } from '../members/member-commands';
import { isMemberBusy } from '../members/member-writes';
import { stmt } from '../sql';
import { streams } from '../stream-ids';
import { answersOf, recordAnswers } from './batch-answers';
import { latestBatches } from './batch-mentions';
import { rejected, upsertItem, type Entry, type Lookup, type SyncedMember } from './member-upsert';
import { oneBatchAtATime, type BatchLease } from './one-batch-at-a-time';

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
  logger?: Pick<Logger, 'warn'>,
): Promise<BatchResult> {
  return oneBatchAtATime(
    ctx.store,
    coopId,
    (lease) => applyBatch(ctx, coopId, batch, metadata, lease),
    logger,
  );
}

/** Run holding the coop's batch lease: no other batch of the coop reads or writes meanwhile. */
async function applyBatch(
  ctx: MemberContext,
  coopId: string,
  batch: { sequence: number; items: readonly unknown[] },
  metadata: EventMetadata,
  lease: BatchLease,
): Promise<BatchResult> {
  const coop = await coopView(ctx, coopId);
  if (!coop) throw notFound('coop_not_found', `coop ${coopId} is not registered`);
  const results: ItemResult[] = new Array<ItemResult>(batch.items.length);
  const checked = checkItems(coopId, batch, results);
  // A resent batch is answered, never applied again: its items may be older than the
  // members' latest values, and applying them would undo the batches that came after it.
  const sequences = await loadSequences(ctx, coopId);
  // Caught up with the whole log: as fresh as reading each member's stream would be.
  await Promise.all([ctx.projections.directory.catchUp(), ctx.projections.batchMentions.catchUp()]);
  const { entries, members } = knownMembers(ctx.db, coopId, checked);
  if (hasSequence(sequences.received, batch.sequence)) {
    const answers = await answersOf(ctx, coopId, batch.sequence);
    answerResent(batch.sequence, entries, members, answers, results);
    return {
      sequence: batch.sequence,
      duplicateSequence: true,
      results,
      counts: countResults(results),
    };
  }
  const lookup = lookUp(ctx, entries, members);
  for (let start = 0; start < entries.length; start += CONCURRENCY) {
    const failures: unknown[] = [];
    await Promise.all(
      entries.slice(start, start + CONCURRENCY).map(async (entry) => {
        try {
          results[entry.index] = await upsertItem(ctx, coopId, coop, entry, lookup, metadata);
        } catch (error) {
          failures.push(error);
        }
      }),
    );
    if (failures.length > 0) throw notAnswered(failures);
  }
  const counts = countResults(results);
  const answers = entries.map((entry) => results[entry.index]!);
  // Fenced: a batch that lost the lease (its renewals failed, or stalled past the TTL) must not
  // record its answers or its sequence over those of the batch that took the lease over.
  await lease.confirm();
  await recordAnswers(ctx, coopId, batch.sequence, answers, metadata);
  await lease.confirm();
  const recorded = await handleCommand(ctx.store, {
    stream: streams.memberSync(coopId),
    decider: batchSequenceDecider,
    command: {
      type: 'RecordSyncBatch',
      sequence: batch.sequence,
      receivedOn: jakartaBusinessDate(ctx.clock()),
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

/**
 * Why a batch is answered without its items' answers: an item failed (a 500), or a member of
 * one was held up past its wait (member_busy, 409 with Retry-After). Thrown only once every
 * item has settled, so nothing of the batch still writes when the lease goes to the next one.
 * Nothing is recorded for the sequence and the pipeline keeps no answer under the
 * Idempotency-Key, so the batch sent again is applied, as one that lost its lease is.
 *
 * The resend's answers are still each item's true answer. Every item has run its one member
 * command whole or not at all: a busy one never began its work (what an earlier step of it
 * claimed was given back), and the others finished. An item applied the first time is found
 * as it says and answered `unchanged` with its member's id, as the resend of a recorded batch
 * answers it (answerResent); the busy item is applied now; a refused item is refused again on
 * the same grounds. Only the counts tell the two sendings apart (created or updated becomes
 * unchanged), and the answers then kept are the resend's. An error other than member_busy is
 * the one thrown: it is a fault to log, not a wait.
 */
function notAnswered(failures: readonly unknown[]): unknown {
  return failures.find((error) => !isMemberBusy(error)) ?? failures[0];
}

async function loadSequences(ctx: MemberContext, coopId: string) {
  const { state } = await loadAggregate(
    ctx.store,
    streams.memberSync(coopId),
    batchSequenceDecider,
    asSyncEvent,
  );
  return state;
}

/**
 * The reply to a batch received before, which changes nothing: an item the first sending
 * rejected is rejected again with its problem, and a member an item made or named is
 * unchanged. A batch kept without its answers (recorded before they were kept) or an item
 * that was not in it: a member it names is unchanged; an item that made no member then makes
 * none now, and says why.
 */
function answerResent(
  sequence: number,
  entries: readonly Entry[],
  members: ReadonlyMap<string, SyncedMember>,
  answers: ReadonlyMap<string, ItemResult> | undefined,
  results: ItemResult[],
): void {
  for (const { index, item, memberId } of entries) {
    const answered = answers?.get(item.externalId);
    if (answered?.status === 'rejected') results[index] = answered;
    else if (answered || members.has(memberId))
      results[index] = {
        externalId: item.externalId,
        status: 'unchanged',
        id: answered?.id ?? memberId,
      };
    else
      results[index] = rejected(
        item.externalId,
        'batch_already_received',
        `batch ${sequence} was received before and is not applied again; send new items in a batch with a new sequence`,
      );
  }
}

export async function memberSyncStatus(ctx: MemberContext, coopId: string) {
  return syncStatus(await loadSequences(ctx, coopId));
}

/** Parses each item on its own; the invalid and repeated ones get their result here. */
function checkItems(
  coopId: string,
  { sequence, items }: { sequence: number; items: readonly unknown[] },
  results: ItemResult[],
): Entry[] {
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
      entries.push({ index, item, memberId, personId: derivedId(memberId, 'person'), sequence });
    }
  });
  return entries;
}

/**
 * The members the directory knows for the batch's items, in two queries for up to 1,000
 * items: by the member id each external id derives, then by the external id itself for the
 * rest. A member the coop's sync did not make (a person moved in) takes the coop's external
 * id when first synced (see movedInMembership) and is found under it ever after: its items
 * are turned to it. The directory only shortens the way: a member it does not know is
 * created with an append that expects an empty stream, so one created meanwhile is decided
 * again from its stream.
 */
function knownMembers(
  db: MemberContext['db'],
  coopId: string,
  checked: readonly Entry[],
): { entries: Entry[]; members: Map<string, SyncedMember> } {
  const members = syncedMembers(
    db,
    checked.map((e) => e.memberId),
  );
  // A member joined by hand may name an existing person: its person is the row's, not derived.
  const direct = checked.map((entry) => {
    const personId = members.get(entry.memberId)?.person_id;
    return personId && personId !== entry.personId ? { ...entry, personId } : entry;
  });
  const unknown = direct.filter((e) => !members.has(e.memberId));
  if (unknown.length === 0) return { entries: direct, members };
  const attached = new Map(
    // Without INDEXED BY the planner serves the ORDER BY from members_by_coop and reads every
    // member of the coop, each batch: a first sync of n members would read n²/2000 rows.
    stmt<[string, string], SyncedMember & { external_id: string }>(
      db,
      `SELECT ${SYNCED_COLUMNS} FROM members INDEXED BY members_by_external_id
        WHERE coop_id = ? AND external_id IN (SELECT value FROM json_each(?))
        ORDER BY member_id DESC`,
    )
      .all(coopId, JSON.stringify(unknown.map((e) => e.item.externalId)))
      .map((row) => [row.external_id, row]),
  );
  const entries = direct.map((entry) => {
    const row = members.has(entry.memberId) ? undefined : attached.get(entry.item.externalId);
    if (!row) return entry;
    members.set(row.member_id, row);
    const personId = row.person_id ?? derivedId(row.member_id, 'person');
    return { ...entry, memberId: row.member_id, personId };
  });
  return { entries, members };
}

/**
 * What the batch's upserts need to know of its members and persons. Keys are made at once
 * for the new persons (never for an erased one: it would come back).
 */
function lookUp(
  ctx: MemberContext,
  entries: readonly Entry[],
  members: Map<string, SyncedMember>,
): Lookup {
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
  return { members, erased, latestBatches: latestBatches(ctx.db, [...members.keys()]) };
}

const SYNCED_COLUMNS = `member_id, member_number, external_id, kind, person_id, member_coop_id,
  joined_on, status, left_on, left_reason, data_hash`;

/** The members among `memberIds` in the directory, in one query (a batch's 1,000 at once). */
function syncedMembers(
  db: MemberContext['db'],
  memberIds: readonly string[],
): Map<string, SyncedMember> {
  const rows = stmt<[string], SyncedMember>(
    db,
    `SELECT ${SYNCED_COLUMNS} FROM members WHERE member_id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(memberIds));
  return new Map(rows.map((row) => [row.member_id, row]));
}

function memberIdFor(coopId: string, externalId: string): string {
  return derivedId(coopId, 'external', externalId);
}

function externalIdOf(raw: unknown): string {
  const value = (raw as { externalId?: unknown } | null)?.externalId;
  return typeof value === 'string' ? value.slice(0, 64) : '';
}
