import fc from 'fast-check';
import { memberMonthsFor, type MemberAccountMonths } from './member-months';
import { monthlyTax, taxRuleOn, withholdingTax } from './withholding-tax';

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

describe('a member’s month, across its accounts (PP 15/2009 taxes the member, not the account)', () => {
  const others = (gross: bigint, tax = 0n, alongside = 0n) => [
    { month: '2026-03', gross, tax, alongside },
  ];
  it.each([
    ['alone under the threshold', 217_000n, [], 0n],
    [
      'the first of two of Rp217,000: 10% of its own gross',
      217_000n,
      others(0n, 0n, 217_000n),
      21_700n,
    ],
    [
      'the second of two, after the first withheld its share',
      217_000n,
      others(217_000n, 21_700n),
      21_700n,
    ],
    ['the first of three (Rp93,000 of Rp248,000)', 93_000n, others(0n, 0n, 155_000n), 9_300n],
    [
      'after a close that posted Rp90,000 untaxed: the month’s whole tax',
      186_000n,
      others(90_000n),
      27_600n,
    ],
    [
      'after others withheld for a month above it already',
      10_000n,
      others(300_000n, 30_000n),
      1_000n,
    ],
    ['under the threshold with the others together', 100_000n, others(140_000n), 0n],
    [
      'rounding rupiah: Rp24,000 (half-up) split 120,001 : 120,002',
      120_001n,
      others(0n, 0n, 120_002n),
      12_000n,
    ],
  ])('%s', (_name, amount, member, tax) => {
    expect(
      withholdingTax({
        amount,
        months: [month('2026-03')],
        memberKind: 'person',
        previous: null,
        member,
        on: '2026-03-31',
      }).tax,
    ).toBe(tax);
  });

  it('takes none from a coop, whatever its accounts earn together', () => {
    const result = withholdingTax({
      amount: 200_000n,
      months: [month('2026-03')],
      memberKind: 'coop',
      previous: null,
      member: others(5_000_000n),
      on: '2026-03-31',
    });
    expect(result.tax).toBe(0n);
  });

  it('records the member’s month it judged, and this account’s own gross and tax', () => {
    const result = withholdingTax({
      amount: 217_000n,
      months: [month('2026-03')],
      memberKind: 'person',
      previous: null,
      member: others(0n, 0n, 217_000n),
      on: '2026-03-31',
    });
    expect(result.byMonth).toEqual([{ month: '2026-03', gross: 217_000n, tax: 21_700n }]);
    expect(result.memberByMonth).toEqual([{ month: '2026-03', gross: 434_000n, tax: 43_400n }]);
  });

  it('judges each month of a yearly posting against what the other accounts posted in it', () => {
    const result = withholdingTax({
      amount: 300_000n,
      months: [month('2026-01'), month('2026-02')],
      memberKind: 'person',
      previous: null,
      member: [{ month: '2026-02', gross: 100_000n, tax: 0n, alongside: 0n }],
      on: '2026-12-31',
    });
    // January Rp150,000 alone: none; February Rp150,000 + Rp100,000: Rp25,000.
    expect(result.byMonth.map((m) => m.tax)).toEqual([0n, 25_000n]);
    expect(result.tax).toBe(25_000n);
  });

  it('withholds no more than the balance can give; the rest stays owed in the month', () => {
    const first = withholdingTax({
      amount: 1n,
      months: [month('2026-03')],
      memberKind: 'person',
      previous: null,
      member: others(240_000n),
      limit: 500n,
      on: '2026-03-31',
    });
    expect(first.tax).toBe(500n);
    const next = withholdingTax({
      amount: 1n,
      months: [month('2026-03')],
      memberKind: 'person',
      previous: first.last,
      member: others(240_000n),
      on: '2026-03-31',
    });
    expect(next.tax).toBe(24_000n - 500n);
  });

  it('adds up, over any accounts posting one after another, to the tax of the member’s month', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 400_000n }), { minLength: 1, maxLength: 6 }),
        fc.bigInt({ min: 0n, max: 400_000n }),
        (grosses, closedEarlier) => {
          // An account closed earlier in the month posted `closedEarlier` untaxed on its own.
          const earlier = withholdingTax({
            amount: closedEarlier,
            months: [month('2026-03')],
            memberKind: 'person',
            previous: null,
            on: '2026-03-16',
          }).last!;
          const accounts: MemberAccountMonths[] = [
            { accountId: 'a-closed', posted: [earlier], posting: [] },
            ...grosses.map((gross, i) => ({
              accountId: `a-${i}`,
              posted: [],
              posting: [{ month: '2026-03', gross }],
            })),
          ];
          let withheld = earlier.tax;
          accounts.forEach((account, i) => {
            if (account.posting.length === 0) return;
            const result = withholdingTax({
              amount: account.posting[0]!.gross,
              months: [month('2026-03')],
              memberKind: 'person',
              previous: null,
              member: memberMonthsFor(account.accountId, accounts),
              on: '2026-03-31',
            });
            expect(result.tax).toBeGreaterThanOrEqual(0n);
            withheld += result.tax;
            accounts[i] = { ...account, posted: result.byMonth, posting: [] };
          });
          const total = grosses.reduce((a, b) => a + b, closedEarlier);
          expect(withheld).toBe(monthlyTax(total, taxRuleOn('2026-03-31')));
        },
      ),
    );
  });
});

describe('the member’s other accounts, for one of them', () => {
  const accounts: MemberAccountMonths[] = [
    {
      accountId: 'a',
      posted: [{ month: '2026-03', gross: 100n, tax: 0n }],
      posting: [{ month: '2026-03', gross: 50n }],
    },
    { accountId: 'b', posted: [], posting: [{ month: '2026-03', gross: 70n }] },
    { accountId: 'c', posted: [{ month: '2026-02', gross: 300n, tax: 30n }], posting: [] },
  ];
  it.each([
    [
      'the first counts what those after it post alongside',
      'a',
      [
        { month: '2026-02', gross: 300n, tax: 30n, alongside: 0n },
        { month: '2026-03', gross: 0n, tax: 0n, alongside: 70n },
      ],
    ],
    [
      'a later one counts what those before it posted, not what they were to post',
      'b',
      [
        { month: '2026-02', gross: 300n, tax: 30n, alongside: 0n },
        { month: '2026-03', gross: 100n, tax: 0n, alongside: 0n },
      ],
    ],
    [
      'an account outside the list (a close) counts only what was posted',
      'x',
      [
        { month: '2026-02', gross: 300n, tax: 30n, alongside: 0n },
        { month: '2026-03', gross: 100n, tax: 0n, alongside: 0n },
      ],
    ],
  ])('%s', (_name, accountId, expected) => {
    expect(memberMonthsFor(accountId, accounts)).toEqual(expected);
  });
});
