import { previewSchedule } from './preview';
import { buildSchedule, type ScheduleTerms } from './schedule';

/**
 * Expected figures were computed independently with exact fractions (Python `fractions`)
 * from the arithmetic of issue 7, and the IRRs by 60-digit bisection.
 */
const terms = (overrides: Partial<ScheduleTerms> = {}): ScheduleTerms => ({
  method: 'ANNUITY',
  principal: 10_000_000n,
  annualRatePercent: '12',
  termMonths: 12,
  graceMonths: 0,
  disbursementDate: '2026-01-31',
  ...overrides,
});
const row = (p: bigint, i: bigint) => ({ principal: p, interest: i });
const pick = (s: ReturnType<typeof buildSchedule>, k: number) =>
  row(s.at(k)!.principal, s.at(k)!.interest);

describe('schedules, to the letter of issue 7', () => {
  it('ANNUITY: payment = round(P × r ÷ (1 − (1 + r)^−n)), the last takes the rest', () => {
    const p = previewSchedule(terms());
    expect(p.installments[0]).toEqual({
      number: 1,
      dueDate: '2026-02-28',
      principal: 788_488n,
      interest: 100_000n,
      total: 888_488n,
      outstandingAfter: 9_211_512n,
    });
    expect(p.installments.slice(0, 11).every((i) => i.total === 888_488n)).toBe(true);
    expect(pick(buildSchedule(terms()), 1)).toEqual(row(796_373n, 92_115n));
    expect(p.installments[11]).toMatchObject({
      principal: 879_688n,
      interest: 8_797n,
      outstandingAfter: 0n,
    });
    expect(p.totalInterest).toBe(661_853n);
    expect(p.effectiveAnnualRatePercent).toBe('12.00');
  });

  it('ANNUITY with grace: interest only first, then the annuity over the months left', () => {
    const s = buildSchedule(terms({ graceMonths: 3 }));
    expect(s.slice(0, 3).map((i) => row(i.principal, i.interest))).toEqual([
      row(0n, 100_000n),
      row(0n, 100_000n),
      row(0n, 100_000n),
    ]);
    expect(s[3]!.principal + s[3]!.interest).toBe(1_167_404n);
    expect(pick(s, -1)).toEqual(row(1_155_842n, 11_558n));
    expect(previewSchedule(terms({ graceMonths: 3 })).totalInterest).toBe(806_632n);
  });

  it('EFFECTIVE: equal principal round(P ÷ n), interest on the outstanding', () => {
    const s = buildSchedule(terms({ method: 'EFFECTIVE' }));
    expect(pick(s, 0)).toEqual(row(833_333n, 100_000n));
    expect(pick(s, 1)).toEqual(row(833_333n, 91_667n));
    expect(pick(s, -1)).toEqual(row(833_337n, 8_333n));
    const g = buildSchedule(terms({ method: 'EFFECTIVE', graceMonths: 2 }));
    expect(pick(g, 1)).toEqual(row(0n, 100_000n));
    expect(pick(g, 2)).toEqual(row(1_000_000n, 100_000n));
  });

  it('FLAT: interest round(P × r) every month; 20% flat is 35.07% effective', () => {
    const p = previewSchedule(terms({ method: 'FLAT', annualRatePercent: '20' }));
    expect(p.installments.map((i) => i.interest)).toEqual(Array(12).fill(166_667n));
    expect(p.installments[11]!.principal).toBe(833_337n);
    expect(p.totalInterest).toBe(2_000_004n);
    expect(p.effectiveAnnualRatePercent).toBe('35.07');
    expect(
      previewSchedule(terms({ method: 'FLAT', annualRatePercent: '24' }))
        .effectiveAnnualRatePercent,
    ).toBe('41.70');
    const graced = previewSchedule(
      terms({
        method: 'FLAT',
        annualRatePercent: '18',
        principal: 7_500_000n,
        termMonths: 24,
        graceMonths: 2,
      }),
    );
    expect(graced.installments.slice(0, 2).map((i) => i.principal)).toEqual([0n, 0n]);
    expect(graced.installments[23]!.principal).toBe(340_911n);
    expect(graced.effectiveAnnualRatePercent).toBe('29.35');
  });

  it('BULLET: interest each month, all principal in the last', () => {
    const s = buildSchedule(terms({ method: 'BULLET', termMonths: 6 }));
    expect(s.map((i) => row(i.principal, i.interest))).toEqual([
      ...Array(5).fill(row(0n, 100_000n)),
      row(10_000_000n, 100_000n),
    ]);
    expect(buildSchedule(terms({ method: 'BULLET', termMonths: 6, graceMonths: 2 }))).toEqual(s);
  });

  it('puts due dates on the disbursement day, or the month’s last day (31 January, 29 February)', () => {
    expect(buildSchedule(terms()).map((i) => i.dueDate)).toEqual([
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-30',
      '2026-12-31',
      '2027-01-31',
    ]);
    const leap = buildSchedule(terms({ disbursementDate: '2028-02-29', termMonths: 13 }));
    expect(leap.map((i) => i.dueDate).slice(-3)).toEqual([
      '2029-01-29',
      '2029-02-28',
      '2029-03-29',
    ]);
  });

  it('runs from 1 to 360 months', () => {
    const one = buildSchedule(terms({ termMonths: 1 }));
    expect(one).toEqual([
      { number: 1, dueDate: '2026-02-28', principal: 10_000_000n, interest: 100_000n },
    ]);
    const long = previewSchedule(
      terms({ principal: 500_000_000n, annualRatePercent: '11.5', termMonths: 360 }),
    );
    expect(long.installments).toHaveLength(360);
    expect(long.installments[0]).toMatchObject({
      principal: 159_790n,
      interest: 4_791_667n,
      total: 4_951_457n,
    });
    expect(long.installments[359]).toMatchObject({
      principal: 4_904_993n,
      interest: 47_006n,
      outstandingAfter: 0n,
    });
    expect(long.totalInterest).toBe(1_282_525_062n);
    expect(long.effectiveAnnualRatePercent).toBe('11.50');
    expect(long.installments[359]!.dueDate).toBe('2056-01-31');
  });

  it('lends at 0% as plain installments, and refuses impossible terms', () => {
    const free = previewSchedule(
      terms({ annualRatePercent: '0', termMonths: 3, principal: 1_000_000n }),
    );
    expect(free.installments.map((i) => i.principal)).toEqual([333_333n, 333_333n, 333_334n]);
    expect(free.effectiveAnnualRatePercent).toBe('0.00');
    expect(() => buildSchedule(terms({ termMonths: 0 }))).toThrow(RangeError);
    expect(() => buildSchedule(terms({ termMonths: 361 }))).toThrow(RangeError);
    expect(() => buildSchedule(terms({ graceMonths: 12 }))).toThrow(RangeError);
    expect(() => buildSchedule(terms({ annualRatePercent: '1.1234567' }))).toThrow(RangeError);
  });

  it('never lets a tiny principal go negative over many months', () => {
    const s = buildSchedule(terms({ method: 'EFFECTIVE', principal: 100n, termMonths: 40 }));
    expect(s.reduce((sum, i) => sum + i.principal, 0n)).toBe(100n);
    expect(s.every((i) => i.principal >= 0n)).toBe(true);
  });
});
