import { EventCatalog, type LatestData } from '../catalog';
import { LOAN_EVENTS } from './loan';
import { MEMBER_EVENTS } from './member';
import { SAVINGS_EVENTS } from './savings';
import { SETTLEMENT_EVENTS } from './settlement';

/** Every integration event kopfed publishes. A published version is never removed. */
export const catalog = new EventCatalog([
  ...MEMBER_EVENTS,
  ...SAVINGS_EVENTS,
  ...LOAN_EVENTS,
  ...SETTLEMENT_EVENTS,
]);

export type KopfedCatalog = typeof catalog;
export type EventName = KopfedCatalog['definitions'][number]['name'];
/** The latest data of an event, as consumers see it after upcasting. */
export type EventData<Name extends EventName> = LatestData<
  Extract<KopfedCatalog['definitions'][number], { name: Name }>
>;
