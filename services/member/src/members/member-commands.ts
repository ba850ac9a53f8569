import { v7 as uuidv7 } from 'uuid';
import { conflict, DomainError, invariant, notFound, rejected } from '@kopfed/domain';
import {
  deterministicUuid,
  handleCommand,
  loadAggregate,
  release,
  reserve,
  WrongExpectedRevisionError,
  type EventMetadata,
  type RecordedEvent,
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
  admitJoin,
  memberDecider,
  type JoinDetails,
  type LeftReason,
  type MemberCommand,
  type MemberEvent,
  type MemberState,
  type Membership,
  type SealedPersonalData,
} from './member.decider';

const asMemberEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as MemberEvent;

/** Ids derived from a caller's key, so a retried request lands on the same member. */
export function derivedId(...parts: string[]): string {
  return deterministicUuid('member', ...parts);
}

export async function loadMember(ctx: MemberContext, memberId: string) {
  return loadAggregate<MemberState, MemberEvent>(
    ctx.store,
    streams.member(memberId),
    memberDecider,
    asMemberEvent,
  );
}

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

/**
 * The NIK and member-number claims one command made on its way. When the command is then
 * refused, they go back, or no one could use that NIK or number in the coop again: a claim
 * is given back only while the member's stream does not rely on it (a concurrent request for
 * the same member may have written it meanwhile, counting on the claim this command made).
 */
export class FreshClaims {
  private readonly made: Array<{
    release(): Promise<boolean>;
    usedBy(state: MemberState): boolean;
  }> = [];

  constructor(
    private readonly ctx: MemberContext,
    private readonly memberId: string,
  ) {}

  add(claim: { release(): Promise<boolean>; usedBy(state: MemberState): boolean }): void {
    this.made.push(claim);
  }

  /** Runs the rest of the command; a refusal gives back what this command claimed. */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError && this.made.length > 0) await this.giveBack();
      throw error;
    }
  }

  private async giveBack(): Promise<void> {
    const { state } = await loadMember(this.ctx, this.memberId);
    for (const claim of this.made.splice(0).reverse()) {
      if (!claim.usedBy(state)) await claim.release();
    }
  }
}

/**
 * Everything a join needs besides the decider: the coops as they are now, the joining
 * admitted by the closed-loop rules, the NIK checked and its keyed hash claimed within the
 * coop, the member number claimed, the data sealed. Run it inside `claims.guard`.
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
  let membership: Membership;
  let personalData: SealedPersonalData | null = null;
  if (member.membership.kind === 'person') {
    const personId = member.membership.personId ?? derivedId(memberId, 'person');
    const { person } = member.membership;
    personalData = await sealForMember(
      ctx,
      coopId,
      personId,
      person,
      metadata,
      claims,
      knownErased,
    );
    membership = { kind: 'person', personId };
  } else {
    membership = { kind: 'coop', memberCoopId: member.membership.memberCoopId };
  }
  await reserveMemberNumber(ctx, coopId, member.memberNumber, memberId, metadata, claims);
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
  };
}

/**
 * Checks the NIK, claims it within the coop and seals the data. `knownErased` is the caller's
 * own, equally fresh, answer to whether the person was erased (a sync batch asks the caught-up
 * directory for all its persons at once); absent, the person's stream is read.
 */
export async function sealForMember(
  ctx: MemberContext,
  coopId: string,
  personId: string,
  person: PersonalData,
  metadata: EventMetadata,
  claims: FreshClaims,
  knownErased?: boolean,
): Promise<SealedPersonalData> {
  const problem = validateNik(person.nik, person.birthDate, person.gender);
  if (problem) throw rejected(`nik_${problem}`, NIK_PROBLEM_TEXT[problem], '/person/nik');
  if (knownErased ?? (await personErased(ctx, personId)))
    throw conflict('person_erased', 'this person was erased');
  const nikHash = ctx.vault.nikHash(coopId, person.nik);
  const scope = `nik-${coopId}-${nikHash}`;
  const claim = await reserve(ctx.store, scope, personId, metadata);
  if (!claim.reserved)
    throw conflict('duplicate_nik', 'a member of this coop already has this NIK');
  if (claim.fresh) {
    claims.add({
      release: () => release(ctx.store, scope, personId, metadata),
      usedBy: (state) => state.nikHash === nikHash,
    });
  }
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

export async function reserveMemberNumber(
  ctx: MemberContext,
  coopId: string,
  memberNumber: string,
  memberId: string,
  metadata: EventMetadata,
  claims: FreshClaims,
) {
  const scope = `membernumber-${coopId}-${memberNumber}`;
  const claim = await reserve(ctx.store, scope, memberId, metadata);
  if (!claim.reserved)
    throw conflict(
      'member_number_taken',
      `member number ${memberNumber} is already used in this coop`,
    );
  if (claim.fresh) {
    claims.add({
      release: () => release(ctx.store, scope, memberId, metadata),
      usedBy: (state) => state.memberNumber === memberNumber,
    });
  }
}

export async function joinMember(
  ctx: MemberContext,
  coopId: string,
  member: NewMember,
  metadata: EventMetadata,
  idempotencyKey?: string,
) {
  const memberId = idempotencyKey ? derivedId(coopId, idempotencyKey) : uuidv7();
  const claims = new FreshClaims(ctx, memberId);
  return claims.guard(async () => {
    const details = await prepareJoin(
      ctx,
      coopId,
      memberId,
      withPersonId(member, idempotencyKey, coopId),
      metadata,
      claims,
    );
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
}

function withPersonId(
  member: NewMember,
  idempotencyKey: string | undefined,
  coopId: string,
): NewMember {
  if (member.membership.kind !== 'person' || member.membership.personId || !idempotencyKey)
    return member;
  return {
    ...member,
    membership: { ...member.membership, personId: derivedId(coopId, idempotencyKey, 'person') },
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
  leaving: { reason: LeftReason; leftOn: string; movedToCoopId: string | null },
  metadata: EventMetadata,
  expectedRevision?: number,
) {
  return memberCommand(
    ctx,
    memberId,
    { type: 'LeaveCoop', ...leaving },
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
  const { state } = await loadMember(ctx, memberId);
  if (state.coopId !== coopId) throw notFound('member_not_found', 'no such member in this coop');
  if (state.membership?.kind !== 'person')
    throw rejected('not_a_person', 'coop members have no personal data');
  const { personId } = state.membership;
  const claims = new FreshClaims(ctx, memberId);
  return claims.guard(async () => {
    const sealed = await sealForMember(ctx, coopId, personId, person, metadata, claims);
    return memberCommand(
      ctx,
      memberId,
      { type: 'RecordPersonalData', personalData: sealed, personErased: false },
      metadata,
      expectedRevision,
    );
  });
}

/**
 * A person moves from coop A to coop B keeping one person id: A's membership ends as moved,
 * B's begins. Each step is idempotent (ids derived from the request), so a retry after a
 * failure between the two finishes the move rather than doubling it.
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
  const personId = state.membership.personId;
  const sealed = await latestSealed(ctx, memberId);
  if (!sealed) throw conflict('person_erased', 'this person was erased');
  const person = ctx.vault.open(personId, sealed);
  if (person === 'erased') throw conflict('person_erased', 'this person was erased');
  const newMemberId = derivedId(to.toCoopId, memberId, 'moved');
  const { state: existing } = await loadMember(ctx, newMemberId);
  if (!existing.status) {
    const claims = new FreshClaims(ctx, newMemberId);
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
      await memberCommand(
        ctx,
        newMemberId,
        { type: 'JoinCoop', ...details },
        { ...metadata, coopId: to.toCoopId },
      );
    });
  }
  if (state.status === 'active') {
    await leaveCoop(
      ctx,
      memberId,
      { reason: 'moved', leftOn: to.on, movedToCoopId: to.toCoopId },
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
