import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { AgreementId, CoopId } from '../../ids';
import { IsoDate } from '../../time';

/** Closed loop: a coop transacts with another coop only under such a written agreement. */
export const CooperationAgreementSignedV1 = z.strictObject({
  agreementId: AgreementId,
  coopId: CoopId,
  partnerCoopId: CoopId,
  validFrom: IsoDate,
  validUntil: IsoDate.describe('last day of validity, inclusive'),
});
export type CooperationAgreementSignedV1 = z.output<typeof CooperationAgreementSignedV1>;

export const CooperationAgreementSigned = defineEvent({
  name: 'CooperationAgreementSigned',
  service: 'member',
  description: 'Two coops signed a written cooperation agreement (perjanjian kerja sama).',
  versions: [
    {
      version: 1,
      schema: CooperationAgreementSignedV1,
      example: {
        agreementId: '0193a3c2-7d40-7e11-8a5b-6c2d9e0f3a21',
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        partnerCoopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c02',
        validFrom: '2026-02-01',
        validUntil: '2028-01-31',
      },
    },
  ],
});
