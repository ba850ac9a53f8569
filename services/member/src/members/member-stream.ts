import { loadAggregate, type RecordedEvent } from '@kopfed/eventstore';
import type { MemberContext } from '../context';
import { streams } from '../stream-ids';
import { memberDecider, type MemberEvent, type MemberState } from './member.decider';

export const asMemberEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as MemberEvent;

export async function loadMember(ctx: MemberContext, memberId: string) {
  return loadAggregate<MemberState, MemberEvent>(
    ctx.store,
    streams.member(memberId),
    memberDecider,
    asMemberEvent,
  );
}
