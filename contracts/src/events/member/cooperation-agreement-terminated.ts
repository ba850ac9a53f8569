import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { AgreementId } from '../../ids';
import { IsoDate } from '../../time';

export const CooperationAgreementTerminatedV1 = z.strictObject({
  agreementId: AgreementId,
  terminatedOn: IsoDate.describe('the first day the agreement is no longer in force'),
});
export type CooperationAgreementTerminatedV1 = z.output<typeof CooperationAgreementTerminatedV1>;

export const CooperationAgreementTerminated = defineEvent({
  name: 'CooperationAgreementTerminated',
  service: 'member',
  description: 'A cooperation agreement was ended before its validity ran out.',
  versions: [
    {
      version: 1,
      schema: CooperationAgreementTerminatedV1,
      example: { agreementId: '0193a3c5-7d2e-7f1a-8b3c-4d5e6f7a8b9c', terminatedOn: '2026-09-01' },
    },
  ],
});
