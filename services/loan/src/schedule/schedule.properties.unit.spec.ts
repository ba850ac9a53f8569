import fc from 'fast-check';
import { previewSchedule } from './preview';
import { LOAN_METHODS } from './schedule';

const termsArbitrary = fc
  .record({
    method: fc.constantFrom(...LOAN_METHODS),
    principal: fc.bigInt({ min: 1n, max: 10_000_000_000_000n }),
    annualRatePercent: fc
      .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 999 }))
      .map(([whole, fraction]) => `${whole}.${String(fraction).padStart(3, '0')}`),
    termMonths: fc.integer({ min: 1, max: 360 }),
    disbursementDate: fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2035-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10)),
    graceFraction: fc.double({ min: 0, max: 0.9, noNaN: true }),
  })
  .map(({ graceFraction, ...t }) => ({
    ...t,
    graceMonths: Math.floor(graceFraction * (t.termMonths - 1)),
  }));

describe('schedule invariants (property)', () => {
  it('principals sum to P, outstanding never goes negative and ends at 0, totals = principal + interest', () => {
    fc.assert(
      fc.property(termsArbitrary, (terms) => {
        const p = previewSchedule(terms);
        // Plain checks, one expect: a schedule has up to 360 rows and this runs 150 times.
        const broken: string[] = [];
        let outstanding = terms.principal;
        p.installments.forEach((i, k) => {
          outstanding -= i.principal;
          if (i.principal < 0n || i.interest < 0n) broken.push(`${k}: negative amount`);
          if (i.outstandingAfter !== outstanding)
            broken.push(`${k}: outstanding ${i.outstandingAfter}`);
          if (outstanding < 0n) broken.push(`${k}: outstanding below zero`);
          if (i.total !== i.principal + i.interest) broken.push(`${k}: total`);
          if (k > 0 && i.dueDate <= p.installments[k - 1]!.dueDate)
            broken.push(`${k}: due date order`);
          if (k < terms.graceMonths && i.principal !== 0n) broken.push(`${k}: principal in grace`);
        });
        expect({
          broken,
          count: p.installments.length,
          principal: p.installments.reduce((sum, i) => sum + i.principal, 0n),
          interest: p.installments.reduce((sum, i) => sum + i.interest, 0n),
          outstanding,
        }).toEqual({
          broken: [],
          count: terms.termMonths,
          principal: terms.principal,
          interest: p.totalInterest,
          outstanding: 0n,
        });
      }),
      { numRuns: 150 },
    );
  });
});
