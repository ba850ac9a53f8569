import { withholdingTax } from './withholding-tax';

const month = (m: string, weight = 1n) => ({ month: m, weight });

describe('withholding tax on savings interest (PP 15/2009)', () => {
  it.each([
    ['Rp240,000 in the month is not taxed', 240_000n, 0n],
    ['Rp240,001 is taxed 10% of the whole gross', 240_001n, 24_000n],
    ['Rp1,000,005 → Rp100,001 (half-up)', 1_000_005n, 100_001n],
    ['nothing for nothing', 0n, 0n],
  ])('%s', (_name, amount, tax) => {
    expect(
      withholdingTax({
        amount,
        months: [month('2026-03')],
        memberKind: 'person',
        previous: null,
        on: '2026-03-31',
      }).tax,
    ).toBe(tax);
  });

  it('takes none from a member that is a coop', () => {
    expect(
      withholdingTax({
        amount: 5_000_000n,
        months: [month('2026-03')],
        memberKind: 'coop',
        previous: null,
        on: '2026-03-31',
      }).tax,
    ).toBe(0n);
  });

  it('judges a second posting in a month on the month’s whole interest', () => {
    const first = withholdingTax({
      amount: 200_000n,
      months: [month('2026-06')],
      memberKind: 'person',
      previous: null,
      on: '2026-06-14',
    });
    expect(first.tax).toBe(0n);
    const second = withholdingTax({
      amount: 50_000n,
      months: [month('2026-06')],
      memberKind: 'person',
      previous: first.last,
      on: '2026-06-30',
    });
    expect(second.tax).toBe(25_000n);
    expect(second.last).toEqual({ month: '2026-06', gross: 250_000n, tax: 25_000n });
  });

  it('splits a yearly posting by month, exactly, and applies the threshold month by month', () => {
    const result = withholdingTax({
      amount: 600_001n,
      months: [month('2026-01', 1n), month('2026-02', 1n), month('2026-03', 2n)],
      memberKind: 'person',
      previous: null,
      on: '2026-12-31',
    });
    expect(result.byMonth.map((m) => m.gross)).toEqual([150_000n, 150_000n, 300_001n]);
    expect(result.tax).toBe(30_000n);
  });
});
