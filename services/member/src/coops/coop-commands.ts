import { v7 as uuidv7 } from 'uuid';
import {
  type EventMetadata,
  handleCommand,
  jakartaBusinessDate,
  loadAggregate,
  type RecordedEvent,
} from '@kopfed/eventstore';
import type { MemberContext } from '../context';
import { streams } from '../stream-ids';
import {
  coopDecider,
  type CoopCommand,
  type CoopDetails,
  type CoopEvent,
  type CoopState,
  type ParentView,
} from './coop.decider';

const asCoopEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as CoopEvent;

export async function loadCoop(
  ctx: MemberContext,
  coopId: string,
): Promise<{ state: CoopState; revision: number | undefined }> {
  return loadAggregate(ctx.store, streams.coop(coopId), coopDecider, asCoopEvent);
}

export async function coopView(ctx: MemberContext, coopId: string): Promise<ParentView | null> {
  const { state } = await loadCoop(ctx, coopId);
  return state.details && state.status && state.registeredOn
    ? { coopId, kind: state.details.kind, status: state.status, registeredOn: state.registeredOn }
    : null;
}

export async function registerCoop(
  ctx: MemberContext,
  input: { coopId?: string | undefined; details: CoopDetails; registeredOn: string },
  metadata: EventMetadata,
) {
  const coopId = input.coopId ?? uuidv7();
  const parent = input.details.parentCoopId
    ? await coopView(ctx, input.details.parentCoopId)
    : null;
  return handleCommand(ctx.store, {
    stream: streams.coop(coopId),
    decider: coopDecider,
    command: {
      type: 'RegisterCoop',
      coopId,
      details: input.details,
      registeredOn: input.registeredOn,
      parent,
      today: jakartaBusinessDate(ctx.clock()),
    },
    metadata: { ...metadata, coopId },
    upcast: asCoopEvent,
  });
}

export async function coopCommand(
  ctx: MemberContext,
  coopId: string,
  command: Exclude<CoopCommand, { type: 'RegisterCoop' }>,
  metadata: EventMetadata,
  expectedRevision?: number,
) {
  return handleCommand(ctx.store, {
    stream: streams.coop(coopId),
    decider: coopDecider,
    command,
    metadata,
    upcast: asCoopEvent,
    ...(expectedRevision === undefined ? {} : { expectedRevision }),
  });
}
