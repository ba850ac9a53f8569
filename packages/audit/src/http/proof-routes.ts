import { z } from 'zod';
import { notFound, rejected } from '@kopfed/domain';
import { defineRoute, type AuthenticatedContext, type Route } from '@kopfed/service-kit';
import { ProofUnavailableError } from '../proofs/inclusion-prover';
import { InclusionProof, StreamProof } from '../proofs/proof-format';
import type { AuditContext } from './audit-context';
import { ProofQuery, StoreName, StreamName, StreamProofQuery } from './schemas';

const AUDITORS = { roles: ['auditor', 'admin'], coopScope: 'federation' } as const;

export function proofRoutes(ctx: AuditContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/events/{eventId}/proof',
      operationId: 'proveEvent',
      summary: 'Prove that an event is in a signed checkpoint',
      description:
        'The event’s canonical text, its audit path and the signed checkpoint: checkable offline with `kopfed audit check-proof`. 404 when no event has that id (or it belongs to a coop the caller does not reach), 422 when no checkpoint covers it yet.',
      request: { params: z.strictObject({ eventId: z.uuid() }), query: ProofQuery },
      responses: { 200: InclusionProof },
      policy: AUDITORS,
      handler: async ({ params, query }, rctx) => {
        const location = await ctx.proofs.locate(params.eventId);
        if (!location || (location.coopId !== undefined && !rctx.reaches(location.coopId)))
          throw notFound('event_not_found', 'no event with this id in your scope');
        const proof = await unavailableAs422(() =>
          ctx.proofs.inclusion(location.store, location.position, query.checkpoint),
        );
        return { status: 200, body: proof };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/stores/{store}/streams/{stream}/proof',
      operationId: 'proveStream',
      summary: 'A stream’s events up to a checkpoint, each with its audit path (the balance proof)',
      description:
        'What an account’s balance at a checkpoint is computed from: at most 1,000 events from `fromRevision`; `complete` is false when more follow before the checkpoint. `head` is the stream’s last revision at the checkpoint with its path to the checkpoint’s signed `streamHeadsRoot`, so `kopfed audit check-proof` finds a proof whose last events were dropped; checkpoints signed before stream heads existed have neither. 422 when the stream has no events in the checkpoint, or `fromRevision` is past its head.',
      request: {
        params: z.strictObject({ store: StoreName, stream: StreamName }),
        query: StreamProofQuery,
      },
      responses: { 200: StreamProof },
      policy: AUDITORS,
      handler: async ({ params, query }, rctx) => {
        const store = ctx.stores.get(params.store);
        if (!store) throw notFound('store_not_found', `this node has no store ${params.store}`);
        // Before the proof: a refusal to prove must not tell how far another coop's stream got.
        const [first] = await store.readStream(params.stream, { maxCount: 1 });
        if (first) assertReachable([first.metadata], rctx);
        const proof = await unavailableAs422(() =>
          ctx.proofs.stream(params.store, params.stream, {
            fromRevision: query.fromRevision,
            ...(query.checkpoint === undefined ? {} : { sequence: query.checkpoint }),
          }),
        );
        assertReachable(
          proof.events.map((e) => (JSON.parse(e.canonicalText) as { metadata?: unknown }).metadata),
          rctx,
        );
        return { status: 200, body: proof };
      },
    }),
  ];
}

/** A stream is shown only when the caller reaches every coop its events belong to. */
function assertReachable(metadata: readonly unknown[], rctx: AuthenticatedContext): void {
  for (const m of metadata) {
    const coopId = (m as { coopId?: unknown } | undefined)?.coopId;
    if (typeof coopId === 'string' && !rctx.reaches(coopId))
      throw notFound('stream_not_found', 'no such stream in your scope');
  }
}

async function unavailableAs422<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProofUnavailableError) throw rejected('proof_unavailable', error.message);
    throw error;
  }
}
