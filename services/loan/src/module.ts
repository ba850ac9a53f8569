import { catalog } from '@kopfed/contracts';
import { sharesStoreFile } from '@kopfed/eventstore';
import type { ServiceModule } from '@kopfed/service-kit';
import { Parties } from './borrowers/parties';
import { CloseOfBusiness } from './close-of-business/close-of-business';
import { closeOfBusinessRoutes } from './close-of-business/routes';
import type { LoanContext } from './context';
import { LiquidityLoanRequests } from './liquidity-loans/requests';
import { liquidityLoanRoutes } from './liquidity-loans/routes';
import { LoanBookLimit } from './loans/loan-book-limit';
import { LoanBookProjection } from './loans/loan-book-projection';
import { LoanRepository } from './loans/loan-repository';
import { originationRoutes } from './loans/origination-routes';
import { readRoutes } from './loans/read-routes';
import { savingsDebitsConsumption } from './loans/savings-debits';
import { savingsHoldsConsumption } from './loans/savings-holds';
import { MAX_BOOK_PRINCIPAL } from './loans/origination';
import { servicingRoutes } from './loans/servicing-routes';
import { portfolioRoutes } from './portfolio/routes';
import { productRoutes } from './products/routes';
import { encodeLoanEvent } from './public-events';
import { scheduleRoutes } from './schedule/routes';
import { syncRoutes } from './sync/routes';

/**
 * The loan service: products, exact schedules, the loan lifecycle, close of business
 * (accrual, arrears, kolektibilitas, provisioning, penalties), bulk sync and portfolio reads.
 * Its read models (the loan book, the borrowers it knows) live beside its events.
 */
export const loanModule: ServiceModule = {
  name: 'loan',
  async create(deps) {
    if (!sharesStoreFile(deps.store, deps.readModels)) {
      // The loan book is a projection over the store's own file (docs/service-conventions.md).
      throw new Error('the loan service keeps its read models in its SQLite store');
    }
    const store = deps.store;
    const book = new LoanBookProjection(store);
    const loans = new LoanRepository(store, deps.readModels);
    const parties = new Parties(deps.readModels);
    const ctx: LoanContext = {
      store,
      db: deps.readModels,
      book,
      loans,
      parties,
      closeOfBusiness: new CloseOfBusiness(store, deps.readModels, book, loans, deps.clock),
      bookLimit: new LoanBookLimit(deps.readModels, book, loans, MAX_BOOK_PRINCIPAL),
      liquidityLoans: new LiquidityLoanRequests({
        db: deps.readModels,
        store,
        book,
        loans,
        parties,
        clock: deps.clock,
        logger: deps.logger,
      }),
      clock: deps.clock,
    };
    return {
      definition: {
        service: 'loan',
        version: 'v1',
        title: 'kopfed loan service',
        description:
          'Loan products, exact schedules, the loan lifecycle with maker-checker approval, liquidity loans to member coops at settlement’s request, repayments, restructuring, write-off, close of business (accrual, arrears, kolektibilitas, PPAP, penalties), bulk sync and the portfolio.',
        routes: [
          ...scheduleRoutes(),
          ...productRoutes(ctx),
          ...originationRoutes(ctx),
          ...servicingRoutes(ctx),
          ...readRoutes(ctx),
          ...portfolioRoutes(ctx),
          ...syncRoutes(ctx),
          ...closeOfBusinessRoutes(ctx),
          ...liquidityLoanRoutes(ctx),
        ],
      },
      publishes: { topic: catalog.topicOf('loan'), encode: encodeLoanEvent },
      consumes: [
        ctx.parties.consumption(),
        savingsHoldsConsumption(loans, deps.logger),
        savingsDebitsConsumption(loans, store, deps.logger),
        ctx.liquidityLoans.consumption(),
      ],
      async start() {
        book.start((error) => deps.logger.error({ err: error }, 'loan book projection failed'));
        await book.catchUp();
      },
      closeOfBusiness: (businessDate) => ctx.closeOfBusiness.run(businessDate),
      lastClosedBusinessDate: () => ctx.closeOfBusiness.lastClosedDate(),
      async close() {
        await book.stop();
      },
    };
  },
};
