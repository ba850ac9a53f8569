import { publicEventEncoder } from '@kopfed/messaging';
import { catalog } from '@kopfed/contracts';
import { SqliteEventStore, sharesStoreFile } from '@kopfed/eventstore';
import type { ServiceInstance, ServiceModule, ServiceModuleDeps } from '@kopfed/service-kit';
import { Accounts } from './accounts/account-context';
import { accountsProjection } from './accounts/account-projection';
import { openAccountsFile } from './accounts/accounts-file';
import { openAccountsProjection } from './accounts/accounts-projection-thread';
import { AccountService } from './accounts/account-service';
import { holdRoutes } from './accounts/hold-routes';
import { accountRoutes } from './accounts/routes';
import { CloseOfBusiness } from './close-of-business/close-of-business';
import { closeOfBusinessRoutes } from './close-of-business/routes';
import { MemberPostings } from './interest/member-postings';
import { MembershipDirectory } from './membership/membership-directory';
import { LoanConsumers } from './loans/loan-consumers';
import { withLoanRefusals } from './loans/loan-hold-refusals';
import { CatalogueStore } from './products/catalogue-store';
import { productRoutes } from './products/routes';
import { toPublic } from './public-events';
import { ReadModels } from './reads/read-models';
import { accountReadRoutes } from './reads/account-read-routes';
import { coopReadRoutes } from './reads/coop-read-routes';
import { inlineWriter, Projection, type ReadModelProjection } from './shared/projection';
import { shuCreditsConsumption } from './shu/shu-credits';
import { syncRoutes } from './sync/routes';
import { SyncService } from './sync/sync-service';
import { transferRoutes } from './transfers/routes';
import { TransferService } from './transfers/transfer-service';

export interface SavingsInstance extends ServiceInstance {
  closeOfBusiness: (businessDate: string) => ReturnType<CloseOfBusiness['run']>;
  /** The accounts read model, for tests and operators: catch up, rebuild. */
  projection: ReadModelProjection;
  accounts: Accounts;
}

/** Builds the savings service over a host's store, read-model database, clock and logger. */
export async function createSavings(deps: ServiceModuleDeps): Promise<SavingsInstance> {
  const members = new MembershipDirectory(deps.readModels);
  // A file-backed node keeps the accounts read model in a file of its own, written by a thread;
  // in memory (tests, the simulation) it stays beside the store and commits with it.
  const accountsFile = deps.readModels.memory
    ? undefined
    : openAccountsFile(deps.dataDir, deps.readModels, await deps.store.headPosition());
  let threaded: Awaited<ReturnType<typeof openAccountsProjection>> | undefined;
  const closeAccounts = async () => {
    await threaded?.close();
    accountsFile?.close();
  };
  try {
    const accountsDb = accountsFile?.db ?? deps.readModels;
    const store = deps.store;
    if (accountsFile) threaded = await openAccountsProjection(store, accountsFile);
    const projection =
      threaded?.projection ??
      new Projection(
        store,
        accountsDb,
        accountsProjection(),
        sharesStoreFile(store, deps.readModels)
          ? // Read models in the store's own file commit with its appends: one fsync for both.
            inlineWriter(deps.readModels, store.commitWith.bind(store))
          : undefined,
      );
    const catalogue = new CatalogueStore(deps.store);
    // Other instances may write to any store but the embedded SQLite one, whose node is its one
    // writer: a member's turn to post interest is then a lease in the store (see MemberPostings).
    const postings = new MemberPostings(store instanceof SqliteEventStore ? undefined : store);
    const accounts = new Accounts(deps.store, accountsDb, catalogue, members, deps.clock, postings);
    const service = new AccountService(accounts, () => projection.catchUp());
    const transfers = new TransferService(accounts);
    const cob = new CloseOfBusiness(accounts, projection, transfers);
    const sync = new SyncService(accounts, service);
    const models = new ReadModels(accountsDb);
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
      publishes: {
        topic: catalog.topicOf('savings'),
        encode: publicEventEncoder(catalog, withLoanRefusals(toPublic)),
      },
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
      close: async () => {
        await projection.stop();
        await closeAccounts();
      },
      projection,
      accounts,
    };
  } catch (error) {
    // Nothing will close what was opened for a service that failed to start.
    await closeAccounts();
    throw error;
  }
}

/** The savings service as the node (or its own main) mounts it. */
export const savingsModule: ServiceModule = { name: 'savings', create: createSavings };
