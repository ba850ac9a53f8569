import { productDecider, type ProductState } from '../products/product.decider';
import type { LoanProductTerms } from '../products/terms';
import type { Application, BorrowerFacts, LoanCommand } from '../loans/loan-commands';
import { loanDecider } from '../loans/loan.decider';
import type { LoanEvent } from '../loans/loan-events';
import type { LoanState } from '../loans/loan-state';

/** Test data for the loan deciders: a primary coop, a person member and a product. */
export const TERMS: LoanProductTerms = {
  name: 'Pinjaman produktif',
  method: 'ANNUITY',
  annualRatePercent: '12',
  minTermMonths: 1,
  maxTermMonths: 60,
  maxGraceMonths: 3,
  minPrincipal: '1000000',
  maxPrincipal: '500000000',
  disbursementFeePercent: '1',
  lateFee: '25000',
  penaltyPercentPerDay: '0.1',
  allocationOrder: ['penalty', 'fee', 'interest', 'principal'],
  collateralSharePercent: '0',
};

export function productWith(
  terms: Partial<LoanProductTerms> = {},
  effectiveFrom = '2026-01-01',
): ProductState {
  return productDecider
    .decide(
      {
        type: 'DefineLoanProductVersion',
        coopId: 'ksp-1',
        productCode: 'PINJAMAN',
        effectiveFrom,
        terms: { ...TERMS, ...terms },
        definedBy: 'key-staff',
      },
      productDecider.initialState(),
    )
    .reduce(productDecider.evolve, productDecider.initialState());
}

export const PERSON_FACTS: BorrowerFacts = {
  lender: { kind: 'primary', status: 'active' },
  member: { memberId: 'm-1', coopId: 'ksp-1', kind: 'person', memberCoopId: null, left: false },
  memberCoop: null,
  agreement: null,
};

export function application(overrides: Partial<Application> = {}): Application {
  return {
    loanId: 'loan-1',
    coopId: 'ksp-1',
    memberId: 'm-1',
    productCode: 'PINJAMAN',
    product: productWith(),
    facts: PERSON_FACTS,
    principal: 10_000_000n,
    termMonths: 12,
    graceMonths: 0,
    collateralSavingsAccountId: null,
    appliedOn: '2026-01-20',
    appliedBy: 'key-maker',
    externalId: null,
    ...overrides,
  };
}

export const given = (events: readonly LoanEvent[]): LoanState =>
  events.reduce(loanDecider.evolve, loanDecider.initialState());

/** Runs commands in turn, returning every event and the state after them. */
export function run(commands: readonly LoanCommand[], start: readonly LoanEvent[] = []) {
  const events = [...start];
  for (const command of commands) events.push(...loanDecider.decide(command, given(events)));
  return { events, state: given(events) };
}

/** Apply, approve and disburse on 2026-01-31: the 12-month annuity of Rp10,000,000. */
export function disbursedLoan(overrides: Partial<Application> = {}, disbursedOn = '2026-01-31') {
  return run([
    { type: 'ApplyForLoan', ...application(overrides) },
    { type: 'ApproveLoan', approvedBy: 'key-checker', approvedOn: '2026-01-25' },
    {
      type: 'DisburseLoan',
      disbursedOn,
      via: { kind: 'savings', savingsAccountId: 'sav-1', productCode: 'SUKARELA' },
      disbursedBy: 'key-teller',
      externalId: null,
      bookOutstandingPrincipal: 0n,
      facts: PERSON_FACTS,
    },
  ]).events;
}

export const types = (events: readonly LoanEvent[]) => events.map((e) => e.type);
