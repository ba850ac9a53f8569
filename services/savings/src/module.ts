import { publicEventEncoder } from '@kopfed/messaging';
import { catalog } from '@kopfed/contracts';
import { SqliteEventStore } from '@kopfed/eventstore';
import type { ServiceInstance, ServiceModule, ServiceModuleDeps } from '@kopfed/service-kit';
import { Accounts } from './accounts/account-context';
import { accountsProjection } from './accounts/account-projection';
import { AccountService } from './accounts/account-service';
import { holdRoutes } from './accounts/hold-routes';
import { accountRoutes } from './accounts/routes';
import { CloseOfBusiness } from './close-of-business/close-of-business';
import { closeOfBusinessRoutes } from './close-of-business/routes';
import { MembershipDirectory } from './membership/membership-directory';
import { LoanConsumers } from './loans/loan-consumers';
import { CatalogueStore } from './products/catalogue-store';
import { productRoutes } from './products/routes';
import { toPublic } from './public-events';
import { ReadModels } from './reads/read-models';
import { accountReadRoutes } from './reads/account-read-routes';
import { coopReadRoutes } from './reads/coop-read-routes';
import { Projection } from './shared/projection';
import { shuCreditsConsumption } from './shu/shu-credits';
import { syncRoutes } from './sync/routes';
import { SyncService } from './sync/sync-service';
import { transferRoutes } from './transfers/routes';
import { TransferService } from './transfers/transfer-service';

export interface SavingsInstance extends ServiceInstance {
  closeOfBusiness: (businessDate: string) => ReturnType<CloseOfBusiness['run']>;
  /** The accounts read model, for tests and operators: catch up, rebuild. */
  projection: Projection;
  accounts: Accounts;
}

/** Builds the savings service over a host's store, read-model database, clock and logger. */
export async function createSavings(deps: ServiceModuleDeps): Promise<SavingsInstance> {
  // Close of business reads every due account's row: keep the read model's pages in memory
  // (this connection's page cache only; 128 MiB).
  deps.readModels.pragma('cache_size = -131072');
  const members = new MembershipDirectory(deps.readModels);
  // Read models in the store's own file commit with its appends: one fsync for both.
  const commit =
    deps.store instanceof SqliteEventStore && deps.store.database === deps.readModels
      ? deps.store.commitWith.bind(deps.store)
      : undefined;
  const projection = new Projection(deps.store, deps.readModels, accountsProjection(), commit);
  const catalogue = new CatalogueStore(deps.store);
  const accounts = new Accounts(deps.store, deps.readModels, catalogue, members, deps.clock);
  const service = new AccountService(accounts);
  const transfers = new TransferService(accounts);
  const cob = new CloseOfBusiness(accounts, projection, transfers);
  const sync = new SyncService(accounts, service);
  const models = new ReadModels(deps.readModels);
  return {
    definition: {
      service: 'savings',
      version: 'v1',
      title: 'kopfed savings',
      description:
        'Simpanan pokok, wajib, sukarela and berjangka: products, accounts, holds, transfers, interest, withholding tax, close of business and bulk sync.',
      routes: [
        ...productRoutes(catalogue, () => accounts.today()),
        ...accountRoutes(accounts, service),
        ...holdRoutes(accounts, service),
        ...transferRoutes(accounts, transfers),
        ...accountReadRoutes(accounts, projection, models),
        ...coopReadRoutes(accounts, projection, models),
        ...syncRoutes(sync),
        ...closeOfBusinessRoutes(cob),
      ],
    },
    publishes: { topic: catalog.topicOf('savings'), encode: publicEventEncoder(catalog, toPublic) },
    consumes: [
      members.consumption(),
      new LoanConsumers(service, deps.logger).consumption(),
      shuCreditsConsumption(service, deps, () => projection.catchUp()),
    ],
    start: () =>
      projection.start((error) =>
        deps.logger.error(
          { err: error },
          'savings accounts projection failed; trying again from its checkpoint',
        ),
      ),
    closeOfBusiness: (businessDate) => cob.run(businessDate),
    close: () => projection.stop(),
    projection,
    accounts,
  };
}

/** The savings service as the node (or its own main) mounts it. */
export const savingsModule: ServiceModule = { name: 'savings', create: createSavings };
