export * from './vocabulary';
export * from './coop-registered';
export * from './coop-status-changed';
export * from './coop-rat-held';
export * from './cooperation-agreement-signed';
export * from './cooperation-agreement-terminated';
export * from './member-joined';
export * from './member-left';
export * from './external-id-attached';
export * from './person-erased';

import { CoopRatHeld } from './coop-rat-held';
import { CoopRegistered } from './coop-registered';
import { CoopStatusChanged } from './coop-status-changed';
import { CooperationAgreementSigned } from './cooperation-agreement-signed';
import { CooperationAgreementTerminated } from './cooperation-agreement-terminated';
import { ExternalIdAttached } from './external-id-attached';
import { MemberJoined } from './member-joined';
import { MemberLeft } from './member-left';
import { PersonErased } from './person-erased';

/** The member service's integration events, in the catalog. */
export const MEMBER_EVENTS = [
  CoopRegistered,
  CoopStatusChanged,
  CoopRatHeld,
  CooperationAgreementSigned,
  CooperationAgreementTerminated,
  MemberJoined,
  MemberLeft,
  ExternalIdAttached,
  PersonErased,
] as const;
