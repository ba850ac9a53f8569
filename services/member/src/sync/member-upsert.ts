import type { ItemResult } from '@kopfed/batch-sync';
import { DomainError, rejected as refused } from '@kopfed/domain';
import type { memberHttp } from '@kopfed/contracts';
import { jakartaBusinessDate, type EventMetadata } from '@kopfed/eventstore';
import type { z } from 'zod';
import type { ParentView } from '../coops/coop.decider';
import type { MemberContext } from '../context';
import { claimPersonInCoop, MemberOfAnotherPerson } from '../members/claims';
import type { MemberRow } from '../members/directory-projection';
import {
  claimExternalId,
  commandNewMember,
  FreshClaims,
  loadMember,
  memberCommand,
  prepareJoin,
  releaseReplacedClaims,
  reserveMemberNumber,
  sealForMember,
  type NewMember,
} from '../members/member-commands';
import {
  admitUpsert,
  supersededBatch,
  type LeftReason,
  type MemberCommand,
  type MemberState,
} from '../members/member.decider';
import { isMemberBusy } from '../members/member-writes';
import { movedInMembership, returningPerson } from './moved-in';

export type Item = z.output<typeof memberHttp.MemberBatchItem>;

/** A valid item of a batch with the ids derived from it. */
export interface Entry {
  index: number;
  item: Item;
  memberId: string;
  personId: string;
  /** The sequence of the batch the item came in. */
  sequence: number;
}

/** What a sync batch needs of a member that exists, to see whether an item changes it. */
export type SyncedMember = Pick<
  MemberRow,
  | 'member_id'
  | 'member_number'
  | 'external_id'
  | 'kind'
  | 'person_id'
  | 'member_coop_id'
  | 'joined_on'
  | 'status'
  | 'left_on'
  | 'left_reason'
  | 'data_hash'
>;

/** What the directory knew of the batch's members and persons when the batch began. */
export interface Lookup {
  members: Map<string, SyncedMember>;
  erased: Set<string>;
  /** The latest batch that named each known member (sync/batch-mentions.ts). */
  latestBatches: ReadonlyMap<string, number>;
}

/** A member as it stands, read from the directory or from its own stream. */
interface Standing {
  externalId?: string | null | undefined;
  kind?: 'person' | 'coop' | undefined;
  memberCoopId?: string | null | undefined;
  joinedOn?: string | undefined;
  memberNumber?: string | undefined;
  dataHash?: string | null | undefined;
  status?: 'active' | 'left' | undefined;
  leftOn?: string | null | undefined;
  leftReason?: LeftReason | null | undefined;
}

const fromRow = (row: SyncedMember): Standing => ({
  externalId: row.external_id,
  kind: row.kind,
  memberCoopId: row.member_coop_id,
  joinedOn: row.joined_on,
  memberNumber: row.member_number,
  dataHash: row.data_hash,
  status: row.status,
  leftOn: row.left_on,
  leftReason: row.left_reason,
});

const fromState = (state: MemberState): Standing => ({
  externalId: state.externalId,
  kind: state.membership?.kind,
  memberCoopId: state.membership?.kind === 'coop' ? state.membership.memberCoopId : null,
  joinedOn: state.joinedOn,
  memberNumber: state.memberNumber,
  dataHash: state.dataHash,
  status: state.status,
  leftOn: state.leftOn,
  leftReason: state.leftReason,
});

/**
 * One item of a sync batch: created, updated, unchanged or rejected with its problem. The
 * directory's answer only shortens the way; whatever it cannot settle is decided on the
 * member's own stream.
 */
export async function upsertItem(
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
    // Else a coop member joined ignoring the data, and its resend was refused for carrying it.
    if (item.kind === 'coop' && item.person)
      throw refused('personal_data_not_allowed', 'a coop member has no personal data', '/person');
    if (item.kind === 'person' && item.memberCoopId)
      throw refused(
        'member_coop_not_allowed',
        'a person member names no member coop',
        '/memberCoopId',
      );
    const row = lookup.members.get(memberId);
    const known = row && fromRow(row);
    // A batch filling its gap late: a later batch named this member, changed or confirmed it.
    // Asked first: what the late item says (even of what never changes) is no longer news.
    if (known && entry.sequence < (lookup.latestBatches.get(memberId) ?? 0))
      return { externalId: item.externalId, status: 'unchanged', id: memberId };
    if (known) refuseFixedChanges(known, item);
    if (known && isUnchanged(known, item, item.person && ctx.vault.dataHash(personId, item.person)))
      return { externalId: item.externalId, status: 'unchanged', id: memberId };
    try {
      return await inTurn(ctx, coopId, coop, entry, metadata, async (claims) => {
        if (!known) {
          const erased = lookup.erased.has(personId);
          if (await joinNew(ctx, coopId, coop, entry, erased, metadata, claims))
            return { externalId: item.externalId, status: 'created', id: memberId };
        }
        return upsertFromStream(ctx, coopId, coop, entry, metadata, claims);
      });
    } catch (error) {
      // A new external id whose NIK a member here holds: the coop naming its moved-in member.
      const isTakenNik = error instanceof DomainError && error.code === 'duplicate_nik';
      if (known || !isTakenNik || !item.person) throw error;
      const movedIn = await movedInMembership(ctx, coopId, item.externalId, item.person);
      if (movedIn) {
        const attaching = { ...entry, ...movedIn };
        return await inTurn(ctx, coopId, coop, attaching, metadata, (its) =>
          upsertFromStream(ctx, coopId, coop, attaching, metadata, its),
        );
      }
      // Or a person whose memberships here have all ended, coming back under a new id.
      const returning = await returningPerson(ctx, coopId, item.person, item.joinedOn);
      if (!returning) throw error;
      return await rejoin(ctx, coopId, coop, { ...entry, personId: returning }, metadata);
    }
  } catch (error) {
    // "Not yet" is no answer of the item's: the whole batch is sent again (member-batches.ts).
    if (error instanceof DomainError && !isMemberBusy(error))
      return rejected(item.externalId, error.code, error.message, error.pointer);
    throw error;
  }
}

/**
 * Runs `work` alone on the entry's member and, for a person, on its person (FreshClaims). A
 * member found to be another person's (joined meanwhile by hand under the member id the item
 * derives, naming an existing person) is decided on its stream again, in that person's turn.
 */
async function inTurn(
  ctx: MemberContext,
  coopId: string,
  coop: ParentView | null,
  entry: Entry,
  metadata: EventMetadata,
  work: (claims: FreshClaims) => Promise<ItemResult>,
): Promise<ItemResult> {
  const personId = entry.item.kind === 'person' ? entry.personId : undefined;
  const claims = new FreshClaims(ctx, entry.memberId, personId);
  try {
    return await claims.guard(() => work(claims));
  } catch (error) {
    if (!(error instanceof MemberOfAnotherPerson)) throw error;
    const its = new FreshClaims(ctx, entry.memberId, error.personId);
    const theirs = { ...entry, personId: error.personId };
    return await its.guard(() => upsertFromStream(ctx, coopId, coop, theirs, metadata, its));
  }
}

/** The fixed facts of a membership (see admitUpsert) against what the item says. */
function refuseFixedChanges(member: Standing, item: Item): void {
  admitUpsert(member, {
    kind: item.kind,
    memberCoopId: item.memberCoopId ?? null,
    joinedOn: item.joinedOn,
    left: leavingOf(item),
  });
}

/** The same external id, member number, data and standing: resending it changes nothing. */
function isUnchanged(member: Standing, item: Item, dataHash: string | undefined): boolean {
  return (
    member.externalId === item.externalId &&
    member.memberNumber === item.memberNumber &&
    (dataHash === undefined || dataHash === member.dataHash) &&
    (!item.left || member.status === 'left')
  );
}

/**
 * A returning person joins again: one active membership of the coop per person. Whether they
 * were erased is asked again in their turn: returningPerson asked outside it.
 */
async function rejoin(
  ctx: MemberContext,
  coopId: string,
  coop: ParentView | null,
  entry: Entry,
  metadata: EventMetadata,
): Promise<ItemResult> {
  return inTurn(ctx, coopId, coop, entry, metadata, async (claims) => {
    await claimPersonInCoop(ctx, coopId, entry.personId, entry.memberId, metadata, claims);
    if (await joinNew(ctx, coopId, coop, entry, undefined, metadata, claims))
      return { externalId: entry.item.externalId, status: 'created', id: entry.memberId };
    return upsertFromStream(ctx, coopId, coop, entry, metadata, claims);
  });
}

/**
 * Joins a member the directory did not know; false when it was created meanwhile. `erased`:
 * whether the person was erased, where the caller knows it as surely as a read in the turn
 * would (the batch's look-up, for the person of a member id no one has joined); undefined,
 * it is read in the turn.
 */
async function joinNew(
  ctx: MemberContext,
  coopId: string,
  coop: ParentView | null,
  entry: Entry,
  erased: boolean | undefined,
  metadata: EventMetadata,
  claims: FreshClaims,
): Promise<boolean> {
  const command = await joiningUpsert(ctx, coopId, coop, entry, metadata, claims, erased);
  const events = await commandNewMember(ctx, entry.memberId, command, { ...metadata, coopId });
  return events !== undefined;
}

/** The upsert that joins a new member, its NIK and number claimed. */
async function joiningUpsert(
  ctx: MemberContext,
  coopId: string,
  coop: ParentView | null,
  { item, memberId, personId, sequence }: Entry,
  metadata: EventMetadata,
  claims: FreshClaims,
  erased?: boolean,
): Promise<MemberCommand> {
  const details = await prepareJoin(
    ctx,
    coopId,
    memberId,
    newMember(item, personId),
    metadata,
    claims,
    coop,
    erased,
  );
  return {
    type: 'UpsertMember',
    ...details,
    leaving: leavingOf(item),
    personErased: false,
    batchSequence: sequence,
  };
}

/** The upsert decided on the member's own stream: for changed members, and for races. */
async function upsertFromStream(
  ctx: MemberContext,
  coopId: string,
  coop: ParentView | null,
  entry: Entry,
  metadata: EventMetadata,
  claims: FreshClaims,
): Promise<ItemResult> {
  const { item, memberId } = entry;
  const { state } = await loadMember(ctx, memberId);
  // The member's own person: one joined by hand may have named an existing person.
  claims.refuseOutOfTurn(state);
  const leaving = leavingOf(item);
  // A batch filling its gap late: what it says of this member, a later batch replaced.
  if (supersededBatch(state, entry.sequence))
    return { externalId: item.externalId, status: 'unchanged', id: memberId };
  if (state.status) {
    const personId =
      state.membership?.kind === 'person' ? state.membership.personId : entry.personId;
    refuseFixedChanges(fromState(state), item);
    const dataHash = item.person ? ctx.vault.dataHash(personId, item.person) : undefined;
    if (isUnchanged(fromState(state), item, dataHash))
      return { externalId: item.externalId, status: 'unchanged', id: memberId };
    // A membership the sync did not make (a person moved in) takes the coop's external id.
    if (!state.externalId)
      await claimExternalId(ctx, coopId, item.externalId, memberId, metadata, claims);
    if (state.memberNumber !== item.memberNumber)
      await reserveMemberNumber(ctx, coopId, item.memberNumber, memberId, metadata, claims);
    const corrected = { joinedOn: item.joinedOn, pointer: '/person/birthDate' };
    const personalData =
      item.person && dataHash !== state.dataHash
        ? await sealForMember(ctx, coopId, personId, item.person, corrected, metadata, claims)
        : null;
    const { events } = await memberCommand(
      ctx,
      memberId,
      upsert(coopId, { ...entry, personId }, coop, personalData, leaving, ctx.clock()),
      metadata,
    );
    // A renumbered member, or one whose NIK was corrected, gives the old ones back to the coop.
    await releaseReplacedClaims(ctx, memberId, state, metadata);
    // None when a batch at the same time recorded the very same change first.
    const status = events.length > 0 ? 'updated' : 'unchanged';
    return { externalId: item.externalId, status, id: memberId };
  }
  const command = await joiningUpsert(ctx, coopId, coop, entry, metadata, claims);
  await memberCommand(ctx, memberId, command, { ...metadata, coopId });
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
  { item, memberId, personId, sequence }: Entry,
  coop: ParentView | null,
  personalData: Extract<MemberCommand, { type: 'UpsertMember' }>['personalData'],
  leaving: Extract<MemberCommand, { type: 'UpsertMember' }>['leaving'],
  now: Date,
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
        ? { kind: 'person', personId }
        : { kind: 'coop', memberCoopId: item.memberCoopId! },
    personalData,
    coop: coop ?? { coopId, kind: 'primary', status: 'exited' },
    memberCoop: null,
    leaving,
    personErased: false,
    batchSequence: sequence,
    today: jakartaBusinessDate(now),
  };
}

export function rejected(
  externalId: string,
  code: string,
  detail: string,
  pointer?: string,
): ItemResult {
  return {
    externalId,
    status: 'rejected',
    problem: { code, detail, ...(pointer ? { pointer } : {}) },
  };
}
