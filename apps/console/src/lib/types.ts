import type { Money } from './money';

/** The shapes the console reads from the public APIs (see each service's OpenAPI document). */
/** Counts by a key (a kind, province code, gender, age band…), as the member API lists them. */
export type CountBy = { key: string; count: number }[];

export interface Statistics {
  scopeCoopId: string | null;
  asOf: string;
  coops: { total: number; byKind: CountBy; byStatus: CountBy; byProvince: CountBy };
  members: {
    total: number;
    persons: number;
    coops: number;
    byCoop: CountBy;
    byProvince: CountBy;
    byGender: CountBy;
    byAgeBand: CountBy;
  };
  rat: { activeCoops: number; compliant: number; overdue: number };
}

export interface Portfolio {
  coopId: string;
  consolidated: boolean;
  asOf: string;
  coopIds: string[];
  loans: number;
  outstandingPrincipal: Money;
  overdueAmount: Money;
  provisionRequired: Money;
  byKolektibilitas: { kolektibilitas: string; loans: number; outstandingPrincipal: Money; provision: Money }[];
  nplOutstanding: Money;
  nplRatioPercent: string | null;
  healthy: boolean;
  byCoop: { coopId: string; loans: number; outstandingPrincipal: Money; nplOutstanding: Money; provision: Money }[];
}

export interface SavingsTotals {
  coopId: string;
  products: {
    productCode: string;
    kind: string;
    classification: string;
    accounts: number;
    openAccounts: number;
    balance: Money;
    held: Money;
  }[];
}

export interface Batch {
  batchId: string;
  parentCoopId: string;
  model: string;
  currency: string;
  windowStart: string;
  windowEnd: string;
  status: string;
  transferCount: number;
  total: Money;
  closedAt: string | null;
  instructions: { coopId: string; direction: 'pay' | 'receive'; amount: Money; counterpartyCoopId: string | null; reference: string }[];
  settlements: { coopId: string; bankReference: string; settledOn: string; confirmedAt: string }[];
  dispute: { coopId: string; reason: string } | null;
}

export interface Positions {
  batchId: string;
  status: string;
  currency: string;
  positions: { coopId: string; debits: Money; credits: Money; net: Money }[];
  bilateral: { fromCoopId: string; toCoopId: string; amount: Money }[];
  sumOfNets: Money;
}

export interface Mismatch {
  source: 'bank' | 'coop' | 'parent_books';
  cause: 'missing' | 'duplicated' | 'amount_differs' | 'date_differs' | 'reference_differs';
  expected: string | null;
  actual: string | null;
}

export interface BankLine {
  statementId: string;
  lineNo: number;
  valueDate: string;
  amount: string;
  reference: string;
  description: string;
}

export interface ReconciliationReport {
  parentCoopId: string;
  coops: {
    coopId: string;
    items: {
      batchId: string;
      reference: string;
      direction: 'pay' | 'receive';
      amount: string;
      expectedDate: string;
      confirmed: boolean;
      booked: boolean;
      bank: BankLine[];
      mismatches: Mismatch[];
    }[];
    unmatchedCoopRecords: { recordId: string; reference: string; direction: string; amount: string; date: string }[];
  }[];
  unmatchedBankLines: BankLine[];
}

export interface Alarm {
  coopId: string;
  currency: string;
  raisedAt: string;
  position: Money;
  netDebitCap: Money;
}

export interface Member {
  memberId: string;
  memberNumber: string;
  kind: 'person' | 'coop';
  memberCoopId: string | null;
  status: string;
  joinedOn: string;
  personalData: { name?: string } | 'erased' | 'withheld' | null;
}

export interface Account {
  accountId: string;
  memberId: string;
  productCode: string;
  kind: string;
  status: string;
  balance: Money;
  availableBalance: Money;
}

export interface LoanSummary {
  loanId: string;
  memberId: string;
  productCode: string;
  status: string;
  kolektibilitas: string;
  outstandingPrincipal: Money;
  overdueAmount: Money;
}

export interface Verification {
  intact: boolean;
  verifiedAt: string;
  error: string | null;
  stores: {
    store: string;
    intact: boolean;
    events: number;
    checkpoints: number;
    findingCount: number;
    first: { kind: string; detail: string } | null;
  }[];
}

export interface BookLine {
  account: string;
  name: string;
  amount: string;
}

/** The public directory of coops (member API): legal identity and RAT standing only. */
export interface PublicCoopDirectory {
  asOf: string;
  coops: {
    coopId: string;
    name: string;
    kind: string;
    province: string;
    legalEntityNumber: string;
    parentId: string | null;
    status: string;
    rat: { lastYear: number | null; overdue: boolean };
  }[];
  nextCursor: string | null;
}

/** The federation's savings by product kind (savings API, public). */
export interface PublicSavingsTotals {
  kinds: { kind: string; classification: string; coops: number; openAccounts: number; balance: Money }[];
  total: Money;
}

/** The federation's loans by kolektibilitas and its NPL ratio (loan API, public). */
export interface PublicPortfolio {
  asOf: string;
  loans: number;
  outstandingPrincipal: Money;
  byKolektibilitas: { kolektibilitas: string; loans: number; outstandingPrincipal: Money }[];
  nplOutstanding: Money;
  nplRatioPercent: string | null;
  healthy: boolean;
}
