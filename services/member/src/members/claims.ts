import { conflict, invariant, type DomainError } from '@kopfed/domain';
import { release, reservationHolder, reserve, type EventMetadata } from '@kopfed/eventstore';
import type { MemberContext } from '../context';
import { activeMemberAs, membershipsOfPerson, memberWithExternalId } from './directory-projection';
import type { MemberState } from './member.decider';
import { memberIdForExternalId } from './member-ids';
import { loadMember } from './member-stream';
import { memberTurn, personTurn } from './member-writes';

/**
 * Claim scopes, one reservation stream each. Coop ids, member numbers and external ids may
 * hold '-', so the scopes made now put ':' (never in a coop id) after the coop; the NIK scope
 * keeps its form, which is unambiguous because its keyed hash is always 43 characters.
 */
const NIK_HASH_LENGTH = 43;
export function nikScope(coopId: string, nikHash: string): string {
  invariant(nikHash.length === NIK_HASH_LENGTH, 'a NIK hash is an HMAC-SHA-256 in base64url');
  return `nik-${coopId}-${nikHash}`;
}
const memberNumberScope = (coopId: string, memberNumber: string) =>
  `membernumber:${coopId}:${memberNumber}`;
/** The form claims had before: coop ksp's number a-1 and coop ksp-a's number 1 shared it. */
const legacyMemberNumberScope = (coopId: string, memberNumber: string) =>
  `membernumber-${coopId}-${memberNumber}`;
/** The stream a claim is kept in, as `reserve` names it. */
const reservationStream = (scope: string) => `reservation-${scope}`;
const memberCoopScope = (coopId: string, memberCoopId: string) =>
  `membercoop:${coopId}:${memberCoopId}`;
const personScope = (coopId: string, personId: string) => `personmember:${coopId}:${personId}`;
const externalIdScope = (coopId: string, externalId: string) =>
  `externalid:${coopId}:${externalId}`;

interface Claim {
  release(): Promise<boolean>;
  /** Whether the member as the failed command left it, or another sharing the claim, uses it. */
  usedBy(state: MemberState): boolean | Promise<boolean>;
}

/**
 * The member a command found is a membership of another person than the one whose turn it
 * holds (one joined meanwhile by hand, naming an existing person, under the member id the
 * command derived): it must not record that person's data out of their turn. The caller runs
 * again in the turn of `personId`.
 */
export class MemberOfAnotherPerson extends Error {
  override readonly name = 'MemberOfAnotherPerson';
  constructor(
    readonly memberId: string,
    readonly personId: string,
  ) {
    super(`member ${memberId} is a membership of another person than the one in turn`);
  }
}

/**
 * The claims one command made on its way. When the command then fails, whether refused, sent
 * with a stale If-Match or lost to an error, they go back, or no one could use that NIK or
 * number in the coop again: a claim is given back only while no member relies on it. The
 * command runs alone on its member and on the person whose data it records or whom it makes
 * a member (MemberWrites), so no other command of the member, or of any membership of the
 * person, claims, writes or gives back in between.
 */
export class FreshClaims {
  private readonly made: Claim[] = [];

  /** `personId`: the person whose data the command records; none for a coop member. */
  constructor(
    private readonly ctx: MemberContext,
    private readonly memberId: string,
    private readonly personId?: string,
  ) {}

  add(claim: Claim): void {
    this.made.push(claim);
  }

  /** Asserts the command holds the person's turn: their data is recorded in no other. */
  assertTurnOf(personId: string): void {
    invariant(personId === this.personId, 'a person is written only in their turn (MemberWrites)');
  }

  /** Throws MemberOfAnotherPerson when the member is another person's than the one in turn. */
  refuseOutOfTurn(state: MemberState): void {
    const membership = state.membership;
    if (membership?.kind === 'person' && membership.personId !== this.personId)
      throw new MemberOfAnotherPerson(this.memberId, membership.personId);
  }

  /**
   * Runs the rest of the command, from reading the member to giving back what it replaced,
   * alone on the member and its person; a failure gives back what this command claimed.
   */
  guard<T>(work: () => Promise<T>): Promise<T> {
    const turns = [memberTurn(this.memberId)];
    if (this.personId !== undefined) turns.push(personTurn(this.personId));
    return this.ctx.memberWrites.alone(turns, async () => {
      try {
        return await work();
      } catch (error) {
        // The command's own failure is the answer; a claim that cannot be given back now (the
        // store failing too) stays held, as it would have before.
        if (this.made.length > 0) await this.giveBack().catch(() => undefined);
        throw error;
      }
    });
  }

  private async giveBack(): Promise<void> {
    const { state } = await loadMember(this.ctx, this.memberId);
    for (const claim of this.made.splice(0).reverse()) {
      if (!(await claim.usedBy(state))) await claim.release();
    }
  }
}

/**
 * Claims the keyed hash of a NIK within a coop for a person; the caller seals the data. The
 * claim is the person's, shared by all their memberships of the coop.
 */
export async function reserveNik(
  ctx: MemberContext,
  coopId: string,
  nikHash: string,
  personId: string,
  metadata: EventMetadata,
  claims: FreshClaims,
): Promise<void> {
  claims.assertTurnOf(personId);
  const scope = nikScope(coopId, nikHash);
  const claim = await reserve(ctx.store, scope, personId, metadata);
  if (!claim.reserved)
    throw conflict('duplicate_nik', 'a member of this coop already has this NIK');
  if (claim.fresh) {
    claims.add({
      release: () => release(ctx.store, scope, personId, metadata),
      usedBy: async (state) =>
        state.nikHash === nikHash || (await personHasNik(ctx, coopId, personId, nikHash)),
    });
  }
}

/**
 * Whether a membership of the person in the coop has this NIK: a person who came back has an
 * ended membership and an active one, both relying on the one claim. Asked in the person's
 * turn, when every write making a membership of theirs or changing its data is done, so the
 * directory, caught up, lists them all. A person has a few memberships of a coop at most.
 */
async function personHasNik(
  ctx: MemberContext,
  coopId: string,
  personId: string,
  nikHash: string,
): Promise<boolean> {
  await ctx.projections.directory.catchUp();
  for (const { coop_id, member_id } of membershipsOfPerson(ctx.db, personId)) {
    if (coop_id === coopId && (await loadMember(ctx, member_id)).state.nikHash === nikHash)
      return true;
  }
  return false;
}

export async function reserveMemberNumber(
  ctx: MemberContext,
  coopId: string,
  memberNumber: string,
  memberId: string,
  metadata: EventMetadata,
  claims: FreshClaims,
): Promise<void> {
  const taken = () =>
    conflict('member_number_taken', `member number ${memberNumber} is already used in this coop`);
  const scope = memberNumberScope(coopId, memberNumber);
  const claim = await reserve(ctx.store, scope, memberId, metadata);
  if (!claim.reserved) throw taken();
  if (!claim.fresh) return;
  claims.add({
    release: () => release(ctx.store, scope, memberId, metadata),
    usedBy: (state) => state.memberNumber === memberNumber,
  });
  if (await heldInLegacyForm(ctx, coopId, memberNumber, memberId)) throw taken();
}

/**
 * Whether another member of this coop holds the number through a claim of the old form. That
 * form is ambiguous, so its holder is asked which coop and number it has. No such claim is
 * made any more, so for nearly every new claim there is none: whether its stream exists at
 * all (one index probe, a third of the cost of reading the claim) settles that first.
 */
async function heldInLegacyForm(
  ctx: MemberContext,
  coopId: string,
  memberNumber: string,
  memberId: string,
): Promise<boolean> {
  const scope = legacyMemberNumberScope(coopId, memberNumber);
  if ((await ctx.store.streamRevision(reservationStream(scope))) === undefined) return false;
  const holder = await reservationHolder(ctx.store, scope);
  if (holder === undefined || holder === memberId) return false;
  const { state } = await loadMember(ctx, holder);
  return state.coopId === coopId && state.memberNumber === memberNumber;
}

/**
 * An external id names one member of a coop for ever (BRIEF §4): the member claims it before
 * its joining or its ExternalIdAttached is appended, so of a joining and an attachment at once
 * exactly one gets it, and a member that left keeps it. Members that took theirs before it was
 * claimed hold it still. A joining's member id is derived from the external id, so that stream
 * is the older claim, and its callers have asked the directory first (the join route, and the
 * sync batch, which turns an item to the member found there); an attachment, to another member
 * id, asks both here.
 */
export async function claimExternalId(
  ctx: MemberContext,
  coopId: string,
  externalId: string,
  memberId: string,
  metadata: EventMetadata,
  claims: FreshClaims,
): Promise<void> {
  const taken = () =>
    conflict('duplicate_external_id', `external id ${externalId} is already used in this coop`);
  const scope = externalIdScope(coopId, externalId);
  const claim = await reserve(ctx.store, scope, memberId, metadata);
  if (!claim.reserved) throw taken();
  if (!claim.fresh) return;
  claims.add({
    release: () => release(ctx.store, scope, memberId, metadata),
    usedBy: (state) => state.externalId === externalId,
  });
  const derived = memberIdForExternalId(coopId, externalId);
  if (derived === memberId) return;
  if ((await loadMember(ctx, derived)).state.status) throw taken();
  await ctx.projections.directory.catchUp();
  if (memberWithExternalId(ctx.db, coopId, externalId, memberId) !== undefined) throw taken();
}

/** A coop is a member of another coop at most once at a time. */
export async function claimMemberCoop(
  ctx: MemberContext,
  coopId: string,
  memberCoopId: string,
  memberId: string,
  metadata: EventMetadata,
  claims: FreshClaims,
): Promise<void> {
  await claimSoleMembership(ctx, memberCoopScope(coopId, memberCoopId), memberId, metadata, {
    claims,
    isIts: (state) =>
      state.membership?.kind === 'coop' && state.membership.memberCoopId === memberCoopId,
    unclaimedHolder: () => activeMemberAs(ctx.db, coopId, { memberCoopId }, memberId),
    taken: () =>
      conflict('member_coop_already_member', `coop ${memberCoopId} is already a member here`),
  });
}

/**
 * A person holds at most one active membership of a coop. Taken where a join names an
 * existing person (a join with a person id, a move); other joins make a new person.
 */
export async function claimPersonInCoop(
  ctx: MemberContext,
  coopId: string,
  personId: string,
  memberId: string,
  metadata: EventMetadata,
  claims: FreshClaims,
): Promise<void> {
  claims.assertTurnOf(personId);
  await claimSoleMembership(ctx, personScope(coopId, personId), memberId, metadata, {
    claims,
    isIts: (state) => state.membership?.kind === 'person' && state.membership.personId === personId,
    unclaimedHolder: () => activeMemberAs(ctx.db, coopId, { personId }, memberId),
    taken: () =>
      conflict('person_already_member', 'this person is already an active member of this coop'),
  });
}

/** A claim changes hands from an ended membership at most this often in one call. */
const MAX_TAKEOVERS = 3;

/**
 * Claims a scope for the membership `memberId`. A membership that has ended gives way: its
 * claim is released and taken over; so does a member that is not this person's or coop's
 * membership at all (a claim a failed command kept before its give-back asked whose the
 * member was). One still joining (its stream empty) does not, as it may be about to append.
 * Memberships made before these claims existed, or by a path that takes none, are found in
 * the directory (`unclaimedHolder`, asked once it is caught up).
 */
async function claimSoleMembership(
  ctx: MemberContext,
  scope: string,
  memberId: string,
  metadata: EventMetadata,
  how: {
    claims: FreshClaims;
    /** Whether a member is a membership of this person or coop. */
    isIts: (state: MemberState) => boolean;
    unclaimedHolder: () => string | undefined;
    taken: () => DomainError;
  },
): Promise<void> {
  for (let attempt = 1; attempt <= MAX_TAKEOVERS; attempt++) {
    const claim = await reserve(ctx.store, scope, memberId, metadata);
    if (claim.reserved) {
      if (!claim.fresh) return;
      how.claims.add({
        release: () => release(ctx.store, scope, memberId, metadata),
        // The member id may have been joined meanwhile by someone else (another writer of the
        // same external id): it holds no claim on this person or coop then.
        usedBy: (state) => state.status !== undefined && how.isIts(state),
      });
      await ctx.projections.directory.catchUp();
      if (how.unclaimedHolder() !== undefined) throw how.taken();
      return;
    }
    const { state: holder } = await loadMember(ctx, claim.heldBy);
    const holds = holder.status === undefined || (holder.status === 'active' && how.isIts(holder));
    if (holds) throw how.taken();
    await release(ctx.store, scope, claim.heldBy, metadata);
  }
  throw how.taken();
}

/**
 * Gives back the NIK and member number a member used before a correction, once the member no
 * longer uses them (the NIK, once no membership of the person in the coop does): else a typo
 * would keep the true holder of that NIK or number out of the coop for ever. `before` is the
 * member as it was before the command that changed them; the sync's renumbering can call this
 * too. Run in the turn of the member and its person (FreshClaims.guard).
 */
export async function releaseReplacedClaims(
  ctx: MemberContext,
  memberId: string,
  before: MemberState,
  metadata: EventMetadata,
): Promise<void> {
  const { state } = await loadMember(ctx, memberId);
  const coopId = state.coopId;
  if (coopId === undefined) return;
  const { memberNumber, nikHash } = before;
  if (memberNumber !== undefined && memberNumber !== state.memberNumber) {
    await release(ctx.store, memberNumberScope(coopId, memberNumber), memberId, metadata);
    await release(ctx.store, legacyMemberNumberScope(coopId, memberNumber), memberId, metadata);
  }
  if (nikHash !== undefined && nikHash !== state.nikHash && state.membership?.kind === 'person') {
    const { personId } = state.membership;
    if (!(await personHasNik(ctx, coopId, personId, nikHash)))
      await release(ctx.store, nikScope(coopId, nikHash), personId, metadata);
  }
}
