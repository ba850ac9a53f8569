import { z } from 'zod';

/** A primary coop's members are people; a secondary's are coops; a tertiary's are secondaries. */
export const CoopKind = z.enum(['primary', 'secondary', 'tertiary']);
export type CoopKind = z.output<typeof CoopKind>;

/**
 * A member coop's lifecycle in the federation:
 *   applied    registered, waiting for its parent's admin or treasurer to approve it
 *   active     a member in good standing
 *   suspended  its parent has suspended its membership services; may be reinstated
 *   exited     left the federation (resigned, merged, dissolved); final
 */
export const CoopStatus = z.enum(['applied', 'active', 'suspended', 'exited']);
export type CoopStatus = z.output<typeof CoopStatus>;

/**
 * A reason code, not free text: free text would invite personal data into the event.
 */
export const CoopStatusReason = z.enum([
  'approved',
  'rat_not_held',
  'reinstated',
  'members_resolution',
  'federation_decision',
  'government_decision',
  'merged',
  'dissolved',
  'other',
]);
export type CoopStatusReason = z.output<typeof CoopStatusReason>;

export const MemberKind = z.enum(['person', 'coop']);
export type MemberKind = z.output<typeof MemberKind>;

export const MemberLeftReason = z.enum(['resigned', 'deceased', 'expelled', 'moved']);
export type MemberLeftReason = z.output<typeof MemberLeftReason>;

/** A coop's own member number (nomor anggota), as printed on its member cards. */
export const MemberNumber = z
  .string()
  .regex(/^[A-Za-z0-9./_-]{1,32}$/)
  .describe("the coop's own member number (nomor anggota)");

/** A financial year (tahun buku) of a coop: the calendar year. */
export const FinancialYear = z.int().min(1945).max(2999);
