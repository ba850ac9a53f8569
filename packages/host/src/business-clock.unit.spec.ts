import { businessDateJustEnded, msUntilJakartaMidnight } from './business-clock';

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
