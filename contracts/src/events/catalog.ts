import { EventCatalog, type LatestData } from '../catalog';
import {
  CoopRatHeld,
  CoopRegistered,
  CoopStatusChanged,
  CooperationAgreementSigned,
  MemberJoined,
  MemberLeft,
  PersonErased,
} from './member';

/** Every integration event kopfed publishes. A published version is never removed. */
export const catalog = new EventCatalog([
  CoopRegistered,
  CoopStatusChanged,
  CoopRatHeld,
  CooperationAgreementSigned,
  MemberJoined,
  MemberLeft,
  PersonErased,
]);

export type KopfedCatalog = typeof catalog;
export type EventName = KopfedCatalog['definitions'][number]['name'];
/** The latest data of an event, as consumers see it after upcasting. */
export type EventData<Name extends EventName> = LatestData<
  Extract<KopfedCatalog['definitions'][number], { name: Name }>
>;
