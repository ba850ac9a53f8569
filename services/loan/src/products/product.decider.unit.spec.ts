import { DomainError } from '@kopfed/domain';
import { TERMS } from '../testing/loan-fixtures';
import {
  productDecider,
  versionOn,
  type ProductCommand,
  type ProductEvent,
} from './product.decider';
import { highestEffectiveRate, type LoanProductTerms } from './terms';

const define = (
  terms: Partial<LoanProductTerms> = {},
  effectiveFrom = '2026-01-01',
): ProductCommand => ({
  type: 'DefineLoanProductVersion',
  coopId: 'ksp-1',
  productCode: 'PINJAMAN',
  effectiveFrom,
  terms: { ...TERMS, ...terms },
  definedBy: 'key-1',
});
const given = (events: ProductEvent[]) =>
  events.reduce(productDecider.evolve, productDecider.initialState());
const refusal = (events: ProductEvent[], command: ProductCommand): DomainError => {
  try {
    productDecider.decide(command, given(events));
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('loan product decider', () => {
  const first = productDecider.decide(define(), given([]));

  it('defines a product version with its terms', () => {
    expect(first).toEqual([
      {
        type: 'LoanProductVersionDefined',
        data: {
          coopId: 'ksp-1',
          productCode: 'PINJAMAN',
          effectiveFrom: '2026-01-01',
          terms: TERMS,
          definedBy: 'key-1',
        },
      },
    ]);
  });

  it('adds later versions; a loan takes the one in force on its date', () => {
    const second = productDecider.decide(
      define({ annualRatePercent: '10' }, '2026-07-01'),
      given(first),
    );
    const state = given([...first, ...second]);
    expect(versionOn(state, '2026-06-30').terms.annualRatePercent).toBe('12');
    expect(versionOn(state, '2026-07-01').terms.annualRatePercent).toBe('10');
    expect(() => versionOn(state, '2025-12-31')).toThrow(
      expect.objectContaining({ code: 'product_not_in_force' }) as Error,
    );
    expect(() => versionOn(given([]), '2026-01-01')).toThrow(
      expect.objectContaining({ code: 'product_not_found' }) as Error,
    );
  });

  it('treats the same version again as nothing new, and refuses to rewrite history', () => {
    expect(productDecider.decide(define(), given(first))).toEqual([]);
    expect(refusal(first, define({ annualRatePercent: '11' })).code).toBe(
      'product_version_not_after_latest',
    );
    expect(refusal(first, define({}, '2025-12-01')).kind).toBe('conflict');
  });

  it('refuses a 12-month 20% flat product (35.07% effective) and accepts 20% effective', () => {
    const flat = refusal(
      [],
      define({
        method: 'FLAT',
        annualRatePercent: '20',
        minTermMonths: 12,
        maxTermMonths: 12,
        maxGraceMonths: 0,
      }),
    );
    expect(flat).toMatchObject({
      code: 'rate_cap_exceeded',
      pointer: '/terms/annualRatePercent',
      details: { effectiveAnnualRatePercent: '35.07', capPercent: '24' },
    });
    expect(
      productDecider.decide(
        define({
          method: 'EFFECTIVE',
          annualRatePercent: '20',
          minTermMonths: 12,
          maxTermMonths: 12,
          maxGraceMonths: 0,
        }),
        given([]),
      ),
    ).toHaveLength(1);
    expect(
      refusal(
        [],
        define({
          method: 'FLAT',
          annualRatePercent: '24',
          minTermMonths: 12,
          maxTermMonths: 12,
          maxGraceMonths: 0,
        }),
      ).code,
    ).toBe('rate_cap_exceeded');
  });

  it('judges a flat product at its worst term, not just at its ends', () => {
    // 13.5% flat: 1 month is 13.5% effective, 360 months far less; at 16 months it is 24.21%.
    const terms = {
      ...TERMS,
      method: 'FLAT' as const,
      annualRatePercent: '13.5',
      minTermMonths: 1,
      maxTermMonths: 360,
      maxGraceMonths: 0,
    };
    expect(highestEffectiveRate(terms)).toEqual({ rate: '24.21', termMonths: 16 });
    expect(refusal([], define(terms)).code).toBe('rate_cap_exceeded');
    expect(
      productDecider.decide(define({ ...terms, annualRatePercent: '13' }), given([])),
    ).toHaveLength(1);
  });

  it.each([
    ['term_out_of_range', { maxTermMonths: 361 }],
    ['term_range_inverted', { minTermMonths: 24, maxTermMonths: 12 }],
    ['grace_too_long', { maxTermMonths: 6, maxGraceMonths: 6 }],
    ['principal_range_inverted', { minPrincipal: '9', maxPrincipal: '8' }],
    [
      'allocation_order',
      {
        allocationOrder: [
          'fee',
          'fee',
          'interest',
          'principal',
        ] as LoanProductTerms['allocationOrder'],
      },
    ],
    ['percent_above_100', { collateralSharePercent: '120' }],
  ])('refuses %s', (code, terms) => {
    expect(refusal([], define(terms))).toMatchObject({ code, kind: 'rejected' });
  });
});
