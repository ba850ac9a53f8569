import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ServiceName } from '../infra/repo';

/** Where a service's events go in the scenario. */
export type StoreKind = 'kurrentdb' | 'sqlite';

export interface ServiceUnderTest {
  name: ServiceName;
  store: StoreKind;
  /** Settings its main.ts reads besides the common ones. */
  env?: Record<string, string>;
  /** Read models that show it took in the federation the scenario registers. */
  sawMembers?: { table: string; coopColumn: string };
}

/** The services the scenario runs, each as its own process from its own main.ts. */
export const SERVICES_UNDER_TEST: readonly ServiceUnderTest[] = [
  {
    name: 'member',
    // Its projections are SqliteProjections inside its own store (packages/messaging), so it
    // runs on SQLite until they take a separate read-model database (docs/scaling.md).
    store: 'sqlite',
    env: { KOPFED_MASTER_KEY: randomBytes(32).toString('base64') },
  },
  {
    name: 'savings',
    store: 'kurrentdb',
    sawMembers: { table: 'savings_members', coopColumn: 'coop_id' },
  },
  // services/loan/src/config.ts accepts only sqlite: stores (its loan book is in its store).
  { name: 'loan', store: 'sqlite', env: { KOPFED_NIGHTLY_CLOSE_OF_BUSINESS: 'false' } },
  { name: 'settlement', store: 'kurrentdb' },
];

export const mainOf = (service: ServiceName) => `services/${service}/src/main.ts`;

/** An admin key every service bootstraps, so one token works against each of them. */
export const ADMIN_KEY = `kpf_${randomBytes(8).toString('hex')}_${randomBytes(24).toString('hex')}`;

export interface Servers {
  kurrentDbUrl: string;
  kafkaUrl: string;
}

/** The whole configuration of one service process: environment variables only. */
export function environmentOf(
  service: ServiceUnderTest,
  servers: Servers,
  dataDir: string,
): Record<string, string> {
  return {
    LOG_LEVEL: 'warn',
    KOPFED_EVENTSTORE_URL:
      service.store === 'kurrentdb' ? servers.kurrentDbUrl : `sqlite:${dataDir}`,
    KOPFED_BUS_URL: servers.kafkaUrl,
    KOPFED_DATA_DIR: dataDir,
    KOPFED_READ_MODELS_FILE: join(dataDir, `${service.name}-read-models.db`),
    KOPFED_ADMIN_KEY: ADMIN_KEY,
    ...service.env,
  };
}
