import { DomainError } from '@kopfed/domain';
import { jakartaBusinessDate, type EventMetadata } from '@kopfed/eventstore';
import type { MemberContext } from '../context';
import { activeMembershipsAsCoop } from '../members/directory-projection';
import { memberCommand } from '../members/member-commands';
import { admitExitDate } from '../members/member.decider';
import { idOf } from '../stream-ids';
import { coopCommand, loadCoop } from './coop-commands';
import { leftReasonOfExit, type CoopEvent, type StatusReason } from './coop.decider';

/**
 * A coop exits the federation, and so stops being a member of its parent (or of any coop):
 * its memberships as a member coop end on the exit's date, each publishing MemberLeft, so
 * savings may settle the simpanan pokok and wajib it held there. The exit is recorded first;
 * a crash before the memberships end is repaired at start (`finishExits`), and a retried
 * exit, still refused as the coop has exited, finishes them too.
 */
export async function exitCoop(
  ctx: MemberContext,
  coopId: string,
  exit: { on: string; reason: StatusReason },
  metadata: EventMetadata,
  expectedRevision?: number,
) {
  const today = jakartaBusinessDate(ctx.clock());
  const { state } = await loadCoop(ctx, coopId);
  if (state.status && state.status !== 'exited') {
    await ctx.projections.directory.catchUp();
    admitExitDate(activeMembershipsAsCoop(ctx.db, coopId), exit.on);
  }
  try {
    const result = await coopCommand(
      ctx,
      coopId,
      { type: 'ExitCoop', ...exit, today },
      metadata,
      expectedRevision,
    );
    await finishExit(ctx, coopId, metadata);
    return result;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'coop_exited')
      await finishExit(ctx, coopId, metadata);
    throw error;
  }
}

/**
 * Ends the memberships an exited coop still holds as a member coop; nothing for a coop that
 * has not exited, or whose memberships have all ended. Resolves how many it ended.
 */
export async function finishExit(
  ctx: MemberContext,
  coopId: string,
  metadata: EventMetadata,
): Promise<number> {
  const { state } = await loadCoop(ctx, coopId);
  if (!state.exit) return 0;
  const command = {
    type: 'EndMembershipOnExit',
    exitedOn: state.exit.on,
    reason: leftReasonOfExit(state.exit.reason),
    today: jakartaBusinessDate(ctx.clock()),
  } as const;
  await ctx.projections.directory.catchUp();
  let ended = 0;
  for (const membership of activeMembershipsAsCoop(ctx.db, coopId)) {
    const result = await memberCommand(ctx, membership.memberId, command, {
      ...metadata,
      coopId: membership.coopId,
    });
    ended += result.events.length;
  }
  return ended;
}

/**
 * At start: ends the memberships of every exited coop whose exit did not end them, whether a
 * crash came between the two or the exit was recorded by a version that did not end them.
 * A coop whose memberships cannot end now (refused, e.g. a clock behind the exit's date) is
 * named in `pending` and tried again at the next start.
 */
export async function finishExits(
  ctx: MemberContext,
): Promise<{ ended: number; pending: string[] }> {
  const exited = new Set<string>();
  for (let after = 0; ;) {
    const page = await ctx.store.readAll({ after, types: ['CoopStatusChanged'], maxCount: 1_000 });
    if (page.length === 0) break;
    for (const event of page) {
      const { to } = event.data as Extract<CoopEvent, { type: 'CoopStatusChanged' }>['data'];
      if (to === 'exited') exited.add(idOf(event.stream));
    }
    after = page[page.length - 1]!.position;
  }
  let ended = 0;
  const pending: string[] = [];
  for (const coopId of exited) {
    try {
      ended += await finishExit(ctx, coopId, {});
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      pending.push(coopId);
    }
  }
  return { ended, pending };
}
