import { DomainError } from '@kopfed/domain';
import type { LoanCommand } from '../loans/loan-commands';
import { loanDecider } from '../loans/loan.decider';
import type { LoanProductTerms } from '../products/terms';
import { application, disbursedLoan, productWith } from '../testing/loan-fixtures';
import { exceedsCap, loanExceedsCap, RATE_CAP_POLICIES } from './rate-cap';

const refusalOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  return undefined;
};
const cap = RATE_CAP_POLICIES[0]!;
const applyUnder = (terms: Partial<LoanProductTerms>, termMonths = 12) => {
  // The product is defined within the cap, then its terms are edited underneath it, so the
  // application's own check is the one tested.
  const product = productWith({ method: 'ANNUITY', annualRatePercent: '24' });
  const version = product.versions[0]!;
  version.terms = { ...version.terms, ...terms };
  return refusalOf(() =>
    loanDecider.decide(
      { type: 'ApplyForLoan', ...application({ product, termMonths }) },
      loanDecider.initialState(),
    ),
  );
};
// 12 months flat: 13.471515% is an effective 23.99999…%, 13.471516% an effective 24.00000…%,
// both shown as 24.00.
const FLAT_JUST_BELOW = '13.471515';
const FLAT_JUST_ABOVE = '13.471516';
const flat12 = (annualRatePercent: string) => ({
  method: 'FLAT' as const,
  annualRatePercent,
  minTermMonths: 12,
  maxTermMonths: 12,
  maxGraceMonths: 0,
});

describe('rate cap judged on the exact effective rate, not the rounded one', () => {
  it('refuses a product at 24.004% effective, accepts one at 24%', () => {
    expect(exceedsCap('24.004', cap)).toBe(true);
    expect(exceedsCap('24', cap)).toBe(false);
    expect(
      refusalOf(() => productWith({ method: 'EFFECTIVE', annualRatePercent: '24.004' }))?.code,
    ).toBe('rate_cap_exceeded');
    expect(
      refusalOf(() => productWith({ method: 'ANNUITY', annualRatePercent: '24.000001' }))?.code,
    ).toBe('rate_cap_exceeded');
    expect(refusalOf(() => productWith({ method: 'EFFECTIVE', annualRatePercent: '24' }))).toBe(
      undefined,
    );
    expect(refusalOf(() => productWith({ method: 'ANNUITY', annualRatePercent: '24' }))).toBe(
      undefined,
    );
  });

  it('refuses a flat product whose effective rate is a hair above 24%, though shown as 24.00', () => {
    const refusal = refusalOf(() => productWith(flat12(FLAT_JUST_ABOVE)));
    expect(refusal?.code).toBe('rate_cap_exceeded');
    expect(refusal?.details).toMatchObject({ effectiveAnnualRatePercent: '24.00' });
    expect(refusalOf(() => productWith(flat12(FLAT_JUST_BELOW)))).toBe(undefined);
  });

  it('refuses an application at 24.004% under a product edited past the cap', () => {
    expect(applyUnder({ annualRatePercent: '24.004' })?.code).toBe('rate_cap_exceeded');
    expect(applyUnder({ method: 'FLAT', annualRatePercent: FLAT_JUST_ABOVE })?.code).toBe(
      'rate_cap_exceeded',
    );
    expect(applyUnder({ method: 'FLAT', annualRatePercent: FLAT_JUST_BELOW })).toBe(undefined);
    expect(applyUnder({})).toBe(undefined);
  });

  it('refuses a restructuring to 24.004%, accepts one to 24%', () => {
    const loan = disbursedLoan();
    const restructure = (annualRatePercent: string): LoanCommand => ({
      type: 'RestructureLoan',
      restructuredOn: '2026-02-15',
      installments: 12,
      graceMonths: 0,
      method: null,
      annualRatePercent,
      fee: 0n,
      restructuredBy: 'key-officer',
    });
    const state = loan.reduce(loanDecider.evolve, loanDecider.initialState());
    expect(refusalOf(() => loanDecider.decide(restructure('24.004'), state))?.code).toBe(
      'rate_cap_exceeded',
    );
    expect(refusalOf(() => loanDecider.decide(restructure('24'), state))).toBe(undefined);
  });

  it('is decided by the contract, not by rupiah rounding: every 24% annuity and effective loan passes', () => {
    for (const method of ['ANNUITY', 'EFFECTIVE', 'BULLET'] as const)
      for (const termMonths of [1, 6, 12, 36, 360])
        expect(
          loanExceedsCap({ method, annualRatePercent: '24', termMonths, graceMonths: 0 }, cap),
        ).toBe(false);
    expect(
      loanExceedsCap(
        { method: 'FLAT', annualRatePercent: '24', termMonths: 1, graceMonths: 0 },
        cap,
      ),
    ).toBe(false);
    expect(
      loanExceedsCap(
        { method: 'FLAT', annualRatePercent: '24', termMonths: 2, graceMonths: 0 },
        cap,
      ),
    ).toBe(true);
  });
});
