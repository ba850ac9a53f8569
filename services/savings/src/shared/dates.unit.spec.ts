import fc from 'fast-check';
import {
  addDays,
  addMonths,
  businessDateOf,
  dayNumber,
  daysInclusive,
  endOfBusinessDate,
  fromDayNumber,
  lastDayOfMonth,
  nextMonth,
} from './dates';

describe('business-date arithmetic', () => {
  it('agrees with the calendar for every day from 1900 to 2200 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -25_567, max: 84_000 }), (day) => {
        const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
        expect(fromDayNumber(day)).toBe(iso);
        expect(dayNumber(iso)).toBe(day);
      }),
      { numRuns: 2_000 },
    );
  });

  it('knows month ends, leap years included', () => {
    expect(lastDayOfMonth('2026-02-10')).toBe('2026-02-28');
    expect(lastDayOfMonth('2028-02-01')).toBe('2028-02-29');
    expect(lastDayOfMonth('2100-02-01')).toBe('2100-02-28');
    expect(lastDayOfMonth('2000-02-01')).toBe('2000-02-29');
    expect(lastDayOfMonth('2026-12-31')).toBe('2026-12-31');
    expect(nextMonth('2026-12')).toBe('2027-01');
  });

  it('adds days and months, clamping to the month’s end', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(daysInclusive('2026-03-01', '2026-03-31')).toBe(31);
  });

  it('gives the Jakarta date of any instant, asked in any order (property)', () => {
    // Instants from 1900 to 2200, many of them either side of a Jakarta midnight (17:00 UTC).
    const instant = fc.oneof(
      fc.integer({ min: -2_208_988_800_000, max: 7_258_118_400_000 }),
      fc
        .tuple(fc.integer({ min: -25_567, max: 84_000 }), fc.integer({ min: -2, max: 1 }))
        .map(([day, ms]) => day * 86_400_000 + 17 * 3_600_000 + ms),
    );
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (instants) => {
        for (const ms of instants) {
          const expected = new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
          expect(businessDateOf(new Date(ms))).toBe(expected);
          expect(businessDateOf(new Date(ms).toISOString())).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
    expect(businessDateOf('2026-03-10T16:59:59.999Z')).toBe('2026-03-10');
    expect(businessDateOf('2026-03-10T17:00:00.000Z')).toBe('2026-03-11');
    expect(() => businessDateOf('not an instant')).toThrow(RangeError);
  });

  it('ends a business date at midnight in Jakarta, 17:00 UTC', () => {
    expect(endOfBusinessDate('2026-03-10')).toBe('2026-03-10T17:00:00.000Z');
  });
});
