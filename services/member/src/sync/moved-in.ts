import { conflict } from '@kopfed/domain';
import { reservationHolder } from '@kopfed/eventstore';
import type { MemberContext } from '../context';
import { nikScope } from '../members/claims';
import {
  activeMemberAs,
  memberWithExternalId,
  membershipsOfPerson,
} from '../members/directory-projection';
import { loadMember, personErased } from '../members/member-commands';
import type { PersonalData } from '../persons/personal-data';

/**
 * The membership a sync item names by NIK but not yet by external id: a person moved in (or
 * joined by hand) is a member before the coop's own system first sends them. It is this
 * coop's active membership of the person who holds the NIK here, with that very NIK recorded,
 * no other external id, and the item's external id no other member's. Nothing else is taken:
 * another coop's members are reached only through a membership of this coop, and by NIK. An
 * erased person is refused (person_erased), as a new member whose person was erased is.
 */
export async function movedInMembership(
  ctx: MemberContext,
  coopId: string,
  externalId: string,
  person: PersonalData,
): Promise<{ memberId: string; personId: string } | undefined> {
  const nikHash = ctx.vault.nikHash(coopId, person.nik);
  const personId = await reservationHolder(ctx.store, nikScope(coopId, nikHash));
  if (personId === undefined) return undefined;
  await ctx.projections.directory.catchUp();
  const memberId = activeMemberAs(ctx.db, coopId, { personId }, '');
  if (memberId === undefined) return undefined;
  if (memberWithExternalId(ctx.db, coopId, externalId, memberId) !== undefined) return undefined;
  const { state } = await loadMember(ctx, memberId);
  const isThePerson =
    state.coopId === coopId &&
    state.status === 'active' &&
    state.membership?.kind === 'person' &&
    state.membership.personId === personId &&
    state.nikHash === nikHash &&
    (state.externalId ?? externalId) === externalId;
  if (!isThePerson) return undefined;
  // The stream keeps the NIK's hash after an erasure: an erased person is named by no coop again.
  if (await personErased(ctx, personId)) throw conflict('person_erased', 'this person was erased');
  return { memberId, personId };
}

/**
 * The person a sync item under a new external id names by NIK when they come back: they were
 * a member of this coop, every membership here has ended by the day they join again, and
 * none, here or elsewhere, by death. The coop's refusal of the old id sends a returning
 * member to a new one; the NIK stays the person's claim in the coop, so the new membership is theirs, keeping one person
 * and their history. A joining within an ended membership's period is no return: it would
 * count the person twice for those days.
 */
export async function returningPerson(
  ctx: MemberContext,
  coopId: string,
  person: PersonalData,
  joinedOn: string,
): Promise<string | undefined> {
  const nikHash = ctx.vault.nikHash(coopId, person.nik);
  const personId = await reservationHolder(ctx.store, nikScope(coopId, nikHash));
  if (personId === undefined) return undefined;
  await ctx.projections.directory.catchUp();
  const memberships = membershipsOfPerson(ctx.db, personId);
  const here = memberships.filter((row) => row.coop_id === coopId);
  if (here.length === 0 || here.some((row) => row.status === 'active')) return undefined;
  // Death ends every membership: one recorded by any coop (after a move, say) is final here too.
  if (memberships.some((row) => row.left_reason === 'deceased'))
    throw conflict(
      'member_deceased',
      'the person with this NIK left a coop as deceased and cannot join one again',
    );
  if (here.some((row) => row.left_on! > joinedOn)) return undefined;
  if (await personErased(ctx, personId)) throw conflict('person_erased', 'this person was erased');
  return personId;
}
