import {
  businessDateJustEnded,
  businessDatesBetween,
  msUntilJakartaMidnight,
} from './business-clock';

describe('the business clock (Asia/Jakarta)', () => {
  it('counts to the next midnight in Jakarta (17:00 UTC)', () => {
    expect(msUntilJakartaMidnight(new Date('2026-11-28T16:00:00Z'))).toBe(60 * 60 * 1000);
    expect(msUntilJakartaMidnight(new Date('2026-11-28T17:00:00Z'))).toBe(24 * 60 * 60 * 1000);
    expect(msUntilJakartaMidnight(new Date('2026-11-28T17:30:00Z'))).toBe(23.5 * 60 * 60 * 1000);
  });
  it('names the business date that ended at the last midnight', () => {
    expect(businessDateJustEnded(new Date('2026-11-28T17:01:00Z'))).toBe('2026-11-28');
    expect(businessDateJustEnded(new Date('2026-11-29T02:00:00Z'))).toBe('2026-11-28');
    expect(businessDateJustEnded(new Date('2026-11-28T16:59:00Z'))).toBe('2026-11-27');
  });
});

describe('businessDatesBetween', () => {
  it('lists the dates after the first up to the last, across month and year ends', () => {
    expect(businessDatesBetween('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(businessDatesBetween('2028-02-28', '2028-03-01')).toEqual(['2028-02-29', '2028-03-01']);
  });
  it('is empty when nothing comes after', () => {
    expect(businessDatesBetween('2026-11-28', '2026-11-28')).toEqual([]);
    expect(businessDatesBetween('2026-11-28', '2026-11-27')).toEqual([]);
  });
});
