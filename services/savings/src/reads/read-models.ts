import type Database from 'better-sqlite3';

/** Queries over the accounts read model; money columns come back as bigint. */
export class ReadModels {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      accounts: db
        .prepare<[AccountFilter], AccountRow>(
          `SELECT account_id, member_id, product_code, kind, classification, status, balance, opened_on,
                  reserved - coalesce((SELECT sum(h.amount) FROM savings_holds h
                    WHERE h.account_id = a.account_id AND h.expires_at <= @now), 0) AS reserved
             FROM savings_accounts a WHERE coop_id = @coop AND account_id > @after
              AND (@member IS NULL OR member_id = @member) AND (@product IS NULL OR product_code = @product)
              AND (@status IS NULL OR status = @status)
            ORDER BY account_id LIMIT @limit`,
        )
        .safeIntegers(true),
      totals: db
        .prepare<[{ coop: string; now: string }], TotalRow>(
          `SELECT product_code, kind, classification, count(*) AS accounts,
                  sum(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_accounts,
                  sum(balance) AS balance,
                  sum(reserved) - coalesce((SELECT sum(h.amount) FROM savings_holds h
                    WHERE h.coop_id = @coop AND h.product_code = a.product_code
                      AND h.expires_at <= @now), 0) AS reserved
             FROM savings_accounts a WHERE coop_id = @coop
            GROUP BY product_code, kind, classification ORDER BY product_code`,
        )
        .safeIntegers(true),
      federationTotals: db
        .prepare<[], FederationTotalRow>(
          `SELECT kind, classification, count(DISTINCT coop_id) AS coops,
                  sum(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_accounts,
                  sum(balance) AS balance
             FROM savings_accounts GROUP BY kind, classification ORDER BY kind, classification`,
        )
        .safeIntegers(true),
      lastPosition: db
        .prepare<[string], { last: bigint | null }>(
          'SELECT max(position) AS last FROM savings_statement_lines WHERE account_id = ?',
        )
        .safeIntegers(true),
      opening: db
        .prepare<[string, string, number], { total: bigint | null }>(
          `SELECT sum(amount) AS total FROM savings_statement_lines
            WHERE account_id = ? AND on_date < ? AND position <= ?`,
        )
        .safeIntegers(true),
      lines: db
        .prepare<[string, string, string, string, number, number, number], LineRow>(
          `SELECT revision, on_date, recorded_at, type, amount, reference FROM savings_statement_lines
            WHERE account_id = ? AND on_date <= ? AND (on_date > ? OR (on_date = ? AND revision > ?))
              AND position <= ?
            ORDER BY on_date, revision LIMIT ?`,
        )
        .safeIntegers(true),
      sumBefore: db
        .prepare<[string, string, string, string, number, number], { total: bigint | null }>(
          `SELECT sum(amount) AS total FROM savings_statement_lines
            WHERE account_id = ? AND on_date >= ? AND (on_date < ? OR (on_date = ? AND revision <= ?))
              AND position <= ?`,
        )
        .safeIntegers(true),
      inRange: db
        .prepare<[string, string, string, number], { total: bigint | null }>(
          `SELECT sum(amount) AS total FROM savings_statement_lines
            WHERE account_id = ? AND on_date >= ? AND on_date <= ? AND position <= ?`,
        )
        .safeIntegers(true),
      wajib: db
        .prepare<[string, string], WajibRow>(
          `SELECT account_id, month, required, required_to_date, paid_to_date, arrears FROM savings_wajib_months
            WHERE coop_id = ? AND member_id = ? ORDER BY month`,
        )
        .safeIntegers(true),
      wajibArrears: db
        .prepare<[string, string], { total: bigint | null }>(
          `SELECT sum(wajib_arrears) AS total FROM savings_accounts
            WHERE coop_id = ? AND member_id = ? AND kind = 'wajib'`,
        )
        .safeIntegers(true),
    };
  }

  accounts(
    coopId: string,
    filter: {
      memberId?: string;
      productCode?: string;
      status?: string;
      after?: string;
      limit: number;
    },
    now: string,
  ) {
    return this.s.accounts.all({
      now,
      coop: coopId,
      after: filter.after ?? '',
      member: filter.memberId ?? null,
      product: filter.productCode ?? null,
      status: filter.status ?? null,
      limit: filter.limit,
    });
  }

  /** Per product; held is what holds and waiting withdrawals reserve at `now`. */
  totals(coopId: string, now: string) {
    return this.s.totals.all({ coop: coopId, now });
  }

  /** Every coop's savings, by product kind: the transparency page's figures. */
  federationTotals() {
    return this.s.federationTotals.all();
  }

  /**
   * A statement as it stood when its first page was read: lines recorded up to `upTo` (the
   * store position of the account's last line then; the cursor carries it on), so a back-dated
   * line recorded between pages moves neither the running balance nor the closing balance.
   */
  statement(
    accountId: string,
    from: string,
    to: string,
    cursor: { on: string; revision: number; upTo?: number } | undefined,
    limit: number,
  ) {
    const upTo = cursor?.upTo ?? Number(this.s.lastPosition.get(accountId)?.last ?? 0n);
    const opening = this.s.opening.get(accountId, from, upTo)?.total ?? 0n;
    const closing = opening + (this.s.inRange.get(accountId, from, to, upTo)?.total ?? 0n);
    const start = cursor ?? { on: from, revision: -1 };
    const before = cursor
      ? (this.s.sumBefore.get(accountId, from, cursor.on, cursor.on, cursor.revision, upTo)
          ?.total ?? 0n)
      : 0n;
    const lines = this.s.lines.all(
      accountId,
      to,
      start.on,
      start.on,
      start.revision,
      upTo,
      limit + 1,
    );
    return { opening, closing, before, lines, upTo };
  }

  wajibMonths(coopId: string, memberId: string) {
    return this.s.wajib.all(coopId, memberId);
  }

  /**
   * What the member owes now: the arrears of their wajib accounts as the accounts show them,
   * a payment made since the last month closed included.
   */
  wajibArrears(coopId: string, memberId: string): bigint {
    return this.s.wajibArrears.get(coopId, memberId)?.total ?? 0n;
  }
}

interface AccountFilter {
  coop: string;
  /** Holds that expired by now no longer reserve anything (close of business releases them). */
  now: string;
  after: string;
  member: string | null;
  product: string | null;
  status: string | null;
  limit: number;
}

export interface AccountRow {
  account_id: string;
  member_id: string;
  product_code: string;
  kind: string;
  classification: string;
  status: string;
  balance: bigint;
  reserved: bigint;
  opened_on: string;
}
export interface TotalRow {
  product_code: string;
  kind: string;
  classification: string;
  accounts: bigint;
  open_accounts: bigint;
  balance: bigint;
  reserved: bigint;
}
export interface LineRow {
  revision: bigint;
  on_date: string;
  recorded_at: string;
  type: string;
  amount: bigint;
  reference: string | null;
}
export interface WajibRow {
  account_id: string;
  month: string;
  required: bigint;
  required_to_date: bigint;
  paid_to_date: bigint;
  arrears: bigint;
}

interface FederationTotalRow {
  kind: string;
  classification: string;
  coops: bigint;
  open_accounts: bigint | null;
  balance: bigint | null;
}
