import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, MemberId } from '../../ids';

/**
 * A membership the coop's own system did not make through sync (a person moved in from
 * another coop, or joined by hand) takes that system's id for the member when the coop first
 * syncs it. MemberJoined carried null for it; services that match the coop's synced savings
 * and loans to members by external id learn it here. An external id, once attached, is never
 * changed.
 */
export const ExternalIdAttachedV1 = z.strictObject({
  coopId: CoopId,
  memberId: MemberId,
  externalId: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]{1,64}$/)
    .describe("the member's id in the coop's own system"),
});
export type ExternalIdAttachedV1 = z.output<typeof ExternalIdAttachedV1>;

export const ExternalIdAttached = defineEvent({
  name: 'ExternalIdAttached',
  service: 'member',
  description:
    "A coop's own system named, by its external id, a member it had not synced before " +
    '(a person moved in); its synced savings and loans may name the member by it from now on.',
  versions: [
    {
      version: 1,
      schema: ExternalIdAttachedV1,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c02',
        memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e30',
        externalId: 'KM-000090',
      },
    },
  ],
});
