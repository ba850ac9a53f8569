import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  auditableRunner,
  auditableSqliteProjection,
  tablesCreatedBy,
  type ProjectionSource,
} from '@kopfed/audit';
import { LOAN_BOOK_TABLES, LoanBookProjection } from '@kopfed/loan';
import { SqliteProjection } from '@kopfed/messaging';
// The member service does not export its projection definitions from its index yet; until it
// does (see the audit package's README), they are reached by path.
import { agreementProjection } from '@kopfed/member/src/agreements/agreement-projection';
import { loadMasterKey } from '@kopfed/member/src/config';
import { coopProjection } from '@kopfed/member/src/coops/coop-projection';
import { directoryProjection } from '@kopfed/member/src/members/directory-projection';
import { SqliteKeyStore } from '@kopfed/member/src/persons/key-store';
import { PersonVault } from '@kopfed/member/src/persons/person-vault';
import {
  ACCOUNTS_FILE,
  accountsProjection,
  openAccountsDatabase,
  Projection,
} from '@kopfed/savings';
import { settlementClearingProjection } from './settlement-projection';

/** The member service's read models, over a copy of its store and its key files. */
const memberProjections: ProjectionSource = {
  store: 'member',
  open({ dataDir, store, env }) {
    const keys = new SqliteKeyStore(join(dataDir, 'member-keys.db'));
    const vault = new PersonVault(keys, loadMasterKey(env, join(dataDir, 'member-master.key')));
    return {
      projections: [coopProjection, directoryProjection(vault), agreementProjection].map(
        (definition) => auditableSqliteProjection(new SqliteProjection(store, definition)),
      ),
      close: () => keys.close(),
    };
  },
};

/**
 * The savings accounts read model (accounts, statement lines, wajib months, holds): in its own
 * file beside the store since it is written by a thread, in the store's file before that.
 */
const savingsProjections: ProjectionSource = {
  store: 'savings',
  open({ store, dataDir }) {
    const definition = accountsProjection();
    const tables = tablesCreatedBy((db) => accountsProjection().setUp(db));
    const file = join(dataDir, ACCOUNTS_FILE);
    const db = existsSync(file) ? openAccountsDatabase(file) : undefined;
    const projection = new Projection(store, db ?? store.database, definition);
    return {
      projections: [auditableRunner(definition.name, tables, projection, db)],
      close: () => void db?.close(),
    };
  },
};

/** The loan book (loans and product versions). */
const loanProjections: ProjectionSource = {
  store: 'loan',
  open({ store }) {
    const tables = tablesCreatedBy((db) => db.exec(LOAN_BOOK_TABLES));
    const book = new LoanBookProjection(store);
    const name = book.checkpointName.replace(/^projection:/, '');
    return { projections: [auditableRunner(name, tables, book)] };
  },
};

/**
 * Every service's projections rebuild-check checks — `kopfed audit rebuild-check` offline, and
 * the node's audit module over HTTP (`/api/audit/v1/rebuild-checks`): one line per service.
 * Read models fed by other services' integration events through an inbox (savings' and loan's
 * copies of the member directory, settlement's SHU activity bases) are not a fold of the
 * service's own log and are not rebuilt here. Nor is loan's loan_liquidity_requests: it keeps
 * settlement's LiquidityLoanRequested (batch, borrower coop, shortfall), which the loan log
 * holds only once applied for, and for each request the reason and time of its last attempt
 * that made no application, which no log records at all; only its loan ids follow from the loan
 * streams.
 */
export const PROJECTION_SOURCES: readonly ProjectionSource[] = [
  memberProjections,
  savingsProjections,
  loanProjections,
  settlementClearingProjection,
];
