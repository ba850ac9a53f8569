import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId } from '../../ids';
import { IsoDate } from '../../time';
import { CoopStatus, CoopStatusReason } from './vocabulary';

export const CoopStatusChangedV1 = z.strictObject({
  coopId: CoopId,
  from: CoopStatus,
  to: CoopStatus,
  reason: CoopStatusReason,
  effectiveOn: IsoDate,
});
export type CoopStatusChangedV1 = z.output<typeof CoopStatusChangedV1>;

export const CoopStatusChanged = defineEvent({
  name: 'CoopStatusChanged',
  service: 'member',
  description: "A coop's status changed (applied → active → suspended → exited).",
  versions: [
    {
      version: 1,
      schema: CoopStatusChangedV1,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        from: 'active',
        to: 'suspended',
        reason: 'rat_not_held',
        effectiveOn: '2026-07-01',
      },
    },
  ],
});
