import fc from 'fast-check';
import { effectiveAnnualRatePercent } from './effective-rate';
import type { ScheduledInstallment } from './schedule';

const flows = (...amounts: bigint[]): ScheduledInstallment[] =>
  amounts.map((a, k) => ({ number: k + 1, dueDate: '2026-01-01', principal: a, interest: 0n }));

describe('effective annual rate: 12 × monthly IRR, half-up to 2 decimals, exact', () => {
  it('answers the same wherever the search starts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), (guess) => {
        expect(effectiveAnnualRatePercent(1_000_000n, flows(600_000n, 600_000n), guess)).toBe(
          effectiveAnnualRatePercent(1_000_000n, flows(600_000n, 600_000n), 0),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('rounds a rate exactly on a half hundredth up', () => {
    // One month, 1,000,000 back as 1,000,125: i = 0.0125% a month, 12 × = 0.15% exactly.
    expect(effectiveAnnualRatePercent(1_000_000n, flows(1_000_125n), 0)).toBe('0.15');
    // 0.004583...% a month → 0.055% a year exactly (× 12 = 0.055): half-up to 0.06.
    expect(effectiveAnnualRatePercent(240_000_000n, flows(240_011_000n), 0)).toBe('0.06');
    // One rupiah less is below the half: 0.05.
    expect(effectiveAnnualRatePercent(240_000_000n, flows(240_010_999n), 0)).toBe('0.05');
  });

  it('is zero when nothing beyond the principal comes back', () => {
    expect(effectiveAnnualRatePercent(1_000n, flows(500n, 500n), 1_200)).toBe('0.00');
  });
});
