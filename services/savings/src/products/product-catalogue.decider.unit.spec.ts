import { DomainError } from '@kopfed/domain';
import type { ProductTerms } from './product';
import {
  approvalThresholdOn,
  catalogueDecider,
  type CatalogueCommand,
  type CatalogueEvent,
  type ProductIdentityData,
} from './product-catalogue.decider';

const terms = (overrides: Partial<ProductTerms> = {}): ProductTerms => ({
  effectiveFrom: '2026-01-01',
  rateBasisPoints: 450,
  minimumBalanceForInterest: 0n,
  minimumBalance: 0n,
  pokokAmount: null,
  wajibMonthlyAmount: null,
  earlyWithdrawalPenaltyBasisPoints: 0,
  minimumPlacement: 0n,
  ...overrides,
});
type Identity = Omit<ProductIdentityData, 'classification'>;
const sukarela: Identity = {
  code: 'SUKARELA',
  name: 'Simpanan Sukarela',
  kind: 'sukarela',
  securesLoans: true,
  interest: { basis: 'daily_balance', posting: 'monthly' },
  termMonths: null,
};
const define = (
  overrides: Partial<Identity> = {},
  t: Partial<ProductTerms> = {},
): CatalogueCommand => ({
  type: 'DefineProduct',
  product: { ...sukarela, ...overrides },
  terms: terms(t),
});
const given = (events: CatalogueEvent[]) =>
  events.reduce(catalogueDecider.evolve, catalogueDecider.initialState());
function refusal(events: CatalogueEvent[], command: CatalogueCommand): DomainError {
  try {
    catalogueDecider.decide(command, given(events));
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('accepted');
}
const defined = catalogueDecider.decide(define(), given([]));

describe('product catalogue', () => {
  it('defines a product, classifying sukarela as a liability and pokok and wajib as equity', () => {
    expect(defined).toEqual([
      expect.objectContaining({
        type: 'ProductDefined',
        data: expect.objectContaining({ classification: 'liability' }),
      }),
    ]);
    const pokok = catalogueDecider.decide(
      define(
        { code: 'POKOK', kind: 'pokok', interest: null },
        { rateBasisPoints: 0, pokokAmount: 100_000n },
      ),
      given([]),
    );
    expect(pokok[0]!.data).toMatchObject({
      classification: 'equity',
      terms: { pokokAmount: '100000' },
    });
  });

  it('accepts 9% a year and refuses anything above it (Permenkop 8/2023 Ps. 26)', () => {
    expect(catalogueDecider.decide(define({}, { rateBasisPoints: 900 }), given([]))).toHaveLength(
      1,
    );
    const error = refusal([], define({}, { rateBasisPoints: 901 }));
    expect(error).toMatchObject({
      code: 'rate-above-cap',
      pointer: '/terms/rateBasisPoints',
      details: { maxRateBasisPoints: 900 },
    });
    expect(
      refusal(defined, {
        type: 'ReviseProduct',
        code: 'SUKARELA',
        terms: terms({ effectiveFrom: '2026-07-01', rateBasisPoints: 950 }),
        today: '2026-06-01',
      }).code,
    ).toBe('rate-above-cap');
  });

  it.each<[string, CatalogueCommand, string]>([
    ['a product twice', define(), 'product-exists'],
    [
      'pokok without its share',
      define({ code: 'P', kind: 'pokok', interest: null }, { rateBasisPoints: 0 }),
      'pokok-amount',
    ],
    [
      'wajib without its monthly amount',
      define({ code: 'W', kind: 'wajib', interest: null }, { rateBasisPoints: 0 }),
      'wajib-amount',
    ],
    ['a term on sukarela', define({ code: 'S2', termMonths: 12 }), 'term-not-allowed'],
    ['berjangka without a term', define({ code: 'B', kind: 'berjangka' }), 'term-required'],
    [
      'yearly posting on a time deposit shorter than a year',
      define({
        code: 'B6',
        kind: 'berjangka',
        termMonths: 6,
        interest: { basis: 'daily_balance', posting: 'yearly' },
      }),
      'posting-longer-than-term',
    ],
    ['interest without a basis', define({ code: 'S3', interest: null }), 'interest-basis-required'],
    [
      'a minimum balance on wajib',
      define(
        { code: 'W2', kind: 'wajib', interest: null },
        { rateBasisPoints: 0, wajibMonthlyAmount: 1n, minimumBalance: 5n },
      ),
      'minimum-balance-not-allowed',
    ],
    [
      'a penalty on sukarela',
      define({ code: 'S4' }, { earlyWithdrawalPenaltyBasisPoints: 50 }),
      'time-deposit-terms-not-allowed',
    ],
  ])('refuses %s', (_name, command, code) => {
    expect(refusal(defined, command).code).toBe(code);
  });

  it('revises terms from a later date on, never backwards', () => {
    const revise = (effectiveFrom: string): CatalogueCommand => ({
      type: 'ReviseProduct',
      code: 'SUKARELA',
      terms: terms({ effectiveFrom, rateBasisPoints: 500 }),
      today: '2026-06-01',
    });
    const revised = catalogueDecider.decide(revise('2026-07-01'), given(defined));
    const state = given([...defined, ...revised]);
    expect(
      state.products.SUKARELA!.versions.map((v) => [v.effectiveFrom, v.rateBasisPoints]),
    ).toEqual([
      ['2026-01-01', 450],
      ['2026-07-01', 500],
    ]);
    expect(refusal(defined, revise('2026-05-01')).code).toBe('effective-date-in-past');
    expect(refusal([...defined, ...revised], revise('2026-06-15')).code).toBe(
      'effective-date-not-after-latest',
    );
    expect(refusal([], revise('2026-07-01')).code).toBe('product-not-found');
  });

  it('keeps the maker-checker threshold as versions with a default', () => {
    const set = catalogueDecider.decide(
      {
        type: 'SetSavingsPolicy',
        effectiveFrom: '2026-04-01',
        withdrawalApprovalThreshold: 5_000_000n,
        today: '2026-03-01',
      },
      given([]),
    );
    const state = given(set);
    expect(approvalThresholdOn(state, '2026-03-31')).toBe(50_000_000n);
    expect(approvalThresholdOn(state, '2026-04-01')).toBe(5_000_000n);
    expect(
      refusal(set, {
        type: 'SetSavingsPolicy',
        effectiveFrom: '2026-02-01',
        withdrawalApprovalThreshold: 1n,
        today: '2026-03-01',
      }).code,
    ).toBe('effective-date-in-past');
  });
});
