import type { Route, ServiceInstance, ServiceModuleDeps } from '@kopfed/service-kit';
import { MemberActivityBook, shuRoutes } from '@kopfed/year-end';
import { batchRoutes } from './batches/routes';
import { booksRoutes } from './books/routes';
import { LedgerCommands } from './ledger/ledger-commands';
import { ledgerRoutes } from './ledger/routes';
import { BatchService } from './batches/batch-service';
import { BooksService } from './books/books-service';
import { AgreementTable } from './clearing/engine/agreement-table';
import { ClearingCore } from './clearing/engine/clearing-core';
import { LimitsService } from './clearing/engine/limits-service';
import { TransferService } from './clearing/engine/transfer-service';
import { limitsRoutes } from './clearing/limits.routes';
import { transferRoutes } from './clearing/transfers.routes';
import { clearingPostings, POSTED_CLEARING_EVENTS } from './ledger/clearing-postings';
import { POSTED_SHU_EVENTS, shuPostings } from './ledger/shu-postings';
import { GlMappingBook } from './ledger/gl-mapping-book';
import { LedgerHost } from './ledger/ledger-host';
import { LedgerPoster } from './ledger/ledger-poster';
import { UnpostedTable } from './ledger/unposted-table';
import { CheckpointedFeed } from './shared/checkpointed-feed';
import { PeriodicTask, settledWithin } from './shared/periodic-task';
import { closeOfBusiness } from './close-of-business';
import { settlementConsumers } from './consumers';
import { settlementPublication } from './public-events';
import { ReconciliationService } from './reconciliation/reconciliation-service';
import { reconciliationRoutes } from './reconciliation/routes';
import { closeOfBusinessRoutes } from './close-of-business.routes';
import { shuBasesConsumers } from './shu-bases';
import { NO_SAVINGS } from './payments/http-savings';
import { PaymentRunner, type PaymentHooks } from './payments/payment-runner';
import { paymentRoutes } from './payments/routes';
import type { SavingsPort } from './payments/savings-port';

export interface SettlementOptions {
  /** How often pending transfers past their timeout are voided (ms). */
  expirySweepMs?: number;
  /** The clearing engine's lease (ms); a restarted engine waits at most this long. */
  leaseTtlMs?: number;
  snapshotEvery?: number;
  /** Transfer ids noted in memory before a snapshot writes them out (ClearingCore). */
  notedIdsLimit?: number;
  /** The savings service's hold API, for member-to-member payments. */
  savings?: SavingsPort;
  paymentHooks?: PaymentHooks;
  /** How often unfinished payments are resumed (ms). */
  paymentSweepMs?: number;
  /**
   * How long closing waits for background work in progress (a payment step, an expiry, a
   * journal page) before it lets the stores close (ms, default 10 s: a savings call's own
   * timeout). Work cut off there was not recorded, and the restart redoes it idempotently.
   */
  closeGraceMs?: number;
}

/** Everything the settlement service is made of, for the module, main and tests. */
export interface Settlement {
  core: ClearingCore;
  transfers: TransferService;
  /** The cooperation agreements the member service published (closed-loop rule). */
  agreements: AgreementTable;
  limits: LimitsService;
  batches: BatchService;
  ledgers: LedgerHost;
  mappings: GlMappingBook;
  poster: LedgerPoster;
  unposted: UnpostedTable;
  books: BooksService;
  commands: LedgerCommands;
  reconciliation: ReconciliationService;
  payments: PaymentRunner;
  journalFeed: CheckpointedFeed;
  routes: Route[];
  instance: ServiceInstance;
  /** Waits until the books have every money event recorded so far (tests, close of business). */
  settle(): Promise<void>;
}

const DEFAULT_CLOSE_GRACE_MS = 10_000;

export async function createSettlement(
  deps: ServiceModuleDeps,
  options: SettlementOptions = {},
): Promise<Settlement> {
  const { store, readModels: db, coopDirectory: directory, clock, logger } = deps;
  const core = new ClearingCore({
    store,
    db,
    logger,
    ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(options.snapshotEvery ? { snapshotEvery: options.snapshotEvery } : {}),
    ...(options.notedIdsLimit ? { notedIdsLimit: options.notedIdsLimit } : {}),
  });
  const agreements = new AgreementTable(db);
  const transfers = new TransferService(core, directory, agreements, clock, logger);
  const limits = new LimitsService(core, transfers, directory, clock);
  const batches = new BatchService(core, transfers, clock);
  await core.open();

  const ledgers = new LedgerHost(store);
  const mappings = new GlMappingBook(store);
  const unposted = new UnpostedTable(db);
  const poster = new LedgerPoster(ledgers, mappings, unposted);
  const journalFeed = new CheckpointedFeed({
    name: 'settlement.journal',
    store,
    db,
    logger,
    filter: { types: [...POSTED_CLEARING_EVENTS, ...POSTED_SHU_EVENTS] },
    handle: async (events) => {
      const first = events[0]!;
      const postings = events.flatMap((e) => [...clearingPostings(e), ...shuPostings(e)]);
      await poster.post(postings, {
        correlationId: first.metadata.correlationId ?? first.id,
        causationId: first.id,
      });
    },
  });
  const books = new BooksService(store, ledgers, directory);

  const commands = new LedgerCommands(ledgers, mappings, unposted, clock);
  const payments = new PaymentRunner(
    store,
    options.savings ?? NO_SAVINGS,
    transfers,
    clock,
    logger,
    options.paymentHooks,
  );
  const reconciliation = new ReconciliationService(store, core, batches, ledgers, directory, clock);
  const runCloseOfBusiness = (businessDate: string) =>
    closeOfBusiness({ store, core, transfers, batches, poster, unposted }, businessDate);
  // Year end: each member's savings and loan activity, the bases of the SHU split (issue 9).
  const shuBases = new MemberActivityBook(db);
  const routes: Route[] = [
    ...transferRoutes(transfers, (transfer) => payments.paymentOf(transfer)),
    ...limitsRoutes(limits, directory),
    ...batchRoutes(batches, clock),
    ...ledgerRoutes(ledgers, commands, unposted, clock),
    ...booksRoutes(books, unposted),
    ...reconciliationRoutes(reconciliation),
    ...paymentRoutes(payments),
    ...closeOfBusinessRoutes(runCloseOfBusiness, clock),
    ...shuRoutes({ store, clock, bases: shuBases, surplus: books }),
  ];
  const expirySweep = new PeriodicTask({
    name: 'settlement.expiry-sweep',
    intervalMs: options.expirySweepMs ?? 1_000,
    run: (signal) => transfers.expireDue(signal),
    logger,
  });
  const paymentSweep = new PeriodicTask({
    name: 'settlement.payment-sweep',
    intervalMs: options.paymentSweepMs ?? 30_000,
    runOnStart: true,
    run: () => payments.resumeAll(),
    logger,
  });
  const closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
  const instance: ServiceInstance = {
    definition: {
      service: 'settlement',
      version: 'v1',
      title: 'kopfed settlement',
      description:
        'Inter-coop transfers, limits, settlement batches, reconciliation and the shared books.',
      routes,
    },
    publishes: settlementPublication,
    consumes: [
      ...settlementConsumers(poster, limits, agreements),
      ...shuBasesConsumers(shuBases, store, db),
    ],
    closeOfBusiness: runCloseOfBusiness,
    start: () => {
      journalFeed.start();
      expirySweep.start();
      paymentSweep.start();
    },
    // Nothing new starts; work in progress ends at its next safe point (a payment step
    // recorded, a transfer expired, a journal page posted) while the stores are still open.
    close: async () => {
      const stopped = Promise.all([
        expirySweep.stop(),
        paymentSweep.stop(),
        payments.stop(),
        journalFeed.stop(),
      ]);
      if (!(await settledWithin(stopped, closeGraceMs)))
        logger.warn(
          { closeGraceMs },
          'settlement closed with background work still running; the restart redoes it',
        );
      await core.close();
    },
  };
  return {
    core,
    transfers,
    agreements,
    limits,
    batches,
    ledgers,
    mappings,
    poster,
    unposted,
    books,
    commands,
    reconciliation,
    payments,
    journalFeed,
    routes,
    instance,
    settle: () => journalFeed.catchUp(),
  };
}
