import { v7 as uuidv7 } from 'uuid';
import { catalog, type EventName } from '@kopfed/contracts';
import type { Settlement } from '../settlement';

/**
 * Hands one integration event to the settlement consumer of its service's topic, as the bus
 * would: the envelope built and checked by the catalogue, delivered once. Returns its id, the
 * id a redelivery repeats.
 */
export async function deliverEvent(
  settlement: Settlement,
  name: EventName,
  data: unknown,
  { id = uuidv7(), businessDate = '2026-11-27' }: { id?: string; businessDate?: string } = {},
): Promise<string> {
  const consumption = settlement.instance.consumes!.find(
    (c) => c.topic === catalog.topicOf(catalog.definition(name).service),
  )!;
  const envelope = catalog.toEnvelope(name, {
    id,
    subject: 'x',
    time: `${businessDate}T03:00:00.000Z`,
    businessDate,
    // toEnvelope checks it against the event's schema; its static type depends on `name`.
    data: data as never,
  });
  await consumption.handler({
    topic: consumption.topic,
    key: 'x',
    value: JSON.stringify(envelope),
    headers: {},
    attempt: 1,
  });
  return id;
}
