import { catalog } from '@kopfed/contracts';
import type { RecordedEvent } from '@kopfed/eventstore';
import { publicEventEncoder, type PublicEvent } from '@kopfed/messaging';
import type { AgreementEvent } from './agreements/agreement.decider';
import type { CoopEvent } from './coops/coop.decider';
import type { MemberEvent } from './members/member.decider';
import type { PersonEvent } from './persons/person.decider';
import { idOf } from './stream-ids';

type Stored = CoopEvent | MemberEvent | PersonEvent | AgreementEvent;

/**
 * Which of the member service's events other services hear, and in what words. Personal data,
 * sealed or not, never leaves: PersonalDataRecorded stays private, and so do reservations,
 * sync records and idempotency records.
 */
export function toPublic(
  event: RecordedEvent,
): PublicEvent<(typeof catalog.definitions)[number]['name']> | undefined {
  const e = { type: event.type, data: event.data } as Stored;
  const id = idOf(event.stream);
  switch (e.type) {
    case 'CoopRegistered': {
      const d = e.data;
      return {
        name: 'CoopRegistered',
        subject: d.coopId,
        data: {
          coopId: d.coopId,
          kind: d.kind,
          name: d.name,
          legalEntityNumber: d.legalEntityNumber,
          nikKoperasi: d.nikKoperasi?.number ?? null,
          province: d.address.province,
          parentCoopId: d.parentCoopId,
          registeredOn: d.registeredOn,
        },
      };
    }
    case 'CoopStatusChanged':
      return { name: 'CoopStatusChanged', subject: id, data: { coopId: id, ...e.data } };
    case 'CoopRatHeld':
      return { name: 'CoopRatHeld', subject: id, data: { coopId: id, ...e.data } };
    case 'CooperationAgreementSigned':
      return { name: 'CooperationAgreementSigned', subject: e.data.agreementId, data: e.data };
    case 'CooperationAgreementTerminated':
      return {
        name: 'CooperationAgreementTerminated',
        subject: id,
        data: { agreementId: id, terminatedOn: e.data.terminatedOn },
      };
    case 'MemberJoined': {
      const { memberId, coopId, memberNumber, externalId, joinedOn } = e.data;
      const common = { coopId, memberId, memberNumber, joinedOn, externalId };
      return {
        name: 'MemberJoined',
        subject: memberId,
        data:
          e.data.kind === 'person'
            ? { ...common, memberKind: 'person' }
            : { ...common, memberKind: 'coop', memberCoopId: e.data.memberCoopId },
      };
    }
    case 'MemberLeft': {
      const { coopId, reason, leftOn, movedToCoopId, movedToMemberId } = e.data;
      // Where a moved member went, so a consumer tells a move from a resignation.
      return {
        name: 'MemberLeft',
        subject: id,
        data: {
          coopId,
          memberId: id,
          reason,
          leftOn,
          ...(movedToCoopId ? { movedToCoopId } : {}),
          ...(movedToMemberId ? { movedToMemberId } : {}),
        },
      };
    }
    case 'PersonErased':
      return {
        name: 'PersonErased',
        subject: e.data.personId,
        data: { personId: e.data.personId, memberIds: e.data.memberIds, erasedAt: e.data.erasedAt },
      };
    case 'ExternalIdAttached': {
      // Only a coop's sync attaches an id, and its route records the coop as the tenant.
      const coopId = event.metadata.coopId;
      if (!coopId) throw new Error(`ExternalIdAttached ${event.id} names no coop in its metadata`);
      return {
        name: 'ExternalIdAttached',
        subject: id,
        data: { coopId, memberId: id, externalId: e.data.externalId },
      };
    }
    case 'PersonalDataRecorded':
    case 'MemberNumberChanged':
      return undefined;
    default:
      return undefined;
  }
}

export const encodeMemberEvent = publicEventEncoder(catalog, toPublic);
