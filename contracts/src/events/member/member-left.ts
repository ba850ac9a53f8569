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
  ],
});
