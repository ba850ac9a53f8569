import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { MessageHandler, OutgoingMessage } from '@kopfed/bus';
import type { EventStore, RecordedEvent } from '@kopfed/eventstore';
import type { CoopDirectory } from '../auth/coop-directory';
import type { ServiceDefinition } from './service-router';

/** What a host (the node, or a service's own main) gives a service. */
export interface ServiceModuleDeps {
  /** The service's own event store, opened by the host from its configuration. */
  store: EventStore;
  /**
   * Where the service keeps its read models and inboxes: the store's own SQLite file in the
   * embedded node (so a projection and its checkpoint commit together), a local SQLite file
   * beside a KurrentDB store when distributed.
   */
  readModels: Database.Database;
  coopDirectory: CoopDirectory;
  logger: Logger;
  /** The time; tests and the simulation pass their own. */
  clock: () => Date;
  /** A directory for the service's local files (e.g. the member service's key store). */
  dataDir: string;
  /** Environment for the service's own settings and secrets. */
  env: NodeJS.ProcessEnv;
}

/** The public events a service publishes: the host runs the relay from its store to this topic. */
export interface Publication {
  topic: string;
  encode: (event: RecordedEvent, traceparent: string | undefined) => OutgoingMessage | undefined;
}

/** Integration events a service consumes; the host subscribes before any relay starts. */
export interface Consumption {
  topic: string;
  /** Consumer group, e.g. `savings.members`: unique per service and purpose. */
  group: string;
  handler: MessageHandler;
  maxKeysInFlight?: number;
}

export interface ServiceInstance {
  definition: ServiceDefinition;
  publishes?: Publication;
  consumes?: readonly Consumption[];
  /** Starts background work (projections) once consumers are subscribed. */
  start?: () => Promise<void> | void;
  /**
   * Close of business for the business date that just ended (Asia/Jakarta): the node calls
   * it nightly at midnight. Must be idempotent per date.
   */
  closeOfBusiness?: (businessDate: string) => Promise<unknown>;
  /**
   * The last business date the service has closed, when it refuses to close one before it:
   * the nightly run does not ask it for earlier dates.
   */
  lastClosedBusinessDate?: () => Promise<string | undefined>;
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
