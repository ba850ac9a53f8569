import { v7 as uuidv7 } from 'uuid';
import {
  type EventMetadata,
  handleCommand,
  jakartaBusinessDate,
  loadAggregate,
  release,
  reserve,
  type RecordedEvent,
} from '@kopfed/eventstore';
import { conflict } from '@kopfed/domain';
import { caughtUp, type MemberContext } from '../context';
import { coopWithLegalEntity } from './coop-projection';
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
  const scope = legalEntityScope(input.details.legalEntityNumber);
  const fresh = await claimLegalEntity(ctx, scope, coopId, metadata);
  try {
    return await handleCommand(ctx.store, {
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
  } catch (error) {
    // A refused registration gives the legal entity back, unless the coop exists after all.
    if (fresh && !(await loadCoop(ctx, coopId)).state.status)
      await release(ctx.store, scope, coopId, metadata);
    throw error;
  }
}

/** A legal entity (nomor badan hukum) is one coop of the federation while it is in it. */
const legalEntityScope = (legalEntityNumber: string) =>
  `legalentity:${normalLegalEntityNumber(legalEntityNumber)}`;
const normalLegalEntityNumber = (legalEntityNumber: string) =>
  legalEntityNumber.trim().replace(/\s+/g, ' ').toUpperCase();

/** A claim changes hands from an exited coop at most this often in one call. */
const MAX_TAKEOVERS = 3;

/**
 * Claims the legal entity for `coopId`, so a registration resent without a coop id makes no
 * second coop of it: counted twice, the ministry's numbers would be wrong. An exited coop
 * gives way (the entity may join again); coops registered before this claim existed are
 * found in the read model. Resolves whether this call made the claim.
 */
async function claimLegalEntity(
  ctx: MemberContext,
  scope: string,
  coopId: string,
  metadata: EventMetadata,
): Promise<boolean> {
  const taken = (holder: string) =>
    conflict(
      'legal_entity_registered',
      `this legal entity is already registered in the federation, as coop ${holder}`,
    );
  for (let attempt = 1; attempt <= MAX_TAKEOVERS; attempt++) {
    const claim = await reserve(ctx.store, scope, coopId, metadata);
    if (claim.reserved) {
      if (!claim.fresh) return false;
      await caughtUp(ctx);
      const unclaimed = coopWithLegalEntity(ctx.db, scope.slice('legalentity:'.length), coopId);
      if (unclaimed === undefined) return true;
      await release(ctx.store, scope, coopId, metadata);
      throw taken(unclaimed);
    }
    const { state: holder } = await loadCoop(ctx, claim.heldBy);
    if (holder.status !== 'exited') throw taken(claim.heldBy);
    await release(ctx.store, scope, claim.heldBy, metadata);
  }
  throw conflict('legal_entity_registered', 'this legal entity is being registered meanwhile');
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
