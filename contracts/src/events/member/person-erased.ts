import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { MemberId, PersonId } from '../../ids';
import { IsoInstant } from '../../time';

/** A person is a member of at most a few coops; the bound keeps one event small. */
const MAX_MEMBERSHIPS = 100;

export const PersonErasedV1 = z.strictObject({
  personId: PersonId,
  memberIds: z
    .array(MemberId)
    .max(MAX_MEMBERSHIPS)
    .describe("every membership the person held; the members' financial records stay"),
  erasedAt: IsoInstant,
});
export type PersonErasedV1 = z.output<typeof PersonErasedV1>;

export const PersonErased = defineEvent({
  name: 'PersonErased',
  service: 'member',
  description:
    "A person's key was destroyed (UU 27/2022, PDP): their personal data is unreadable " +
    'everywhere. Consumers drop any personal data they derived from it.',
  versions: [
    {
      version: 1,
      schema: PersonErasedV1,
      example: {
        personId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e00',
        memberIds: ['0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10'],
        erasedAt: '2026-11-28T03:15:00.000Z',
      },
    },
  ],
});
