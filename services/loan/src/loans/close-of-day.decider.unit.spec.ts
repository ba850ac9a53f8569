import { addDays } from '../shared/dates';
import {
  application,
  disbursedLoan,
  given,
  PERSON_FACTS,
  productWith,
  run,
  types,
} from '../testing/loan-fixtures';
import { when } from '../testing/refusal';
import { closeBusinessDay } from './close-of-day';
import type { LoanCommand } from './loan-commands';
import type { LoanEvent } from './loan-events';

const close = (events: LoanEvent[], date: string) =>
  when(events, { type: 'CloseBusinessDay', businessDate: date });
const closeDays = (events: LoanEvent[], from: string, to: string) => {
  const commands: LoanCommand[] = [];
  for (let d = from; d <= to; d = addDays(d, 1))
    commands.push({ type: 'CloseBusinessDay', businessDate: d });
  return run(commands, events).events;
};
const loan = disbursedLoan();

describe('loan decider: close of business', () => {
  it('accrues the installment’s interest pro rata by day, reaching it on the due date', () => {
    const first = close(loan, '2026-02-01');
    expect(first).toEqual([
      { type: 'LoanInterestAccrued', data: { interest: '3571', accruedThrough: '2026-02-01' } },
      {
        type: 'LoanProvisionAdded',
        data: {
          amount: '50000',
          provision: '50000',
          kolektibilitas: 'L',
          effectiveOn: '2026-02-01',
        },
      },
    ]);
    const month = closeDays(loan, '2026-01-31', '2026-02-28');
    const accrued = month
      .filter((e) => e.type === 'LoanInterestAccrued')
      .reduce((sum, e) => sum + BigInt((e.data as { interest: string }).interest), 0n);
    expect(accrued).toBe(100_000n);
    expect(given(month).interestReceivable).toBe(100_000n);
  });

  it('carries the fraction of a rupiah instead of rounding each day', () => {
    const days = closeDays(loan, '2026-01-31', '2026-02-03');
    const amounts = days
      .filter((e) => e.type === 'LoanInterestAccrued')
      .map((e) => (e.data as { interest: string }).interest);
    // 100,000 × d ÷ 28, rounded cumulatively: 3571, 7143, 10714.
    expect(amounts).toEqual(['3571', '3572', '3571']);
  });

  it('decides nothing the second time for the same day', () => {
    const once = closeDays(loan, '2026-01-31', '2026-03-03');
    expect(close(once, '2026-03-03')).toEqual([]);
  });

  it('marks an installment overdue the day after its due date, charges the late fee and the day’s penalty', () => {
    const upToDue = closeDays(loan, '2026-01-31', '2026-02-28');
    const next = close(upToDue, '2026-03-01');
    expect(types(next)).toEqual([
      'LoanInstallmentOverdue',
      'LoanFeeCharged',
      'LoanPenaltyCharged',
      'LoanReclassified',
      'LoanInterestAccrued',
      'LoanProvisionAdded',
    ]);
    expect(next[2]).toEqual({
      type: 'LoanPenaltyCharged',
      data: {
        penalty: '888',
        overdueAmount: '888488',
        chargedFor: '2026-03-01',
        penaltyAccrued: '888.4880000000',
      },
    });
    expect(next[3]).toMatchObject({
      data: { from: 'L', to: 'DPK', daysPastDue: 1, outstandingPrincipal: '10000000' },
    });
    // 0.1% of 888,488 is 888.488 a day: the carried fraction makes it 889 on the second day.
    expect(close([...upToDue, ...next], '2026-03-02')[0]).toMatchObject({
      data: { penalty: '889', penaltyAccrued: '1776.9760000000' },
    });
  });

  it('walks every class as days pass and stops accruing once non-performing', () => {
    const events = closeDays(loan, '2026-01-31', '2026-08-28');
    const walk = events
      .filter((e) => e.type === 'LoanReclassified')
      .map((e) => (e.data as { to: string }).to);
    expect(walk).toEqual(['DPK', 'KL', 'D', 'M']);
    const lastAccrual = events.filter((e) => e.type === 'LoanInterestAccrued').at(-1)!.data as {
      accruedThrough: string;
    };
    expect(lastAccrual.accruedThrough).toBe('2026-05-29');
    expect(given(events).provision).toBe(10_000_000n);
  });

  it('provisions net of the savings held as collateral', () => {
    const secured = run([
      {
        type: 'ApplyForLoan',
        ...application({
          product: productWith({ collateralSharePercent: '50' }),
          collateralSavingsAccountId: 'sav-9',
        }),
      },
      { type: 'ApproveLoan', approvedBy: 'c', approvedOn: '2026-01-25' },
      {
        type: 'RecordCollateralHold',
        holdId: 'loan-1',
        savingsAccountId: 'sav-9',
        amount: 5_000_000n,
        placedOn: '2026-01-26',
      },
      {
        type: 'DisburseLoan',
        disbursedOn: '2026-01-31',
        via: { kind: 'cash' },
        disbursedBy: 't',
        externalId: null,
        bookOutstandingPrincipal: 0n,
        facts: PERSON_FACTS,
      },
    ]).events;
    expect(close(secured, '2026-02-01')[1]).toMatchObject({
      type: 'LoanProvisionAdded',
      data: { provision: '25000' },
    });
  });

  it('leaves loans alone before their disbursement and after they close', () => {
    expect(closeBusinessDay(given(loan), '2026-01-30')).toEqual([]);
    expect(closeBusinessDay(given(loan.slice(0, 2)), '2026-02-01')).toEqual([]);
  });
});
