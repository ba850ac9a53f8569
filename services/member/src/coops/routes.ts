import { z } from 'zod';
import { CoopId, memberHttp } from '@kopfed/contracts';
import { invariant, notFound } from '@kopfed/domain';
import { jakartaBusinessDate } from '@kopfed/eventstore';
import {
  defineRoute,
  HttpProblem,
  type AuthenticatedContext,
  type Route,
} from '@kopfed/service-kit';
import { caughtUp, type MemberContext } from '../context';
import { coopCommand, coopView as parentView, loadCoop, registerCoop } from './coop-commands';
import { ratOverdue, type ParentView, type StatusReason } from './coop.decider';
import { findCoop, type CoopRow } from './coop-projection';
import { exitCoop } from './exit';

const CoopParams = z.strictObject({ coopId: CoopId });
const ParentParams = z.strictObject({ parentCoopId: CoopId });
const Created = { 201: memberHttp.CoopView };

export function coopView(row: CoopRow, today: string): z.input<typeof memberHttp.CoopView> {
  const ratYears = JSON.parse(row.rat_years) as number[];
  return {
    coopId: row.coop_id,
    kind: row.kind,
    name: row.name,
    legalEntityNumber: row.legal_entity_number,
    nikKoperasi:
      row.nik_koperasi && row.nik_valid_until
        ? { number: row.nik_koperasi, validUntil: row.nik_valid_until }
        : null,
    province: row.province as z.input<typeof memberHttp.CoopView>['province'],
    parentCoopId: row.parent_id,
    status: row.status,
    registeredOn: row.registered_on,
    ratYears,
    ratOverdue: row.status === 'active' && ratOverdue(ratYears, today),
  };
}

/**
 * Approving, suspending, reinstating and exiting a coop is its parent's decision (BRIEF §2):
 * the parent's treasurer or an admin; not the coop itself, nor a coop further up, whose
 * treasurer reaches the coop but does not decide for the tier between.
 */
async function requireParentAuthority(
  ctx: MemberContext,
  rctx: AuthenticatedContext,
  coopId: string,
): Promise<ParentView | null> {
  const { state } = await loadCoop(ctx, coopId);
  const parentCoopId = state.details?.parentCoopId ?? null;
  const parent = parentCoopId === null ? null : await parentView(ctx, parentCoopId);
  if (rctx.principal.role === 'admin' || !state.details) return parent; // no such coop: the command says so
  if (rctx.principal.coopId !== parentCoopId) {
    throw new HttpProblem(
      'forbidden',
      "a coop's status is decided by its parent's treasurer or an admin, not by the coop itself or a coop further up",
    );
  }
  return parent;
}

export function coopRoutes(ctx: MemberContext): Route[] {
  const today = () => jakartaBusinessDate(ctx.clock());
  const read = async (coopId: string) => {
    await caughtUp(ctx);
    const row = findCoop(ctx.db, coopId);
    if (!row) throw notFound('coop_not_found', 'no such coop');
    return row;
  };
  const register = async (
    body: z.output<typeof memberHttp.RegisterCoopRequest>,
    rctx: AuthenticatedContext,
  ) => {
    const { coopId, registeredOn, ...details } = body;
    const result = await registerCoop(ctx, { coopId, details, registeredOn }, rctx.metadata);
    const id = (result.state.coopId ?? coopId)!;
    return {
      status: 201 as const,
      body: coopView(await read(id), today()),
      etag: result.revision!,
      location: `/api/member/v1/coops/${id}`,
    };
  };
  const statusChange = (
    path: string,
    operationId: string,
    summary: string,
    to: (
      reason: StatusReason | undefined,
      on: string,
      today: string,
      parent: ParentView | null,
    ) => Parameters<typeof coopCommand>[2],
    run: typeof coopCommand = coopCommand,
  ) =>
    defineRoute({
      method: 'POST',
      path: `/coops/{coopId}/${path}`,
      operationId,
      summary,
      request: { params: CoopParams, body: memberHttp.CoopStatusChangeRequest },
      responses: { 200: memberHttp.CoopView },
      policy: { roles: ['treasurer', 'admin'], coopScope: { pathParam: 'coopId' } },
      ifMatch: true,
      handler: async ({ params, body }, rctx) => {
        const parent = await requireParentAuthority(ctx, rctx, params.coopId);
        const result = await run(
          ctx,
          params.coopId,
          to(body.reason, body.on, today(), parent),
          rctx.metadata,
          rctx.expectedRevision,
        );
        return {
          status: 200,
          body: coopView(await read(params.coopId), today()),
          etag: result.revision!,
        };
      },
    });
  return [
    defineRoute({
      method: 'POST',
      path: '/coops',
      operationId: 'registerCoop',
      summary: 'Register a coop (an admin: any coop, including the top of a federation)',
      request: { body: memberHttp.RegisterCoopRequest },
      responses: Created,
      policy: { roles: ['admin'], coopScope: 'federation' },
      handler: async ({ body }, rctx) => register(body, rctx),
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{parentCoopId}/member-coops',
      operationId: 'registerMemberCoop',
      summary: 'Register a coop under its parent (the parent’s treasurer); it starts as applied',
      request: { params: ParentParams, body: memberHttp.RegisterCoopRequest },
      responses: Created,
      policy: { roles: ['treasurer', 'admin'], coopScope: { pathParam: 'parentCoopId' } },
      handler: async ({ params, body }, rctx) => {
        if (body.parentCoopId !== params.parentCoopId) {
          throw new HttpProblem('validation-failed', 'parentCoopId must be the coop in the path', {
            errors: [
              {
                in: 'body',
                pointer: '/parentCoopId',
                detail: 'must equal the path parameter parentCoopId',
              },
            ],
          });
        }
        return register(body, rctx);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}',
      operationId: 'getCoop',
      summary: 'A coop, with its status and RAT record',
      request: { params: CoopParams },
      responses: { 200: memberHttp.CoopView },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      ifMatch: true,
      handler: async ({ params }) => {
        const row = await read(params.coopId);
        const { revision } = await loadCoop(ctx, params.coopId);
        return { status: 200, body: coopView(row, today()), etag: revision! };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/member-coops',
      operationId: 'listMemberCoops',
      summary: 'The coops directly below a coop',
      request: {
        params: CoopParams,
        query: z.strictObject({
          status: z.enum(['applied', 'active', 'suspended', 'exited']).optional(),
        }),
      },
      responses: { 200: z.object({ items: z.array(memberHttp.CoopView) }) },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      handler: async ({ params, query }) => {
        await caughtUp(ctx);
        const rows = ctx.db
          .prepare<[string], CoopRow>(
            'SELECT * FROM coops WHERE parent_id = ? ORDER BY name, coop_id',
          )
          .all(params.coopId)
          .filter((r) => !query.status || r.status === query.status);
        return { status: 200, body: { items: rows.map((r) => coopView(r, today())) } };
      },
    }),
    statusChange(
      'approval',
      'approveCoop',
      'Approve an applied coop (its parent’s treasurer or an admin)',
      (_, on, today, parent) => ({ type: 'ApproveCoop', on, today, parent }),
    ),
    statusChange('suspension', 'suspendCoop', 'Suspend an active coop', (reason, on, today) => ({
      type: 'SuspendCoop',
      on,
      reason: reason ?? 'federation_decision',
      today,
    })),
    statusChange(
      'reinstatement',
      'reinstateCoop',
      'Reinstate a suspended coop',
      (_, on, today, parent) => ({ type: 'ReinstateCoop', on, today, parent }),
    ),
    statusChange(
      'exit',
      'exitCoop',
      'Record that a coop has left the federation (final)',
      (reason, on, today) => ({ type: 'ExitCoop', on, reason: reason ?? 'other', today }),
      async (_, coopId, command, metadata, expectedRevision) => {
        invariant(command.type === 'ExitCoop', 'the exit route exits');
        const { on, reason } = command;
        return exitCoop(ctx, coopId, { on, reason }, metadata, expectedRevision);
      },
    ),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/rats',
      operationId: 'recordRat',
      summary: 'Record the RAT (annual members’ meeting) of a financial year',
      request: { params: CoopParams, body: memberHttp.RecordRatRequest },
      responses: { 200: memberHttp.CoopView },
      policy: { roles: ['coop', 'treasurer', 'admin'], coopScope: { pathParam: 'coopId' } },
      ifMatch: true,
      handler: async ({ params, body }, rctx) => {
        const result = await coopCommand(
          ctx,
          params.coopId,
          { type: 'RecordRat', ...body, today: today() },
          rctx.metadata,
          rctx.expectedRevision,
        );
        return {
          status: 200,
          body: coopView(await read(params.coopId), today()),
          etag: result.revision!,
        };
      },
    }),
  ];
}
