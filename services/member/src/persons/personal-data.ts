import { z } from 'zod';
import { IsoDate, ProvinceCode } from '@kopfed/contracts';

/**
 * Personal data of a person member (UU 27/2022, PDP). It exists in plaintext only in memory
 * and in HTTP bodies: at rest it is always sealed with the person's own key (person-vault.ts).
 */
export const PersonalData = z.strictObject({
  name: z.string().trim().min(1).max(200),
  nik: z.string().regex(/^\d{16}$/, 'a NIK is 16 digits'),
  birthDate: IsoDate,
  gender: z.enum(['female', 'male']),
  address: z.strictObject({
    line: z.string().trim().min(1).max(300),
    village: z.string().trim().max(100).optional(),
    district: z.string().trim().max(100).optional(),
    regency: z.string().trim().max(100).optional(),
    province: ProvinceCode,
    postalCode: z
      .string()
      .regex(/^\d{5}$/)
      .optional(),
  }),
  phone: z
    .string()
    .regex(/^\+?[0-9]{8,15}$/, 'digits, optionally with a leading +')
    .optional(),
});
export type PersonalData = z.output<typeof PersonalData>;
