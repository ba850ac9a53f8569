import {
  classify,
  KOLEKTIBILITAS_POLICIES,
  policyOn,
  provisionFor,
  worseOf,
  type KolektibilitasPolicy,
} from './kolektibilitas';
import { DomainError } from '@kopfed/domain';
import { loanDecider } from '../loans/loan.decider';
import { application } from '../testing/loan-fixtures';
import { exceedsCap, RATE_CAP_POLICIES, rateCapOn } from './rate-cap';

const policy = policyOn('2026-06-30');

describe('kolektibilitas policy table (BRIEF §5)', () => {
  it.each([
    [0, 'L'],
    [1, 'DPK'],
    [90, 'DPK'],
    [91, 'KL'],
    [120, 'KL'],
    [121, 'D'],
    [180, 'D'],
    [181, 'M'],
    [5_000, 'M'],
  ] as const)('%i days past due is %s', (days, code) => {
    expect(classify(policy, days)).toBe(code);
  });

  it('provisions 0.5 / 3 / 10 / 50 / 100 % of principal less eligible collateral, half-up', () => {
    const provisions = (['L', 'DPK', 'KL', 'D', 'M'] as const).map((k) =>
      provisionFor(policy, k, 10_000_001n, 1n),
    );
    expect(provisions).toEqual([50_000n, 300_000n, 1_000_000n, 5_000_000n, 10_000_000n]);
    expect(provisionFor(policy, 'L', 1_001n, 0n)).toBe(5n); // 5.005 → 5
    expect(provisionFor(policy, 'L', 1_100n, 0n)).toBe(6n); // 5.5 → 6
    expect(provisionFor(policy, 'M', 1_000n, 4_000n)).toBe(0n);
  });

  it('takes the table in force on the business date', () => {
    const stricter: KolektibilitasPolicy = {
      version: 'stricter-2027',
      effectiveFrom: '2027-01-01',
      classes: [
        { code: 'L', maxDaysPastDue: 0, provisionPercent: '1' },
        { code: 'DPK', maxDaysPastDue: 30, provisionPercent: '5' },
        { code: 'KL', maxDaysPastDue: 60, provisionPercent: '15' },
        { code: 'D', maxDaysPastDue: 90, provisionPercent: '50' },
        { code: 'M', maxDaysPastDue: null, provisionPercent: '100' },
      ],
    };
    const tables = [...KOLEKTIBILITAS_POLICIES, stricter];
    expect(classify(policyOn('2026-12-31', tables), 45)).toBe('DPK');
    expect(classify(policyOn('2027-01-01', tables), 45)).toBe('KL');
    expect(worseOf('DPK', 'KL')).toBe('KL');
    expect(worseOf('M', 'L')).toBe('M');
  });
});

describe('rate cap (Permenkop 8/2023 Ps. 27)', () => {
  it('refuses an effective rate above 24%, not at it', () => {
    const cap = rateCapOn('2026-01-01');
    expect(exceedsCap('24.00', cap)).toBe(false);
    expect(exceedsCap('24.01', cap)).toBe(true);
    expect(exceedsCap('35.07', cap)).toBe(true);
  });
});

describe('a date before every policy version', () => {
  const refusalOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof DomainError) return e;
      throw e;
    }
    return undefined;
  };

  it('is refused as input naming the field, not an internal error', () => {
    expect(refusalOf(() => rateCapOn('1969-12-31', undefined, '/effectiveFrom'))).toMatchObject({
      code: 'rate_cap_not_in_force',
      pointer: '/effectiveFrom',
    });
    expect(refusalOf(() => policyOn('1969-12-31'))).toMatchObject({
      code: 'kolektibilitas_policy_not_in_force',
      pointer: '/businessDate',
    });
    expect(rateCapOn('1970-01-01').version).toBe('permenkop-8-2023');
  });

  it('names the application date when the caps in force start later', () => {
    const caps = [{ ...RATE_CAP_POLICIES[0]!, effectiveFrom: '2027-01-01' }];
    const refused = refusalOf(() =>
      loanDecider.decide(
        { type: 'ApplyForLoan', ...application({ rateCaps: caps }) },
        loanDecider.initialState(),
      ),
    );
    expect(refused).toMatchObject({ code: 'rate_cap_not_in_force', pointer: '/appliedOn' });
  });
});
