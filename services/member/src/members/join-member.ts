import { v7 as uuidv7 } from 'uuid';
import { conflict, DomainError, rejected } from '@kopfed/domain';
import { handleCommand, type EventMetadata } from '@kopfed/eventstore';
import type { MemberContext } from '../context';
import type { PersonalData } from '../persons/personal-data';
import { streams } from '../stream-ids';
import { claimPersonInCoop, FreshClaims } from './claims';
import { memberWithExternalId, membershipsOfPerson, pastMemberships } from './directory-projection';
import { admitKnownPerson, memberDecider } from './member.decider';
import {
  derivedId,
  joiningPersonId,
  memberIdForExternalId,
  prepareJoin,
  type NewMember,
} from './member-commands';
import { asMemberEvent, loadMember } from './member-stream';

/** Who asks for a joining: the key a retry resends, and the coops the credential reaches. */
export interface JoinCaller {
  idempotencyKey?: string;
  reaches(coopId: string): boolean;
}

export async function joinMember(
  ctx: MemberContext,
  coopId: string,
  member: NewMember,
  metadata: EventMetadata,
  caller: JoinCaller,
) {
  const { idempotencyKey } = caller;
  const memberId = member.externalId
    ? memberIdForExternalId(coopId, member.externalId)
    : idempotencyKey
      ? derivedId(coopId, idempotencyKey)
      : uuidv7();
  if (member.externalId)
    await refuseTakenExternalId(ctx, coopId, member.externalId, memberId, idempotencyKey);
  const { membership } = member;
  // A person named by id is an existing person: prove it, and keep them to one membership here.
  const named = membership.kind === 'person' ? membership.personId : undefined;
  if (membership.kind === 'person' && named !== undefined) {
    await provePerson(ctx, named, membership.person, caller);
    admitKnownPerson(pastMemberships(ctx.db, named), coopId, member.joinedOn);
  }
  const joiner = withPersonId(member, idempotencyKey, coopId);
  const claims = new FreshClaims(ctx, memberId, joiningPersonId(joiner, memberId));
  const joining = claims.guard(async () => {
    const details = await prepareJoin(ctx, coopId, memberId, joiner, metadata, claims);
    if (named !== undefined)
      await claimPersonInCoop(ctx, coopId, named, memberId, metadata, claims);
    return handleCommand(ctx.store, {
      stream: streams.member(memberId),
      decider: memberDecider,
      command: { type: 'JoinCoop', ...details },
      metadata: { ...metadata, coopId },
      upcast: asMemberEvent,
      // A rerun of the same request (its process died before answering) finds its own event.
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
  });
  return joining.catch((error: unknown) => {
    // The member id is the external id's: a member already there is that id taken.
    if (error instanceof DomainError && error.code === 'member_exists' && member.externalId)
      throw conflict(
        'duplicate_external_id',
        `external id ${member.externalId} is already used in this coop`,
      );
    throw error;
  });
}

/**
 * An external id names one member of a coop for ever (BRIEF §4). Its member id is derived
 * from it, so a second joining would find the stream taken; one that joined through this
 * route before the id was derived, or took it by ExternalIdAttached, is found in the
 * directory. This refuses what is stored; the claim prepareJoin takes settles a joining and
 * an attachment that come at once (claimExternalId). A request with an
 * Idempotency-Key goes on: if it is a rerun, it finds its own event; if not, the decider
 * refuses it.
 */
async function refuseTakenExternalId(
  ctx: MemberContext,
  coopId: string,
  externalId: string,
  memberId: string,
  idempotencyKey: string | undefined,
): Promise<void> {
  const taken = () =>
    conflict('duplicate_external_id', `external id ${externalId} is already used in this coop`);
  if (!idempotencyKey && (await loadMember(ctx, memberId)).state.status) throw taken();
  await ctx.projections.directory.catchUp();
  if (memberWithExternalId(ctx.db, coopId, externalId, memberId) !== undefined) throw taken();
}

/**
 * A joining that names an existing person must show it is that person: the person is a
 * member of a coop the caller reaches, and the NIK given is the one recorded there. Person
 * ids are derived predictably and erasure is per person, everywhere; without this proof a
 * coop could attach another coop's member to itself and erase them.
 */
async function provePerson(
  ctx: MemberContext,
  personId: string,
  person: PersonalData,
  caller: JoinCaller,
): Promise<void> {
  await ctx.projections.directory.catchUp();
  const proven = membershipsOfPerson(ctx.db, personId).some((row) => {
    if (!caller.reaches(row.coop_id) || row.erased || !row.sealed) return false;
    const recorded = ctx.vault.open(personId, row.sealed);
    return recorded !== 'erased' && recorded.nik === person.nik;
  });
  if (!proven)
    throw rejected(
      'person_not_matched',
      'no person with this id and this NIK is a member of a coop this credential reaches; leave personId out to join a new person',
      '/personId',
    );
}

/**
 * The person's id when the caller names none, derived from the Idempotency-Key so a retry
 * keeps it. With an external id, or without a key, prepareJoin derives it from the member id:
 * for an external id that is the person id the sync derives.
 */
function withPersonId(
  member: NewMember,
  idempotencyKey: string | undefined,
  coopId: string,
): NewMember {
  if (member.membership.kind !== 'person' || member.membership.personId) return member;
  if (member.externalId || !idempotencyKey) return member;
  return {
    ...member,
    membership: { ...member.membership, personId: derivedId(coopId, idempotencyKey, 'person') },
  };
}
