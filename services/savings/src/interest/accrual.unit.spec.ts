import {
  accrue,
  dailyInterestMicro,
  MICRO,
  type AccrualInput,
  type InterestBasis,
} from './accrual';

const M = 1_000_000n;
const rates = (...changes: [string, number][]) =>
  changes.map(([from, rateBasisPoints]) => ({ from, rateBasisPoints }));
const points = (...changes: [string, bigint][]) =>
  changes.map(([from, balance]) => ({ from, balance }));
const minimum = (amount: bigint) => [{ from: '2020-01-01', amount }];

function interest(
  basis: InterestBasis,
  input: Partial<AccrualInput> & Pick<AccrualInput, 'start' | 'end'>,
): string {
  const accrual = accrue({
    basis,
    breakpoints: points(['2020-01-01', M]),
    rates: rates(['2020-01-01', 365]),
    minimumsForInterest: [],
    ...input,
  });
  const whole = accrual.interestMicro / MICRO;
  const fraction = (accrual.interestMicro % MICRO).toString().padStart(6, '0');
  return `${whole}.${fraction}`;
}

// 3.65% a year on Rp1,000,000 is exactly Rp100 a day (365-day year), which keeps the table readable.
describe('accrual: a table of cases for each basis', () => {
  it.each<
    [string, InterestBasis, Partial<AccrualInput> & Pick<AccrualInput, 'start' | 'end'>, string]
  >([
    [
      'daily: a 31-day month',
      'daily_balance',
      { start: '2026-01-01', end: '2026-01-31' },
      '3100.000000',
    ],
    [
      'daily: February 2026',
      'daily_balance',
      { start: '2026-02-01', end: '2026-02-28' },
      '2800.000000',
    ],
    [
      'daily: leap February still divides by 365, 29 Feb earns a day',
      'daily_balance',
      { start: '2028-02-01', end: '2028-02-29' },
      '2900.000000',
    ],
    [
      'daily: a leap year pays 366/365 of the rate',
      'daily_balance',
      { start: '2028-01-01', end: '2028-12-31' },
      '36600.000000',
    ],
    [
      'daily: the balance doubles on the 16th',
      'daily_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        breakpoints: points(['2026-03-01', M], ['2026-03-16', 2n * M]),
      },
      '4700.000000',
    ],
    [
      'daily: the rate doubles on the 16th',
      'daily_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        rates: rates(['2026-01-01', 365], ['2026-03-16', 730]),
      },
      '4700.000000',
    ],
    [
      'daily: each day rounded half-up at 6 places (Rp1,234,567 at 4.5%)',
      'daily_balance',
      {
        start: '2026-01-01',
        end: '2026-01-31',
        breakpoints: points(['2020-01-01', 1_234_567n]),
        rates: rates(['2020-01-01', 450]),
      },
      '4718.413590',
    ],
    [
      'daily: days under the minimum for interest earn nothing',
      'daily_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        breakpoints: points(['2026-03-01', M], ['2026-03-16', 2n * M]),
        minimumsForInterest: minimum(1_600_000n),
      },
      '3200.000000',
    ],
    [
      'daily: each day is judged by the minimum in force that day',
      'daily_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        minimumsForInterest: [
          { from: '2020-01-01', amount: 0n },
          { from: '2026-03-11', amount: 1_600_000n },
          { from: '2026-03-21', amount: 0n },
        ],
      },
      '2100.000000',
    ],
    [
      'average: the minimum on the period’s last day applies',
      'average_daily_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        minimumsForInterest: [
          { from: '2020-01-01', amount: 1_600_000n },
          { from: '2026-03-31', amount: 0n },
        ],
      },
      '3100.000000',
    ],
    [
      'average: same money as daily when nothing else differs',
      'average_daily_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        breakpoints: points(['2026-03-01', M], ['2026-03-16', 2n * M]),
      },
      '4700.000000',
    ],
    [
      'average: an average under the minimum earns nothing for the whole period',
      'average_daily_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        breakpoints: points(['2026-03-01', M], ['2026-03-16', 2n * M]),
        minimumsForInterest: minimum(1_600_000n),
      },
      '0.000000',
    ],
    [
      'average: the rate on the period’s last day applies',
      'average_daily_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        breakpoints: points(['2026-03-01', M], ['2026-03-16', 2n * M]),
        rates: rates(['2026-01-01', 365], ['2026-03-31', 730]),
      },
      '9400.000000',
    ],
    [
      'minimum: the lowest closing balance earns for every day',
      'minimum_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        breakpoints: points(['2026-03-01', 2n * M], ['2026-03-10', M], ['2026-03-11', 3n * M]),
      },
      '3100.000000',
    ],
    [
      'minimum: a lowest balance under the minimum earns nothing',
      'minimum_balance',
      {
        start: '2026-03-01',
        end: '2026-03-31',
        breakpoints: points(['2026-03-01', 2n * M], ['2026-03-10', 10_000n]),
        minimumsForInterest: minimum(50_000n),
      },
      '0.000000',
    ],
    [
      'minimum: across a month end into a leap February',
      'minimum_balance',
      { start: '2028-01-20', end: '2028-02-29' },
      '4100.000000',
    ],
  ])('%s', (_name, basis, input, expected) => {
    expect(interest(basis, input)).toBe(expected);
  });

  it('splits a span across month ends into months, each with its days', () => {
    const accrual = accrue({
      basis: 'daily_balance',
      breakpoints: points(['2026-01-01', M]),
      rates: rates(['2026-01-01', 365]),
      start: '2026-01-20',
      end: '2026-03-05',
      minimumsForInterest: [],
    });
    expect(accrual.months.map((m) => [m.month, m.days, m.weight])).toEqual([
      ['2026-01', 12, 1_200n * MICRO],
      ['2026-02', 28, 2_800n * MICRO],
      ['2026-03', 5, 500n * MICRO],
    ]);
    expect(accrual.days).toBe(45);
  });

  it('rounds one day’s interest half-up to the micro-rupiah', () => {
    // Rp1 at 1 bp a year is 0.000000274 a day → 0; Rp2 is 0.000000548 → 0.000001.
    expect(dailyInterestMicro(1n, 1)).toBe(0n);
    expect(dailyInterestMicro(2n, 1)).toBe(1n);
    expect(dailyInterestMicro(2n, 9_125)).toBe(5_000n);
  });

  it('accrues nothing over an empty span', () => {
    expect(interest('daily_balance', { start: '2026-03-02', end: '2026-03-01' })).toBe('0.000000');
  });
});
