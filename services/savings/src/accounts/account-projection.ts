import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { RecordedEvent } from '@kopfed/eventstore';
import { decodeAccount, encodeAccount } from './account-snapshot';
import { toDomain } from '../shared/aggregate-store';
import type { ProjectionDefinition, ReadModelBatch } from '../shared/projection';
import { balanceChange, type AccountEvent } from './account-events';
import {
  evolveAccount,
  initialAccountState,
  reservedInAll,
  type AccountState,
  type Hold,
  type OpenedAccount,
} from './account-state';
import { nextDueOn } from './rules/close-of-day';

/**
 * The accounts read model: one row per account with its state (the aggregate's snapshot, so a
 * command reads only the events after it), the columns lists, totals and close of business
 * query, each money movement as a statement line, each closed wajib month, and each account's
 * interest and tax in each month (a member's month is taxed as a whole, PP 15/2009).
 *
 * `reserved` counts every hold not yet released, lapsed ones too (close of business releases
 * them at night); a read model cannot know "now". `savings_holds` keeps each such hold with its
 * expiry, so a read subtracts the holds with `expires_at <= now` to get the available balance
 * at now, as the account view does.
 */
export const ACCOUNTS_DDL = `
CREATE TABLE IF NOT EXISTS savings_accounts (
  account_id TEXT PRIMARY KEY, coop_id TEXT NOT NULL, member_id TEXT NOT NULL,
  product_code TEXT NOT NULL, kind TEXT NOT NULL, classification TEXT NOT NULL,
  status TEXT NOT NULL, balance INTEGER NOT NULL, reserved INTEGER NOT NULL,
  opened_on TEXT NOT NULL, closed_on TEXT, next_due_on TEXT, pending_transfers INTEGER NOT NULL,
  wajib_arrears INTEGER NOT NULL, revision INTEGER NOT NULL, state TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS savings_accounts_by_member ON savings_accounts (coop_id, member_id);
CREATE INDEX IF NOT EXISTS savings_accounts_by_due ON savings_accounts (next_due_on) WHERE next_due_on IS NOT NULL;
CREATE INDEX IF NOT EXISTS savings_accounts_by_transfer ON savings_accounts (pending_transfers) WHERE pending_transfers > 0;
CREATE TABLE IF NOT EXISTS savings_statement_lines (
  account_id TEXT NOT NULL, revision INTEGER NOT NULL, position INTEGER NOT NULL,
  on_date TEXT NOT NULL, recorded_at TEXT NOT NULL, type TEXT NOT NULL, amount INTEGER NOT NULL,
  reference TEXT, PRIMARY KEY (account_id, revision)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS savings_statement_by_date ON savings_statement_lines (account_id, on_date, revision);
CREATE TABLE IF NOT EXISTS savings_wajib_months (
  account_id TEXT NOT NULL, coop_id TEXT NOT NULL, member_id TEXT NOT NULL, month TEXT NOT NULL,
  required INTEGER NOT NULL, required_to_date INTEGER NOT NULL, paid_to_date INTEGER NOT NULL,
  arrears INTEGER NOT NULL, PRIMARY KEY (account_id, month)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS savings_wajib_by_member ON savings_wajib_months (coop_id, member_id, month);
CREATE TABLE IF NOT EXISTS savings_holds (
  account_id TEXT NOT NULL, hold_id TEXT NOT NULL, coop_id TEXT NOT NULL, product_code TEXT NOT NULL,
  amount INTEGER NOT NULL, expires_at TEXT NOT NULL, PRIMARY KEY (account_id, hold_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS savings_holds_by_expiry ON savings_holds (coop_id, expires_at);
CREATE TABLE IF NOT EXISTS savings_interest_months (
  account_id TEXT NOT NULL, month TEXT NOT NULL, coop_id TEXT NOT NULL, member_id TEXT NOT NULL,
  gross INTEGER NOT NULL, tax INTEGER NOT NULL, PRIMARY KEY (account_id, month)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS savings_interest_months_by_member ON savings_interest_months (coop_id, member_id, month);
`;

/** The tables the read model owns. */
export const ACCOUNTS_TABLES = [
  'savings_accounts',
  'savings_statement_lines',
  'savings_wajib_months',
  'savings_holds',
  'savings_interest_months',
] as const;
const TABLES = ACCOUNTS_TABLES;

/** What a statement line points back to: the client's or the system's id of the movement. */
function referenceOf(event: AccountEvent): string | null {
  const data = event.data as Record<string, unknown>;
  for (const key of ['externalId', 'holdId', 'transferId', 'withdrawalId', 'reference']) {
    const value = data[key];
    if (typeof value === 'string') return value;
  }
  return null;
}

/** States the projection keeps in memory between batches, so most events need no decoding. */
const CACHED_STATES = 20_000;

export function accountsProjection(): ProjectionDefinition {
  let readState: Database.Statement<[string], { state: string; revision: number }> | undefined;
  const cache = new LRUCache<string, { state: AccountState; revision: number }>({
    max: CACHED_STATES,
  });
  return {
    name: PROJECTION_NAME,
    categories: ['account'],
    setUp: (db) => {
      dropSuperseded(db);
      createTables(db);
      readState = undefined;
    },
    reset: (db) => {
      cache.clear();
      for (const table of TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
    },
    applyBatch: ({ db, write }, events) => {
      readState ??= db.prepare(GET_STATE);
      const get = readState;
      const s = writes(write);
      const touched = new Map<string, { state: AccountState; revision: number }>();
      for (const recorded of events) {
        const accountId = recorded.stream.slice('account-'.length);
        let entry = touched.get(accountId);
        if (!entry) entry = cache.get(accountId);
        if (entry) touched.set(accountId, entry);
        if (!entry) {
          const row = get.get(accountId);
          entry = row
            ? { state: decodeAccount(row.state), revision: row.revision }
            : { state: initialAccountState(), revision: -1 };
          touched.set(accountId, entry);
        }
        if (recorded.revision <= entry.revision) continue;
        const event = toDomain<AccountEvent>(recorded);
        entry.state = evolveAccount(entry.state, event);
        entry.revision = recorded.revision;
        line(s, accountId, recorded, event);
        if (event.type === 'WajibMonthClosed' && entry.state.status !== 'none')
          wajibMonth(s, entry.state, event);
        if (event.type === 'InterestPosted' && entry.state.status !== 'none')
          interestMonths(s, entry.state, event);
        if (entry.state.status !== 'none') holdRow(s, entry.state, event);
      }
      for (const [accountId, entry] of touched) {
        if (entry.state.status !== 'none') s.put.run(row(accountId, entry.state, entry.revision));
        cache.set(accountId, entry);
      }
    },
    // The cached states may be ahead of what committed: read them again from the rows.
    discard: () => cache.clear(),
  };
}

function line(
  s: Statements,
  accountId: string,
  recorded: RecordedEvent,
  event: AccountEvent,
): void {
  const amount = balanceChange(event);
  if (amount === 0n) return;
  const on = (event.data as { on: string }).on;
  s.line.run(
    accountId,
    recorded.revision,
    recorded.position,
    on,
    recorded.recordedAt,
    event.type,
    amount,
    referenceOf(event),
  );
}

function wajibMonth(
  s: Statements,
  account: OpenedAccount,
  event: Extract<AccountEvent, { type: 'WajibMonthClosed' }>,
): void {
  const d = event.data;
  s.wajib.run(
    account.accountId,
    account.coopId,
    account.memberId,
    d.month,
    BigInt(d.required),
    BigInt(d.requiredToDate),
    BigInt(d.paidToDate),
    BigInt(d.arrears),
  );
}

/** The account's own interest and tax in each month the posting touched, as they now stand. */
function interestMonths(
  s: Statements,
  account: OpenedAccount,
  event: Extract<AccountEvent, { type: 'InterestPosted' }>,
): void {
  for (const m of event.data.months) {
    s.interestMonth.run(
      account.accountId,
      m.month,
      account.coopId,
      account.memberId,
      BigInt(m.gross),
      BigInt(m.tax),
    );
  }
}

/** Keeps `savings_holds` equal to the account's holds not yet released. */
function holdRow(s: Statements, account: OpenedAccount, event: AccountEvent): void {
  switch (event.type) {
    case 'HoldPlaced':
    case 'HoldReduced': {
      const { holdId } = event.data;
      if (Object.hasOwn(account.holds, holdId)) putHold(s, account, holdId, account.holds[holdId]!);
      return;
    }
    case 'HoldCaptured':
    case 'HoldReleased':
      s.dropHold.run(account.accountId, event.data.holdId);
      return;
    default:
      return;
  }
}

function putHold(
  s: Pick<Statements, 'putHold'>,
  account: OpenedAccount,
  holdId: string,
  hold: Hold,
) {
  s.putHold.run(
    account.accountId,
    holdId,
    account.coopId,
    account.product.code,
    hold.amount,
    hold.expiresAt,
  );
}

/**
 * v2 keeps each account's finished holds in its state, v3 how each ended, v4 a wajib account's
 * payments in months not counted yet, v5 each account's interest months. An older row lacks
 * them, and no later event can tell, so a node upgraded builds the read model again from the
 * log, once, instead of carrying the gap on.
 */
const PROJECTION_NAME = 'savings-accounts-v5';
const SUPERSEDED = [
  'savings-accounts-v1',
  'savings-accounts-v2',
  'savings-accounts-v3',
  'savings-accounts-v4',
];
/** Every checkpoint name the read model has had. */
export const ACCOUNTS_PROJECTION_NAMES = [...SUPERSEDED, PROJECTION_NAME];

/** Drops a read model an earlier version of this projection built, with its checkpoint. */
function dropSuperseded(db: Database.Database): void {
  if (!tableExists(db, 'savings_checkpoints')) return;
  const forget = db.prepare('DELETE FROM savings_checkpoints WHERE name = ?');
  db.transaction(() => {
    const superseded = SUPERSEDED.filter((name) => forget.run(name).changes > 0);
    if (superseded.length > 0) for (const table of TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
  })();
}

/** Creates the tables, filling `savings_holds` when an older read model is upgraded. */
function createTables(db: Database.Database): void {
  const upgrading = tableExists(db, 'savings_accounts') && !tableExists(db, 'savings_holds');
  db.exec(ACCOUNTS_DDL);
  if (upgrading) backfillHolds(db);
}

function tableExists(db: Database.Database, name: string): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
    undefined
  );
}

/** A read model written before `savings_holds` existed: its holds come from the stored states. */
function backfillHolds(db: Database.Database): void {
  const s = { putHold: db.prepare(PUT_HOLD) };
  const rows = db
    .prepare<[], { state: string }>('SELECT state FROM savings_accounts WHERE reserved > 0')
    .all();
  db.transaction(() => {
    for (const { state } of rows) {
      const account = decodeAccount(state);
      for (const [holdId, hold] of Object.entries(account.holds)) putHold(s, account, holdId, hold);
    }
  })();
}

const PUT_HOLD = `INSERT OR REPLACE INTO savings_holds (account_id, hold_id, coop_id, product_code, amount, expires_at)
  VALUES (?, ?, ?, ?, ?, ?)`;

function row(accountId: string, account: OpenedAccount, revision: number) {
  const reserved = reservedInAll(account);
  const arrears =
    account.wajib && account.wajib.requiredToDate > account.wajib.paidToDate
      ? account.wajib.requiredToDate - account.wajib.paidToDate
      : 0n;
  return {
    account_id: accountId,
    coop_id: account.coopId,
    member_id: account.memberId,
    product_code: account.product.code,
    kind: account.product.kind,
    classification: account.product.classification,
    status: account.status,
    balance: account.balance,
    reserved,
    opened_on: account.openedOn,
    closed_on: account.closedOn,
    next_due_on: nextDueOn(account),
    pending_transfers: Object.keys(account.transfersOut).length,
    wajib_arrears: arrears,
    revision,
    state: encodeAccount(account),
  };
}

type Statements = ReturnType<typeof writes>;

const GET_STATE = 'SELECT state, revision FROM savings_accounts WHERE account_id = ?';

/** The batch's writes, each by its statement (they run where the batch commits). */
function writes(write: ReadModelBatch['write']) {
  const statement = (sql: string) => ({
    run: (...params: unknown[]) => write(sql, params),
  });
  return {
    // An upsert updates the row in place: only the indexes whose columns changed are touched.
    put: {
      run: (row: Record<string, unknown>) =>
        write(
          `INSERT INTO savings_accounts (account_id, coop_id, member_id, product_code, kind, classification,
             status, balance, reserved, opened_on, closed_on, next_due_on, pending_transfers, wajib_arrears, revision, state)
           VALUES (@account_id, @coop_id, @member_id, @product_code, @kind, @classification, @status, @balance, @reserved,
             @opened_on, @closed_on, @next_due_on, @pending_transfers, @wajib_arrears, @revision, @state)
           ON CONFLICT (account_id) DO UPDATE SET status = excluded.status, balance = excluded.balance,
             reserved = excluded.reserved, closed_on = excluded.closed_on, next_due_on = excluded.next_due_on,
             pending_transfers = excluded.pending_transfers, wajib_arrears = excluded.wajib_arrears,
             revision = excluded.revision, state = excluded.state`,
          row,
        ),
    },
    line: statement(
      `INSERT OR IGNORE INTO savings_statement_lines (account_id, revision, position, on_date, recorded_at, type, amount, reference)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    putHold: statement(PUT_HOLD),
    dropHold: statement('DELETE FROM savings_holds WHERE account_id = ? AND hold_id = ?'),
    interestMonth: statement(
      `INSERT OR REPLACE INTO savings_interest_months (account_id, month, coop_id, member_id, gross, tax)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    wajib: statement(
      `INSERT OR REPLACE INTO savings_wajib_months (account_id, coop_id, member_id, month, required, required_to_date, paid_to_date, arrears)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

/** The snapshot the aggregate store starts from. */
export function accountSnapshots(db: Database.Database) {
  createTables(db);
  const get = db.prepare<[string], { state: string; revision: number }>(GET_STATE);
  return (stream: string) => {
    const found = get.get(stream.slice('account-'.length));
    if (!found) return undefined;
    const state = decodeAccount(found.state);
    // Written before finished holds (or how they ended) were kept: the stream alone says.
    if (state.finishedHolds === null) return undefined;
    if (Object.values(state.finishedHolds).some((h) => h.ended === undefined)) return undefined;
    if (state.wajib && state.wajib.paidInOpenMonths === undefined) return undefined;
    return { state, revision: found.revision };
  };
}
