import { z } from 'zod';

/**
 * Entity ids are 1 to 64 characters from `[A-Za-z0-9_-]`. UUIDs (kopfed makes UUIDv7) fit,
 * and so do ids a primary coop's own system already uses; every such id is safe unescaped in
 * a URL path, a stream name, a Kafka key and a file name. Each kind of id is branded, so a
 * member id is never passed where a coop id is expected.
 */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function entityId<Brand extends string>(what: string) {
  return z
    .string()
    .regex(ENTITY_ID_PATTERN)
    .brand<Brand>()
    .describe(`${what} id: 1 to 64 letters, digits, '_' or '-'`);
}

export const CoopId = entityId<'CoopId'>('coop');
export type CoopId = z.output<typeof CoopId>;

export const MemberId = entityId<'MemberId'>('member');
export type MemberId = z.output<typeof MemberId>;

/** A natural person; one person may be a member of several coops. */
export const PersonId = entityId<'PersonId'>('person');
export type PersonId = z.output<typeof PersonId>;

export const AgreementId = entityId<'AgreementId'>('cooperation agreement');
export type AgreementId = z.output<typeof AgreementId>;

export const SavingsAccountId = entityId<'SavingsAccountId'>('savings account');
export type SavingsAccountId = z.output<typeof SavingsAccountId>;

export const LoanId = entityId<'LoanId'>('loan');
export type LoanId = z.output<typeof LoanId>;

export const TransferId = entityId<'TransferId'>('inter-coop transfer');
export type TransferId = z.output<typeof TransferId>;

export const SettlementBatchId = entityId<'SettlementBatchId'>('settlement batch');
export type SettlementBatchId = z.output<typeof SettlementBatchId>;

/** The id of an event: a UUID (kopfed writes UUIDv7), also the CloudEvents `id`. */
export const EventId = z.uuid().describe('event id, a UUID');
export type EventId = z.output<typeof EventId>;
