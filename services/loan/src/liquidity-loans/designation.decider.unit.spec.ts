import { DomainError } from '@kopfed/domain';
import { productDecider } from '../products/product.decider';
import { productWith } from '../testing/loan-fixtures';
import { liquidityLoanRequestId, readyToApply } from './answer';
import { designationDecider, type DesignationCommand, type DesignationEvent } from './designation';

const designate = (overrides: Partial<DesignationCommand> = {}): DesignationCommand => ({
  type: 'DesignateLiquidityLoanProduct',
  coopId: 'ksp-1',
  productCode: 'PINJAMAN',
  product: productWith({ minTermMonths: 1, maxTermMonths: 12 }),
  termMonths: 3,
  designatedOn: '2026-02-02',
  designatedBy: 'key-treasurer',
  ...overrides,
});
const given = (events: DesignationEvent[]) =>
  events.reduce(designationDecider.evolve, designationDecider.initialState());
const refusal = (events: DesignationEvent[], command: DesignationCommand): DomainError => {
  try {
    designationDecider.decide(command, given(events));
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('liquidity loan product designation', () => {
  const first = designationDecider.decide(designate(), given([]));

  it('designates a product in force and a term it allows', () => {
    expect(first).toEqual([
      {
        type: 'LiquidityLoanProductDesignated',
        data: {
          coopId: 'ksp-1',
          productCode: 'PINJAMAN',
          termMonths: 3,
          designatedOn: '2026-02-02',
          designatedBy: 'key-treasurer',
        },
      },
    ]);
    expect(given(first).designation).toMatchObject({ productCode: 'PINJAMAN', termMonths: 3 });
  });

  it('changes nothing when the same designation comes again, and replaces it with another', () => {
    expect(designationDecider.decide(designate({ designatedBy: 'key-2' }), given(first))).toEqual(
      [],
    );
    const again = designationDecider.decide(
      designate({ productCode: 'LIKUIDITAS', termMonths: 6 }),
      given(first),
    );
    expect(given([...first, ...again]).designation).toMatchObject({
      productCode: 'LIKUIDITAS',
      termMonths: 6,
    });
  });

  it('refuses a product that does not exist or is not yet in force', () => {
    expect(refusal([], designate({ product: productDecider.initialState() }))).toMatchObject({
      code: 'product_not_found',
      kind: 'not_found',
    });
    expect(refusal([], designate({ product: productWith({}, '2026-03-01') }))).toMatchObject({
      code: 'product_not_in_force',
    });
  });

  it('refuses a term outside the product’s range', () => {
    expect(refusal([], designate({ termMonths: 13 }))).toMatchObject({
      code: 'term_out_of_range',
      pointer: '/termMonths',
    });
  });

  it('refuses a product that requires a savings hold: settlement names no account to hold', () => {
    expect(
      refusal([], designate({ product: productWith({ collateralSharePercent: '25' }) })),
    ).toMatchObject({ code: 'liquidity_product_secured', pointer: '/productCode' });
  });
});

describe('a liquidity loan request, before it is applied for', () => {
  const request = { parentCoopId: 'pusk-1', coopId: 'ksp-1', currency: 'IDR' };
  const terms = { productCode: 'LIKUIDITAS', termMonths: 3 };

  it('is applied for on the designation, for the borrower coop’s membership', () => {
    expect(readyToApply(request, terms, 'm-ksp-1')).toEqual({
      ready: true,
      terms,
      memberId: 'm-ksp-1',
    });
  });

  it('waits, with its reason, for a product, a membership, or a shortfall in rupiah', () => {
    expect(readyToApply(request, null, 'm-ksp-1')).toMatchObject({
      ready: false,
      reason: 'no_liquidity_product',
    });
    expect(readyToApply(request, terms, undefined)).toMatchObject({
      ready: false,
      reason: 'borrower_not_member',
    });
    expect(readyToApply({ ...request, currency: 'USD' }, terms, 'm-ksp-1')).toMatchObject({
      ready: false,
      reason: 'currency_not_lent',
    });
  });

  it('has one id per settlement batch and member coop, which the loan answering it takes', () => {
    const id = liquidityLoanRequestId('batch-1', 'ksp-1');
    expect(liquidityLoanRequestId('batch-1', 'ksp-1')).toBe(id);
    expect(liquidityLoanRequestId('batch-1', 'ksp-2')).not.toBe(id);
    expect(liquidityLoanRequestId('batch-2', 'ksp-1')).not.toBe(id);
  });
});
