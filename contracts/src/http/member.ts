import { z } from 'zod';
import { AgreementId, CoopId, MemberId, PersonId } from '../ids';
import { ProvinceCode } from '../province';
import { IsoDate } from '../time';

/**
 * The member service's HTTP messages (`/api/member/v1`). The OpenAPI document is generated
 * from the routes that use these schemas.
 */
const text = (max: number) => z.string().trim().min(1).max(max);

export const CoopKindSchema = z.enum(['primary', 'secondary', 'tertiary']);
export const CoopStatusSchema = z.enum(['applied', 'active', 'suspended', 'exited']);
export const StatusReasonSchema = z.enum([
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

export const CoopAddressSchema = z.strictObject({
  line: text(300),
  regency: text(100).optional(),
  province: ProvinceCode,
  postalCode: z
    .string()
    .regex(/^\d{5}$/)
    .optional(),
});

export const RegisterCoopRequest = z.strictObject({
  coopId: CoopId.optional().describe(
    'chosen by the caller for idempotent retries; generated when absent',
  ),
  kind: CoopKindSchema,
  name: text(200),
  legalEntityNumber: z
    .string()
    .regex(/^[\x20-\x7e]{1,100}$/)
    .describe('nomor badan hukum (AHU)'),
  nikKoperasi: z
    .strictObject({ number: z.string().regex(/^\d{16}$/), validUntil: IsoDate })
    .nullable()
    .describe('NIK koperasi and the date it is valid until; null until issued'),
  npwp: z
    .string()
    .regex(/^\d{15,16}$/)
    .describe("the coop's tax number (15 or 16 digits)"),
  address: CoopAddressSchema,
  parentCoopId: CoopId.nullable(),
  registeredOn: IsoDate,
});

export const CoopView = z.object({
  coopId: CoopId,
  kind: CoopKindSchema,
  name: z.string(),
  legalEntityNumber: z.string(),
  nikKoperasi: z.object({ number: z.string(), validUntil: IsoDate }).nullable(),
  province: ProvinceCode,
  parentCoopId: CoopId.nullable(),
  status: CoopStatusSchema,
  registeredOn: IsoDate,
  ratYears: z.array(z.int()),
  ratOverdue: z
    .boolean()
    .describe("the last closed year's RAT is not recorded and it is past 30 June"),
});

export const CoopStatusChangeRequest = z.strictObject({
  on: IsoDate,
  reason: StatusReasonSchema.optional(),
});

export const RecordRatRequest = z.strictObject({
  financialYear: z.int().min(1945).max(2999),
  heldOn: IsoDate,
});

export const SignAgreementRequest = z.strictObject({
  agreementId: AgreementId.optional(),
  partnerCoopId: CoopId,
  validFrom: IsoDate,
  validUntil: IsoDate,
});

export const AgreementView = z.object({
  agreementId: AgreementId,
  coopId: CoopId,
  partnerCoopId: CoopId,
  validFrom: IsoDate,
  validUntil: IsoDate,
  terminatedOn: IsoDate.nullable(),
  inForce: z.boolean(),
});

export const MemberNumberSchema = z.string().regex(/^[A-Za-z0-9./_-]{1,32}$/);
export const ExternalIdSchema = z.string().regex(/^[A-Za-z0-9._:/-]{1,64}$/);

export const PersonalDataSchema = z.strictObject({
  name: text(200),
  nik: z.string().regex(/^\d{16}$/, 'a NIK is 16 digits'),
  birthDate: IsoDate,
  gender: z.enum(['female', 'male']),
  address: z.strictObject({
    line: text(300),
    village: text(100).optional(),
    district: text(100).optional(),
    regency: text(100).optional(),
    province: ProvinceCode,
    postalCode: z
      .string()
      .regex(/^\d{5}$/)
      .optional(),
  }),
  phone: z
    .string()
    .regex(/^\+?[0-9]{8,15}$/)
    .optional(),
});

export const JoinMemberRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('person'),
    memberNumber: MemberNumberSchema,
    externalId: ExternalIdSchema.optional(),
    joinedOn: IsoDate,
    person: PersonalDataSchema,
    personId: PersonId.optional().describe('an existing person moving here keeps their id'),
  }),
  z.strictObject({
    kind: z.literal('coop'),
    memberNumber: MemberNumberSchema,
    externalId: ExternalIdSchema.optional(),
    joinedOn: IsoDate,
    memberCoopId: CoopId,
  }),
]);

/** What a write returns: never personal data (idempotency records keep responses). */
export const MemberRef = z.object({
  memberId: MemberId,
  coopId: CoopId,
  memberNumber: z.string(),
  status: z.enum(['active', 'left']),
  personId: PersonId.nullable(),
});

export const MemberView = z.object({
  memberId: MemberId,
  coopId: CoopId,
  memberNumber: z.string(),
  externalId: z.string().nullable(),
  kind: z.enum(['person', 'coop']),
  personId: PersonId.nullable(),
  memberCoopId: CoopId.nullable(),
  status: z.enum(['active', 'left']),
  joinedOn: IsoDate,
  leftOn: IsoDate.nullable(),
  leftReason: z.enum(['resigned', 'deceased', 'expelled', 'moved']).nullable(),
  personalData: z
    .union([PersonalDataSchema, z.literal('erased'), z.literal('withheld')])
    .nullable()
    .describe(
      "the person's data; 'erased' after erasure; 'withheld' from roles that may not see it; null for coop members",
    ),
});

export const MemberPage = z.object({
  items: z.array(MemberView),
  nextCursor: z.string().nullable(),
});

export const LeaveRequest = z.strictObject({
  reason: z.enum(['resigned', 'deceased', 'expelled']),
  leftOn: IsoDate,
});

export const MoveRequest = z.strictObject({
  toCoopId: CoopId,
  toMemberNumber: MemberNumberSchema,
  on: IsoDate,
});

export const MemberBatchItem = z.strictObject({
  externalId: ExternalIdSchema,
  memberNumber: MemberNumberSchema,
  kind: z.enum(['person', 'coop']),
  person: PersonalDataSchema.optional(),
  memberCoopId: CoopId.optional(),
  joinedOn: IsoDate,
  left: z
    .strictObject({
      reason: z.enum(['resigned', 'deceased', 'expelled', 'moved']),
      leftOn: IsoDate,
    })
    .optional(),
});

export const MemberBatchRequest = z.strictObject({
  sequence: z.int().min(1).max(2_147_483_647),
  items: z
    .array(z.unknown())
    .min(1)
    .max(1_000)
    .describe('member upserts; each is checked on its own and rejected alone'),
});

const CountBy = z.array(z.object({ key: z.string(), count: z.int() }));

export const Statistics = z.object({
  scopeCoopId: CoopId.nullable().describe(
    'the coop whose subtree is counted; null for the whole federation',
  ),
  asOf: IsoDate,
  coops: z.object({ total: z.int(), byKind: CountBy, byStatus: CountBy, byProvince: CountBy }),
  members: z.object({
    total: z.int(),
    persons: z.int(),
    coops: z.int(),
    byCoop: CountBy,
    byProvince: CountBy,
    byGender: CountBy,
    byAgeBand: CountBy,
  }),
  rat: z.object({ activeCoops: z.int(), compliant: z.int(), overdue: z.int() }),
});

/** One coop of the public directory: the coop's legal identity and RAT standing, nothing personal. */
export const PublicCoop = z.object({
  coopId: CoopId,
  name: z.string(),
  kind: CoopKindSchema,
  province: z.string(),
  legalEntityNumber: z.string(),
  parentId: CoopId.nullable(),
  status: z.string(),
  rat: z.object({
    lastYear: z.int().nullable().describe('the latest financial year whose RAT was held'),
    overdue: z.boolean().describe('last year’s RAT not held by 30 June'),
  }),
});

export const PublicCoopDirectory = z.object({
  asOf: IsoDate,
  coops: z.array(PublicCoop),
  nextCursor: z.string().nullable(),
});
