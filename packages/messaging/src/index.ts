export { Relay, type RelayOptions } from './relay/relay';
export { SqliteInbox } from './inbox/sqlite-inbox';
export { SqliteProjection, type SqliteProjectionDefinition } from './projection/sqlite-projection';
export { tracedHandler } from './consumer/traced-handler';
export {
  publicEventEncoder,
  integrationEventHandler,
  type PublicEvent,
} from './envelope/public-events';
