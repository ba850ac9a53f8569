import type { Logger } from 'pino';
import type { EventStore } from '@kopfed/eventstore';
import type { CoopDirectory } from '../auth/coop-directory';
import type { ServiceDefinition } from './service-router';

/** What a host (the node, or a service's own main) gives a service. */
export interface ServiceModuleDeps {
  /** The service's own event store, opened by the host from its configuration. */
  store: EventStore;
  coopDirectory: CoopDirectory;
  logger: Logger;
}

export interface ServiceInstance {
  definition: ServiceDefinition;
  /** Stops background work (projections, consumers); the host closes the store afterwards. */
  close?: () => Promise<void>;
}

/**
 * How a service plugs into a host: the node mounts every module under `/api/<name>/v1`, with
 * its OpenAPI document at `/api/<name>/openapi.json`, over a store named after it.
 */
export interface ServiceModule {
  name: string;
  create(deps: ServiceModuleDeps): Promise<ServiceInstance>;
}
