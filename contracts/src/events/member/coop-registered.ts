import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId } from '../../ids';
import { ProvinceCode } from '../../province';
import { IsoDate } from '../../time';
import { CoopKind } from './vocabulary';

export const CoopRegisteredV1 = z.strictObject({
  coopId: CoopId,
  kind: CoopKind,
  // A legal entity's name is public: it is not personal data.
  name: z.string().min(1).max(200).describe("the coop's legal name"),
  legalEntityNumber: z
    .string()
    .regex(/^[\x20-\x7e]{1,100}$/)
    .describe('nomor badan hukum, as the Ministry of Law (AHU) issued it'),
  nikKoperasi: z
    .string()
    .regex(/^[0-9]{16}$/)
    .nullable()
    .describe('NIK koperasi (Nomor Induk Koperasi); null until the ministry issues one'),
  province: ProvinceCode.describe('province of the registered office'),
  parentCoopId: CoopId.nullable().describe(
    'the coop in the tier above; null for the top of this federation',
  ),
  registeredOn: IsoDate.describe('the date the coop joined the federation'),
});
export type CoopRegisteredV1 = z.output<typeof CoopRegisteredV1>;

export const CoopRegistered = defineEvent({
  name: 'CoopRegistered',
  service: 'member',
  description: 'A coop joined the federation as a tenant, under its parent coop.',
  versions: [
    {
      version: 1,
      schema: CoopRegisteredV1,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        kind: 'primary',
        name: 'Koperasi Simpan Pinjam Sejahtera Bersama',
        legalEntityNumber: 'AHU-0004521.AH.01.26.TAHUN 2021',
        nikKoperasi: '3273010020000451',
        province: '32',
        parentCoopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c00',
        registeredOn: '2026-01-05',
      },
    },
  ],
});
