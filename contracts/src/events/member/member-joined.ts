import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, MemberId } from '../../ids';
import { IsoDate } from '../../time';
import { MemberNumber } from './vocabulary';

const joined = {
  coopId: CoopId,
  memberId: MemberId,
  memberNumber: MemberNumber,
  joinedOn: IsoDate,
};

/** A person member is referred to by id only: no name, NIK, birth date, address or phone. */
const PersonJoinedV1 = z.strictObject({ ...joined, memberKind: z.literal('person') });
const CoopJoinedV1 = z.strictObject({
  ...joined,
  memberKind: z.literal('coop'),
  memberCoopId: CoopId.describe('the member coop itself'),
});

export const MemberJoinedV1 = z.discriminatedUnion('memberKind', [PersonJoinedV1, CoopJoinedV1]);
export type MemberJoinedV1 = z.output<typeof MemberJoinedV1>;

/**
 * v2 adds the member's id in the coop's own system (`externalId`), so that services which
 * receive that coop's synced savings and loans can match them to the member. Gender,
 * address and the like never appear: they are personal data (BRIEF §4, UU 27/2022) and the
 * member service counts them itself.
 */
const ExternalId = z
  .string()
  .regex(/^[A-Za-z0-9._:/-]{1,64}$/)
  .nullable()
  .describe("the member's id in the coop's own system; null for members registered in kopfed");
const PersonJoinedV2 = PersonJoinedV1.extend({ externalId: ExternalId });
const CoopJoinedV2 = CoopJoinedV1.extend({ externalId: ExternalId });

export const MemberJoinedV2 = z.discriminatedUnion('memberKind', [PersonJoinedV2, CoopJoinedV2]);
export type MemberJoinedV2 = z.output<typeof MemberJoinedV2>;

export const MemberJoined = defineEvent({
  name: 'MemberJoined',
  service: 'member',
  description: 'A person or a coop became a member of a coop.',
  versions: [
    {
      version: 1,
      schema: MemberJoinedV1,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
        memberNumber: '2026.0153',
        joinedOn: '2026-02-02',
        memberKind: 'person',
      },
    },
    {
      version: 2,
      schema: MemberJoinedV2,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e11',
        memberNumber: '2026.0154',
        joinedOn: '2026-02-03',
        memberKind: 'person',
        externalId: 'AGT-000154',
      },
      // Members who joined before v2 carried no external id.
      upcast: (v1: MemberJoinedV1) => ({ ...v1, externalId: null }),
    },
  ],
});
