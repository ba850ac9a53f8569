import { z } from 'zod';

/**
 * A real calendar date `YYYY-MM-DD` (no 2026-02-30). Business dates are Asia/Jakarta dates;
 * dates of legal acts (joined, left, valid from) are the dates the act took effect.
 */
export const IsoDate = z.iso.date().describe('calendar date YYYY-MM-DD');
export type IsoDate = z.output<typeof IsoDate>;

/** A UTC instant in ISO 8601 with `Z`, e.g. `2026-11-28T03:15:00.000Z`; offsets are refused. */
export const IsoInstant = z.iso.datetime().describe('UTC instant, ISO 8601 ending in Z');
export type IsoInstant = z.output<typeof IsoInstant>;
