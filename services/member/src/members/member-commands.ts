import { v7 as uuidv7 } from 'uuid';
import { conflict, invariant, notFound, rejected } from '@kopfed/domain';
import {
  handleCommand,
  jakartaBusinessDate,
  loadAggregate,
  WrongExpectedRevisionError,
  type EventMetadata,
} from '@kopfed/eventstore';
import { traceparentOf } from '@kopfed/tracing';
import { coopView } from '../coops/coop-commands';
import type { ParentView } from '../coops/coop.decider';
import type { MemberContext } from '../context';
import { NIK_PROBLEM_TEXT, validateNik } from '../nik/nik';
import { personDecider, type PersonEvent } from '../persons/person.decider';
import type { PersonalData } from '../persons/personal-data';
import { streams } from '../stream-ids';
import {
  claimExternalId,
  claimMemberCoop,
  claimPersonInCoop,
  FreshClaims,
  releaseReplacedClaims,
  reserveMemberNumber,
  reserveNik,
} from './claims';
import { pastMemberships, pastMembershipsAsCoop } from './directory-projection';
import {
  admitAfterEnded,
  admitJoin,
  admitJoiningDate,
  admitKnownPerson,
  admitMove,
  memberDecider,
  type JoinDetails,
  type LeftReason,
  type MemberCommand,
  type MemberEvent,
  type Membership,
  type SealedPersonalData,
} from './member.decider';
import { derivedId } from './member-ids';
import { asMemberEvent, loadMember } from './member-stream';

export { claimExternalId, FreshClaims, releaseReplacedClaims, reserveMemberNumber } from './claims';
export { derivedId, memberIdForExternalId } from './member-ids';
export { loadMember } from './member-stream';

export async function personErased(ctx: MemberContext, personId: string): Promise<boolean> {
  const { state } = await loadAggregate(
    ctx.store,
    streams.person(personId),
    personDecider,
    (e) => ({ type: e.type, data: e.data }) as PersonEvent,
  );
  return state.erasedAt !== undefined;
}

export interface NewMember {
  memberNumber: string;
  externalId: string | null;
  joinedOn: string;
  membership:
    | { kind: 'person'; person: PersonalData; personId?: string }
    | { kind: 'coop'; memberCoopId: string };
}

/** The person a joining makes a member: the one it names, or one derived from the member id. */
export function joiningPersonId(member: NewMember, memberId: string): string | undefined {
  if (member.membership.kind !== 'person') return undefined;
  return member.membership.personId ?? derivedId(memberId, 'person');
}

/**
 * Everything a join needs besides the decider: the coops as they are now, the joining
 * admitted by the closed-loop rules, the NIK checked and its keyed hash claimed within the
 * coop, the member number and the external id claimed, the data sealed. Run it inside
 * `claims.guard`.
 */
export async function prepareJoin(
  ctx: MemberContext,
  coopId: string,
  memberId: string,
  member: NewMember,
  metadata: EventMetadata,
  claims: FreshClaims,
  knownCoop?: ParentView | null,
  knownErased?: boolean,
): Promise<JoinDetails> {
  const coop = knownCoop === undefined ? await coopView(ctx, coopId) : knownCoop;
  if (!coop) throw notFound('coop_not_found', `coop ${coopId} is not registered`);
  const memberCoop =
    member.membership.kind === 'coop' ? await coopView(ctx, member.membership.memberCoopId) : null;
  // Refused before anything is claimed: a joining the rules forbid holds no NIK or number.
  admitJoin(coop, member.membership.kind, memberCoop);
  const today = jakartaBusinessDate(ctx.clock());
  admitJoiningDate(member.joinedOn, today);
  let membership: Membership;
  let personalData: SealedPersonalData | null = null;
  if (member.membership.kind === 'person') {
    const personId = joiningPersonId(member, memberId)!;
    const { person } = member.membership;
    personalData = await sealForMember(
      ctx,
      coopId,
      personId,
      person,
      { joinedOn: member.joinedOn, pointer: '/joinedOn' },
      metadata,
      claims,
      knownErased,
    );
    membership = { kind: 'person', personId };
  } else {
    const { memberCoopId } = member.membership;
    await ctx.projections.directory.catchUp();
    admitAfterEnded(pastMembershipsAsCoop(ctx.db, memberCoopId), coopId, member.joinedOn);
    await claimMemberCoop(ctx, coopId, memberCoopId, memberId, metadata, claims);
    membership = { kind: 'coop', memberCoopId };
  }
  await reserveMemberNumber(ctx, coopId, member.memberNumber, memberId, metadata, claims);
  if (member.externalId !== null)
    await claimExternalId(ctx, coopId, member.externalId, memberId, metadata, claims);
  return {
    memberId,
    coopId,
    memberNumber: member.memberNumber,
    externalId: member.externalId,
    joinedOn: member.joinedOn,
    membership,
    personalData,
    coop,
    memberCoop,
    today,
  };
}

/**
 * A membership begins within the person's lifetime: a joining dated before the birth date is
 * a typo in one of the two. Asked where the plaintext is at hand, before anything is claimed;
 * the problem names neither date (the birth date is personal data).
 */
export function admitBornBeforeJoining(
  person: Pick<PersonalData, 'birthDate'>,
  joinedOn: string,
  pointer: string,
): void {
  if (joinedOn < person.birthDate)
    throw rejected(
      'joined_before_born',
      'the joining date is before the person’s birth date',
      pointer,
    );
}

/**
 * Checks the NIK and the birth date, claims the NIK within the coop and seals the data.
 * `joining` is the membership's joining date, and where a joining before the birth date is
 * blamed. `knownErased` is the caller's own, equally fresh, answer to whether the person was
 * erased (a sync batch asks the caught-up directory for all its persons at once); absent, the
 * person's stream is read.
 */
export async function sealForMember(
  ctx: MemberContext,
  coopId: string,
  personId: string,
  person: PersonalData,
  joining: { joinedOn: string; pointer: string },
  metadata: EventMetadata,
  claims: FreshClaims,
  knownErased?: boolean,
): Promise<SealedPersonalData> {
  const problem = validateNik(person.nik, person.birthDate, person.gender);
  if (problem) throw rejected(`nik_${problem}`, NIK_PROBLEM_TEXT[problem], '/person/nik');
  const today = jakartaBusinessDate(ctx.clock());
  if (person.birthDate > today)
    throw rejected(
      'birth_date_in_future',
      `the birth date is after today (${today} in Jakarta)`,
      '/person/birthDate',
    );
  admitBornBeforeJoining(person, joining.joinedOn, joining.pointer);
  if (knownErased ?? (await personErased(ctx, personId)))
    throw conflict('person_erased', 'this person was erased');
  const nikHash = ctx.vault.nikHash(coopId, person.nik);
  await reserveNik(ctx, coopId, nikHash, personId, metadata, claims);
  return sealed(ctx, personId, person, nikHash);
}

function sealed(
  ctx: MemberContext,
  personId: string,
  person: PersonalData,
  nikHash: string,
): SealedPersonalData {
  return {
    personId,
    sealed: ctx.vault.seal(personId, person),
    nikHash,
    dataHash: ctx.vault.dataHash(personId, person),
  };
}

export async function memberCommand(
  ctx: MemberContext,
  memberId: string,
  command: MemberCommand,
  metadata: EventMetadata,
  expectedRevision?: number,
) {
  return handleCommand(ctx.store, {
    stream: streams.member(memberId),
    decider: memberDecider,
    command,
    metadata,
    upcast: asMemberEvent,
    ...(expectedRevision === undefined ? {} : { expectedRevision }),
  });
}

/**
 * A command on a member the caller found new: decided on the empty state and appended only
 * if the stream is still empty, without the read handleCommand would repeat. Undefined when
 * the member was created meanwhile; the caller then decides again on what is there.
 */
export async function commandNewMember(
  ctx: MemberContext,
  memberId: string,
  command: MemberCommand,
  metadata: EventMetadata,
): Promise<MemberEvent[] | undefined> {
  const events = memberDecider.decide(command, memberDecider.initialState());
  invariant(events.length > 0, 'a command on a new member records its joining');
  const traceparent = metadata.traceparent ?? traceparentOf();
  const withTrace = traceparent ? { ...metadata, traceparent } : metadata;
  try {
    await ctx.store.append(
      streams.member(memberId),
      events.map((event) => ({
        id: uuidv7(),
        type: event.type,
        schemaVersion: 1,
        data: event.data,
        metadata: withTrace,
      })),
      { expectedRevision: 'no_stream' },
    );
    return events;
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) return undefined;
    throw error;
  }
}

export async function leaveCoop(
  ctx: MemberContext,
  memberId: string,
  leaving: {
    reason: LeftReason;
    leftOn: string;
    movedToCoopId: string | null;
    movedToMemberId?: string;
  },
  metadata: EventMetadata,
  expectedRevision?: number,
) {
  return memberCommand(
    ctx,
    memberId,
    { type: 'LeaveCoop', ...leaving, today: jakartaBusinessDate(ctx.clock()) },
    metadata,
    expectedRevision,
  );
}

export async function recordPersonalData(
  ctx: MemberContext,
  coopId: string,
  memberId: string,
  person: PersonalData,
  metadata: EventMetadata,
  expectedRevision?: number,
) {
  // Read first for the person whose turn to take: a member's person never changes, and one
  // not yet joined is answered as it was when asked.
  const { state: asked } = await loadMember(ctx, memberId);
  if (asked.coopId !== coopId) throw notFound('member_not_found', 'no such member in this coop');
  if (asked.membership?.kind !== 'person')
    throw rejected('not_a_person', 'coop members have no personal data');
  const claims = new FreshClaims(ctx, memberId, asked.membership.personId);
  return claims.guard(async () => {
    const { state } = await loadMember(ctx, memberId);
    invariant(state.membership?.kind === 'person', 'a membership never changes');
    const { personId } = state.membership;
    const joining = { joinedOn: state.joinedOn!, pointer: '/birthDate' };
    const sealed = await sealForMember(ctx, coopId, personId, person, joining, metadata, claims);
    const result = await memberCommand(
      ctx,
      memberId,
      { type: 'RecordPersonalData', personalData: sealed, personErased: false },
      metadata,
      expectedRevision,
    );
    await releaseReplacedClaims(ctx, memberId, state, metadata);
    return result;
  });
}

/**
 * A person moves from coop A to coop B keeping one person id: A's membership ends as moved,
 * B's begins. Each step is idempotent (ids derived from the request), so a retry after a
 * failure between the two finishes the move rather than doubling it. Whether A's membership
 * may end is asked first: a refused move joins no one to B.
 */
export async function movePerson(
  ctx: MemberContext,
  fromCoopId: string,
  memberId: string,
  to: { toCoopId: string; toMemberNumber: string; on: string },
  metadata: EventMetadata,
) {
  const { state } = await loadMember(ctx, memberId);
  if (state.coopId !== fromCoopId || !state.membership)
    throw notFound('member_not_found', 'no such member in this coop');
  if (state.membership.kind !== 'person')
    throw rejected(
      'not_a_person',
      'only people move between coops; a coop member leaves and joins',
    );
  if (to.toCoopId === fromCoopId)
    throw rejected('same_coop', 'the member is already in this coop', '/toCoopId');
  const step = admitMove(state, to.toCoopId, to.on, jakartaBusinessDate(ctx.clock()));
  const personId = state.membership.personId;
  const sealed = await latestSealed(ctx, memberId);
  if (!sealed) throw conflict('person_erased', 'this person was erased');
  const person = ctx.vault.open(personId, sealed);
  if (person === 'erased') throw conflict('person_erased', 'this person was erased');
  const newMemberId = derivedId(to.toCoopId, memberId, 'moved');
  const { state: existing } = await loadMember(ctx, newMemberId);
  if (!existing.status) {
    await ctx.projections.directory.catchUp();
    admitKnownPerson(pastMemberships(ctx.db, personId), to.toCoopId, to.on);
    const claims = new FreshClaims(ctx, newMemberId, personId);
    await claims.guard(async () => {
      const details = await prepareJoin(
        ctx,
        to.toCoopId,
        newMemberId,
        {
          memberNumber: to.toMemberNumber,
          externalId: null,
          joinedOn: to.on,
          membership: { kind: 'person', person, personId },
        },
        metadata,
        claims,
      );
      await claimPersonInCoop(ctx, to.toCoopId, personId, newMemberId, metadata, claims);
      await memberCommand(
        ctx,
        newMemberId,
        { type: 'JoinCoop', ...details },
        { ...metadata, coopId: to.toCoopId },
      );
    });
  }
  if (step === 'leave') {
    await leaveCoop(
      ctx,
      memberId,
      { reason: 'moved', leftOn: to.on, movedToCoopId: to.toCoopId, movedToMemberId: newMemberId },
      metadata,
    );
  }
  return { newMemberId };
}

async function latestSealed(ctx: MemberContext, memberId: string): Promise<string | undefined> {
  const events = await ctx.store.readStream(streams.member(memberId), { direction: 'backwards' });
  const recorded = events.find((e) => e.type === 'PersonalDataRecorded');
  return (recorded?.data as SealedPersonalData | undefined)?.sealed;
}
