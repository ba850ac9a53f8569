import { z } from 'zod';

/**
 * Kemendagri province codes, the first two digits of a NIK: 11–19, 21, 31–36, 51–53, 61–65,
 * 71–76, 81–82, 91–96 (93–96 are the Papua provinces formed in 2022).
 */
// prettier-ignore
export const PROVINCE_CODES = [
  '11', '12', '13', '14', '15', '16', '17', '18', '19',
  '21',
  '31', '32', '33', '34', '35', '36',
  '51', '52', '53',
  '61', '62', '63', '64', '65',
  '71', '72', '73', '74', '75', '76',
  '81', '82',
  '91', '92', '93', '94', '95', '96',
] as const;

export const ProvinceCode = z
  .enum(PROVINCE_CODES)
  .describe('Kemendagri province code, e.g. 32 (Jawa Barat)');
export type ProvinceCode = z.output<typeof ProvinceCode>;
