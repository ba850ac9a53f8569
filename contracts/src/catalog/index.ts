export { defineEvent, EventDefinitionError } from './define-event';
export { EventCatalog, type PublishInput, type ReceivedEvent } from './event-catalog';
export type {
  AnyVersionData,
  CheckedVersions,
  EventDefinition,
  EventVersion,
  LatestData,
  LatestVersion,
} from './event-definition';
