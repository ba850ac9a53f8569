import { addDays, daysBetween, monthsAfter } from './dates';

describe('calendar dates', () => {
  it('falls on the anchor day, or the month’s last day when it has none', () => {
    expect([1, 2, 3, 4, 13].map((m) => monthsAfter('2026-01-31', m))).toEqual([
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2027-02-28',
    ]);
    expect([1, 11, 12, 48].map((m) => monthsAfter('2028-02-29', m))).toEqual([
      '2028-03-29',
      '2029-01-29',
      '2029-02-28',
      '2032-02-29',
    ]);
    expect(monthsAfter('2026-12-15', 1)).toBe('2027-01-15');
  });

  it('counts days across months, years and leap days', () => {
    expect(daysBetween('2026-02-28', '2026-03-01')).toBe(1);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(addDays('2026-02-28', 91)).toBe('2026-05-30');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
