import type { ItemResult } from '@kopfed/batch-sync';
import { DomainError } from '@kopfed/domain';
import type { memberHttp } from '@kopfed/contracts';
import type { EventMetadata } from '@kopfed/eventstore';
import type { z } from 'zod';
import type { ParentView } from '../coops/coop.decider';
import type { MemberContext } from '../context';
import type { KnownMember } from '../members/directory-projection';
import {
  commandNewMember,
  derivedId,
  FreshClaims,
  loadMember,
  memberCommand,
  prepareJoin,
  reserveMemberNumber,
  sealForMember,
  type NewMember,
} from '../members/member-commands';
import type { MemberCommand } from '../members/member.decider';

export type Item = z.output<typeof memberHttp.MemberBatchItem>;

/** A valid item of a batch with the ids derived from it. */
export interface Entry {
  index: number;
  item: Item;
  memberId: string;
  personId: string;
}

/** What the directory knew of the batch's members and persons when the batch began. */
export interface Lookup {
  members: Map<string, KnownMember>;
  erased: Set<string>;
}

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
    const known = lookup.members.get(memberId);
    if (
      known &&
      isUnchanged(
        { memberNumber: known.member_number, dataHash: known.data_hash, status: known.status },
        item,
        item.person && ctx.vault.dataHash(personId, item.person),
      )
    ) {
      return { externalId: item.externalId, status: 'unchanged', id: memberId };
    }
    const claims = new FreshClaims(ctx, memberId);
    return await claims.guard(async (): Promise<ItemResult> => {
      if (!known) {
        const erased = lookup.erased.has(personId);
        if (await joinNew(ctx, coopId, coop, entry, erased, metadata, claims))
          return { externalId: item.externalId, status: 'created', id: memberId };
      }
      return upsertFromStream(ctx, coopId, coop, entry, metadata, claims);
    });
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
  entry: Entry,
  erased: boolean,
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
  { item, memberId, personId }: Entry,
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
  return { type: 'UpsertMember', ...details, leaving: leavingOf(item), personErased: false };
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
  const { item, memberId, personId } = entry;
  const { state } = await loadMember(ctx, memberId);
  const leaving = leavingOf(item);
  if (state.status) {
    const dataHash = item.person ? ctx.vault.dataHash(personId, item.person) : undefined;
    if (isUnchanged(state, item, dataHash))
      return { externalId: item.externalId, status: 'unchanged', id: memberId };
    if (state.memberNumber !== item.memberNumber)
      await reserveMemberNumber(ctx, coopId, item.memberNumber, memberId, metadata, claims);
    const personalData =
      item.person && dataHash !== state.dataHash
        ? await sealForMember(ctx, coopId, personId, item.person, metadata, claims)
        : null;
    await memberCommand(
      ctx,
      memberId,
      upsert(coopId, memberId, item, coop, personalData, leaving),
      metadata,
    );
    return { externalId: item.externalId, status: 'updated', id: memberId };
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
