import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId } from '../../ids';
import { IsoDate } from '../../time';
import { FinancialYear } from './vocabulary';

export const CoopRatHeldV1 = z.strictObject({
  coopId: CoopId,
  financialYear: FinancialYear.describe(
    "the financial year the RAT (annual members' meeting) closed",
  ),
  heldOn: IsoDate,
});
export type CoopRatHeldV1 = z.output<typeof CoopRatHeldV1>;

export const CoopRatHeld = defineEvent({
  name: 'CoopRatHeld',
  service: 'member',
  description: "A coop held its RAT (annual members' meeting) for a financial year.",
  versions: [
    {
      version: 1,
      schema: CoopRatHeldV1,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        financialYear: 2025,
        heldOn: '2026-03-14',
      },
    },
  ],
});
