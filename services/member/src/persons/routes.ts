import { z } from 'zod';
import { CoopId, MemberId, PersonId } from '@kopfed/contracts';
import { defineRoute, type Route } from '@kopfed/service-kit';
import type { MemberContext } from '../context';
import { erasePerson } from './erasure';

export function personRoutes(ctx: MemberContext): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/members/{memberId}/erasure',
      operationId: 'erasePerson',
      summary:
        'Erase the person of this membership (UU 27/2022): their data becomes unreadable everywhere',
      description:
        'Destroys the person’s key: every sealed copy of their data, in this and any other membership, reads "erased" from now on. Memberships, balances and history stay.',
      request: { params: z.strictObject({ coopId: CoopId, memberId: MemberId }) },
      responses: {
        200: z.object({
          personId: PersonId,
          memberIds: z.array(MemberId),
          erased: z.literal(true),
        }),
      },
      policy: { roles: ['coop', 'admin'], coopScope: { pathParam: 'coopId' } },
      handler: async ({ params }, rctx) => {
        const { personId, memberIds } = await erasePerson(
          ctx,
          params.coopId,
          params.memberId,
          rctx.principal.keyId,
          rctx.metadata,
        );
        return { status: 200, body: { personId, memberIds, erased: true } };
      },
    }),
  ];
}
