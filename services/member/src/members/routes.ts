import { z } from 'zod';
import { CoopId, MemberId, memberHttp } from '@kopfed/contracts';
import { notFound } from '@kopfed/domain';
import {
  defineRoute,
  HttpProblem,
  type AuthenticatedContext,
  type Route,
} from '@kopfed/service-kit';
import { caughtUp, type MemberContext } from '../context';
import { admitDeath, endMembershipsOfDeceased } from '../persons/death';
import { stmt } from '../sql';
import { findMember, type MemberRow } from './directory-projection';
import { joinMember } from './join-member';
import {
  leaveCoop,
  loadMember,
  movePerson,
  recordPersonalData,
  type NewMember,
} from './member-commands';

const CoopParams = z.strictObject({ coopId: CoopId });
const MemberParams = z.strictObject({ coopId: CoopId, memberId: MemberId });
const Cursor = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const PAGE = 100;

type MemberViewInput = z.input<typeof memberHttp.MemberView>;

/**
 * Personal data is shown only to the coop's own staff (and admins, who manage the node):
 * a parent's treasurer and auditors see memberships, not people.
 */
function maySeePersonalData(ctx: AuthenticatedContext, coopId: string): boolean {
  return (
    ctx.principal.role === 'admin' ||
    (ctx.principal.role === 'coop' && ctx.principal.coopId === coopId)
  );
}

export function memberView(
  ctx: MemberContext,
  row: MemberRow,
  showPersonalData: boolean,
): MemberViewInput {
  let personalData: MemberViewInput['personalData'] = null;
  if (row.kind === 'person') {
    if (row.erased || !row.sealed) personalData = 'erased';
    else if (!showPersonalData) personalData = 'withheld';
    else personalData = ctx.vault.open(row.person_id!, row.sealed);
  }
  return {
    memberId: row.member_id,
    coopId: row.coop_id,
    memberNumber: row.member_number,
    externalId: row.external_id,
    kind: row.kind,
    personId: row.person_id,
    memberCoopId: row.member_coop_id,
    status: row.status,
    joinedOn: row.joined_on,
    leftOn: row.left_on,
    leftReason: row.left_reason,
    personalData,
  };
}

function ref(row: MemberRow) {
  return {
    memberId: row.member_id,
    coopId: row.coop_id,
    memberNumber: row.member_number,
    status: row.status,
    personId: row.person_id,
  };
}

export function memberRoutes(ctx: MemberContext): Route[] {
  const read = async (coopId: string, memberId: string) => {
    await caughtUp(ctx);
    const row = findMember(ctx.db, memberId);
    if (!row || row.coop_id !== coopId)
      throw notFound('member_not_found', 'no such member in this coop');
    return row;
  };
  const staff = {
    roles: ['coop', 'treasurer', 'admin'],
    coopScope: { pathParam: 'coopId' },
  } as const;
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/members',
      operationId: 'joinMember',
      summary: 'A person or a member coop joins a coop',
      description:
        'The response never contains personal data. Send an Idempotency-Key: a retry then lands on the same member.',
      request: { params: CoopParams, body: memberHttp.JoinMemberRequest },
      responses: { 201: memberHttp.MemberRef },
      policy: staff,
      handler: async ({ params, body }, rctx) => {
        const member: NewMember = {
          memberNumber: body.memberNumber,
          externalId: body.externalId ?? null,
          joinedOn: body.joinedOn,
          membership:
            body.kind === 'person'
              ? {
                  kind: 'person',
                  person: body.person,
                  ...(body.personId ? { personId: body.personId } : {}),
                }
              : { kind: 'coop', memberCoopId: body.memberCoopId },
        };
        const result = await joinMember(ctx, params.coopId, member, rctx.metadata, {
          ...(rctx.idempotencyKey ? { idempotencyKey: rctx.idempotencyKey } : {}),
          reaches: (coopId) => rctx.reaches(coopId),
        });
        const memberId = result.state.memberId!;
        return {
          status: 201,
          body: ref(await read(params.coopId, memberId)),
          etag: result.revision!,
          location: `/api/member/v1/coops/${params.coopId}/members/${memberId}`,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/members',
      operationId: 'listMembers',
      summary: 'The member directory of a coop, cursor-paged; find by member number or external id',
      request: {
        params: CoopParams,
        query: z.strictObject({
          cursor: Cursor.optional(),
          limit: z.coerce.number().int().min(1).max(PAGE).optional(),
          memberNumber: memberHttp.MemberNumberSchema.optional(),
          externalId: memberHttp.ExternalIdSchema.optional(),
          status: z.enum(['active', 'left']).optional(),
        }),
      },
      responses: { 200: memberHttp.MemberPage },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      handler: async ({ params, query }, rctx) => {
        await caughtUp(ctx);
        const limit = query.limit ?? PAGE;
        const after = query.cursor ? Buffer.from(query.cursor, 'base64url').toString('utf8') : '';
        const rows = stmt<[Record<string, string | number | null>], MemberRow>(
          ctx.db,
          `SELECT * FROM members WHERE coop_id = @coop AND member_id > @after
             AND (@number IS NULL OR member_number = @number) AND (@external IS NULL OR external_id = @external)
             AND (@status IS NULL OR status = @status)
           ORDER BY member_id LIMIT @limit`,
        ).all({
          coop: params.coopId,
          after,
          number: query.memberNumber ?? null,
          external: query.externalId ?? null,
          status: query.status ?? null,
          limit: limit + 1,
        });
        const page = rows.slice(0, limit);
        const show = maySeePersonalData(rctx, params.coopId);
        return {
          status: 200,
          body: {
            items: page.map((row) => memberView(ctx, row, show)),
            nextCursor:
              rows.length > limit
                ? Buffer.from(page[page.length - 1]!.member_id, 'utf8').toString('base64url')
                : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/members/{memberId}',
      operationId: 'getMember',
      summary: 'A member; personal data only for the coop’s own staff, "erased" after erasure',
      request: { params: MemberParams },
      responses: { 200: memberHttp.MemberView },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      ifMatch: true,
      handler: async ({ params }, rctx) => {
        const row = await read(params.coopId, params.memberId);
        const { revision } = await loadMember(ctx, params.memberId);
        return {
          status: 200,
          body: memberView(ctx, row, maySeePersonalData(rctx, params.coopId)),
          etag: revision!,
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/coops/{coopId}/members/{memberId}/personal-data',
      operationId: 'recordPersonalData',
      summary: 'Correct a person member’s personal data (sealed with the person’s key)',
      request: { params: MemberParams, body: memberHttp.PersonalDataSchema },
      responses: { 200: memberHttp.MemberRef },
      policy: { roles: ['coop', 'admin'], coopScope: { pathParam: 'coopId' } },
      ifMatch: true,
      handler: async ({ params, body }, rctx) => {
        const result = await recordPersonalData(
          ctx,
          params.coopId,
          params.memberId,
          body,
          rctx.metadata,
          rctx.expectedRevision,
        );
        return {
          status: 200,
          body: ref(await read(params.coopId, params.memberId)),
          etag: result.revision!,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/members/{memberId}/departure',
      operationId: 'leaveCoop',
      summary: 'A member resigns, dies or is expelled',
      request: { params: MemberParams, body: memberHttp.LeaveRequest },
      responses: { 200: memberHttp.MemberRef },
      policy: staff,
      ifMatch: true,
      handler: async ({ params, body }, rctx) => {
        await read(params.coopId, params.memberId);
        const died = body.reason === 'deceased';
        if (died) await admitDeath(ctx, params.memberId, body.leftOn);
        const result = await leaveCoop(
          ctx,
          params.memberId,
          { ...body, movedToCoopId: null },
          rctx.metadata,
          rctx.expectedRevision,
        );
        // The person is a member of no coop now; the death policy ends whatever this does not.
        if (died)
          await endMembershipsOfDeceased(
            ctx,
            params.memberId,
            body.leftOn,
            rctx.metadata,
            result.position,
          );
        return {
          status: 200,
          body: ref(await read(params.coopId, params.memberId)),
          etag: result.revision!,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/members/{memberId}/move',
      operationId: 'movePerson',
      summary:
        'A person moves to another coop, keeping their history (staff of both coops, or the parent’s treasurer)',
      request: { params: MemberParams, body: memberHttp.MoveRequest },
      responses: { 200: z.object({ from: memberHttp.MemberRef, to: memberHttp.MemberRef }) },
      policy: staff,
      handler: async ({ params, body }, rctx) => {
        if (!rctx.reaches(body.toCoopId))
          throw new HttpProblem('forbidden', 'this credential does not reach the coop moved to');
        const { newMemberId } = await movePerson(
          ctx,
          params.coopId,
          params.memberId,
          body,
          rctx.metadata,
        );
        return {
          status: 200,
          body: {
            from: ref(await read(params.coopId, params.memberId)),
            to: ref(await read(body.toCoopId, newMemberId)),
          },
        };
      },
    }),
  ];
}
