import { handleCommand, type EventMetadata, type RecordedEvent } from '@kopfed/eventstore';
import { notFound, rejected } from '@kopfed/domain';
import type { MemberContext } from '../context';
import { loadMember } from '../members/member-commands';
import { personTurn } from '../members/member-writes';
import { stmt } from '../sql';
import { streams } from '../stream-ids';
import { personDecider, type PersonEvent } from './person.decider';

/**
 * Erases a person (UU 27/2022): records the erasure, lets the read models move the person to
 * "unknown" while the data can still be opened, then destroys the key. A crash between the
 * record and the destruction is repaired at start (`finishErasures`).
 */
export async function erasePerson(
  ctx: MemberContext,
  coopId: string,
  memberId: string,
  requestedBy: string,
  metadata: EventMetadata,
) {
  const { state } = await loadMember(ctx, memberId);
  if (state.coopId !== coopId) throw notFound('member_not_found', 'no such member in this coop');
  if (state.membership?.kind !== 'person')
    throw rejected('not_a_person', 'a coop member has no personal data to erase');
  const personId = state.membership.personId;
  // Every write that records the person's data or makes a membership of them (a join naming
  // them, a move, a sync's rejoin) runs in the person's turn. In it none is under way: each
  // one that found the person not erased has recorded before the erasure, and each one after
  // it finds them erased; and the directory, caught up, lists every membership they have.
  return ctx.memberWrites.alone([personTurn(personId)], async () => {
    await ctx.projections.directory.catchUp();
    const memberIds = stmt<[string], { member_id: string }>(
      ctx.db,
      'SELECT member_id FROM members WHERE person_id = ? ORDER BY member_id',
    )
      .all(personId)
      .map((r) => r.member_id);
    if (!memberIds.includes(memberId)) memberIds.push(memberId);
    const result = await handleCommand(ctx.store, {
      stream: streams.person(personId),
      decider: personDecider,
      command: {
        type: 'ErasePerson',
        personId,
        memberIds,
        erasedAt: ctx.clock().toISOString(),
        requestedBy,
      },
      metadata,
      upcast: (e: RecordedEvent) => ({ type: e.type, data: e.data }) as PersonEvent,
    });
    await ctx.projections.directory.catchUp(result.position);
    ctx.vault.erase(personId);
    return { personId, memberIds };
  });
}

/** Destroys the key of every erased person whose key survived a crash mid-erasure. */
export async function finishErasures(ctx: MemberContext): Promise<number> {
  let destroyed = 0;
  for (let after = 0; ;) {
    const page = await ctx.store.readAll({ after, types: ['PersonErased'], maxCount: 1_000 });
    if (page.length === 0) return destroyed;
    for (const event of page) {
      if (ctx.vault.erase((event.data as PersonEvent['data']).personId)) destroyed++;
    }
    after = page[page.length - 1]!.position;
  }
}
