import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, MemberId } from '../../ids';
import { IsoDate } from '../../time';
import { MemberLeftReason } from './vocabulary';

export const MemberLeftV1 = z.strictObject({
  coopId: CoopId,
  memberId: MemberId,
  reason: MemberLeftReason,
  leftOn: IsoDate,
});
export type MemberLeftV1 = z.output<typeof MemberLeftV1>;

/**
 * v2 says where a moved member went, so a consumer can tell a move (the person stays in the
 * federation, their history goes on in the new membership) from a resignation. Both fields are
 * optional: a coop's sync may report a move away without naming the coop, and departures
 * recorded before v2 named none.
 */
export const MemberLeftV2 = MemberLeftV1.extend({
  movedToCoopId: CoopId.optional().describe('for a move: the coop the person moved to'),
  movedToMemberId: MemberId.optional().describe(
    "for a move: the person's membership of the coop moved to, when the move made it",
  ),
});
export type MemberLeftV2 = z.output<typeof MemberLeftV2>;

export const MemberLeft = defineEvent({
  name: 'MemberLeft',
  service: 'member',
  description: 'A member left its coop; its savings and loans are settled by their services.',
  versions: [
    {
      version: 1,
      schema: MemberLeftV1,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
        reason: 'moved',
        leftOn: '2026-09-30',
      },
    },
    {
      version: 2,
      schema: MemberLeftV2,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
        reason: 'moved',
        leftOn: '2026-09-30',
        movedToCoopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c02',
        movedToMemberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e11',
      },
      // A v1 departure names no coop moved to, as a move reported without one does not.
      upcast: (v1: MemberLeftV1) => v1,
    },
  ],
});
