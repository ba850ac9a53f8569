/**
 * Naming rules of the integration events.
 *
 *   event name        PascalCase, past tense: `MemberJoined`
 *   service           lowercase: `member`
 *   CloudEvents type  `kopfed.<service>.<EventName>.v<version>`: `kopfed.member.MemberJoined.v1`
 *                     — the schema version is part of the type, so a consumer can route on the
 *                     type alone; the `schemaversion` attribute repeats it as an integer.
 *   source            `/kopfed/<service>`: `/kopfed/member`
 *   topic             `kopfed.<service>.events`: one topic per producing service, holding every
 *                     event and every version it publishes, keyed by the subject (the
 *                     aggregate id), so all events of one aggregate stay in order.
 */
const NAME = '[A-Z][A-Za-z0-9]{2,63}';
const SERVICE = '[a-z][a-z0-9-]{1,31}';
const VERSION = '[1-9][0-9]{0,3}';

export const MAX_SCHEMA_VERSION = 9999;
export const EVENT_NAME_PATTERN = new RegExp(`^${NAME}$`);
export const SERVICE_NAME_PATTERN = new RegExp(`^${SERVICE}$`);
export const EVENT_SOURCE_PATTERN = new RegExp(`^/kopfed/${SERVICE}$`);
export const EVENT_TYPE_PATTERN = new RegExp(`^kopfed\\.${SERVICE}\\.${NAME}\\.v${VERSION}$`);
const EVENT_TYPE_PARTS = new RegExp(`^kopfed\\.(${SERVICE})\\.(${NAME})\\.v(${VERSION})$`);

export function eventType(service: string, name: string, version: number): string {
  return `kopfed.${service}.${name}.v${version}`;
}

export function eventSource(service: string): string {
  return `/kopfed/${service}`;
}

export function topicOf(service: string): string {
  return `kopfed.${service}.events`;
}

export interface ParsedEventType {
  service: string;
  name: string;
  version: number;
}

/** The parts of a CloudEvents type, or undefined when it does not follow the rule. */
export function parseEventType(type: string): ParsedEventType | undefined {
  const [, service, name, version] = EVENT_TYPE_PARTS.exec(type) ?? [];
  if (service === undefined || name === undefined || version === undefined) return undefined;
  return { service, name, version: Number(version) };
}
