import { divideHalfUp } from '@kopfed/money';
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
import { refusal, when } from '../testing/refusal';
import type { LoanCommand } from './loan-commands';
import type { LoanEvent } from './loan-events';
import { billedUnpaid } from './loan-state';

const closeDays = (events: LoanEvent[], from: string, to: string) => {
  const commands: LoanCommand[] = [];
  for (let d = from; d <= to; d = addDays(d, 1))
    commands.push({ type: 'CloseBusinessDay', businessDate: d });
  return run(commands, events).events;
};
const writeOff: LoanCommand = {
  type: 'WriteOffLoan',
  writtenOffOn: '2026-07-01',
  writtenOffBy: 'key-board',
  reason: 'macet',
};
const doubtful = closeDays(disbursedLoan(), '2026-01-31', '2026-06-30');

describe('loan decider: write-off and recoveries', () => {
  it('tops the allowance up to the principal, then writes the loan off against it', () => {
    const state = given(doubtful);
    expect(state.kolektibilitas).toBe('D');
    expect(state.provision).toBe(5_000_000n);
    const events = when(doubtful, writeOff);
    expect(types(events)).toEqual(['LoanProvisionAdded', 'LoanWrittenOff']);
    expect(events[0]).toMatchObject({ data: { amount: '5000000', provision: '10000000' } });
    expect(events[1]).toMatchObject({
      data: {
        principal: '10000000',
        accruedInterest: state.interestReceivable.toString(),
        penalty: state.penaltyDue.toString(),
        fee: '100000',
      },
    });
    const after = given([...doubtful, ...events]);
    expect(after).toMatchObject({ status: 'written_off', provision: 0n, interestReceivable: 0n });
    expect(after.writtenOff!.claim).toBeGreaterThan(10_000_000n);
  });

  it('writes off only doubtful or lost loans without a savings hold', () => {
    expect(refusal(disbursedLoan(), writeOff).code).toBe('write_off_not_allowed');
    expect(refusal(disbursedLoan().slice(0, 2), writeOff).code).toBe('loan_not_active');
    const secured = run([
      {
        type: 'ApplyForLoan',
        ...application({
          product: productWith({ collateralSharePercent: '20' }),
          collateralSavingsAccountId: 'sav-9',
        }),
      },
      { type: 'ApproveLoan', approvedBy: 'c', approvedOn: '2026-01-25' },
      {
        type: 'RecordCollateralHold',
        holdId: 'loan-1',
        savingsAccountId: 'sav-9',
        amount: 2_000_000n,
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
    expect(refusal(closeDays(secured, '2026-01-31', '2026-06-30'), writeOff)).toMatchObject({
      code: 'collateral_hold_in_place',
      kind: 'conflict',
    });
  });

  it("is dated on or after the disbursement and the loan's recorded history, never before", () => {
    const on = (writtenOffOn: string): LoanCommand => ({ ...writeOff, writtenOffOn });
    expect(refusal(doubtful, on('2026-01-30'))).toMatchObject({
      code: 'written_off_before_disbursed',
      pointer: '/writtenOffOn',
    });
    const repaid = [
      ...doubtful,
      ...when(doubtful, {
        type: 'RepayLoan',
        amount: 100_000n,
        paidOn: '2026-06-30',
        via: { kind: 'cash' },
        receivedBy: 'k',
        externalId: null,
      }),
    ];
    expect(refusal(repaid, on('2026-06-29'))).toMatchObject({
      code: 'dated_before_recorded',
      pointer: '/writtenOffOn',
    });
    expect(types(when(repaid, on('2026-06-30')))).toContain('LoanWrittenOff');
  });

  it('claims the interest arrears a restructuring carried into the installment in progress', () => {
    const lost = closeDays(disbursedLoan(), '2026-01-31', '2026-08-31');
    const arrearsInterest = billedUnpaid(given(lost), '2026-08-31').interest;
    const restructured = [
      ...lost,
      ...when(lost, {
        type: 'RestructureLoan',
        restructuredOn: '2026-08-31',
        installments: 12,
        graceMonths: 0,
        method: null,
        annualRatePercent: null,
        fee: 0n,
        restructuredBy: 'key-officer',
      }),
    ];
    const later = closeDays(restructured, '2026-08-31', '2026-09-01');
    const state = given(later);
    expect(state.kolektibilitas).toBe('M');
    const events = when(later, { ...writeOff, writtenOffOn: '2026-09-02' });
    const data = events.find((e) => e.type === 'LoanWrittenOff')!.data as Record<string, string>;
    const interestClaimed = BigInt(data.accruedInterest!) + BigInt(data.unaccruedInterest!);
    // The carried interest whole, and (a lost loan earning interest when paid) 2 of the new
    // installment's 30 days on the rest of its interest.
    const first = state.installments.find((i) => i.number === state.restructuredFromNumber)!;
    const carried = state.restructuredCarriedInterest;
    expect(first).toMatchObject({ startDate: '2026-08-31', dueDate: '2026-09-30' });
    expect(interestClaimed).toBe(carried + divideHalfUp((first.interest - carried) * 2n, 30n));
    expect(interestClaimed).toBeGreaterThanOrEqual(arrearsInterest);
  });

  it('records recoveries up to the written-off claim', () => {
    const written = [...doubtful, ...when(doubtful, writeOff)];
    const claim = given(written).writtenOff!.claim;
    const recovery = (amount: bigint, recoveredOn = '2026-09-01'): LoanCommand => ({
      type: 'RecordRecovery',
      amount,
      recoveredOn,
      via: { kind: 'bank' },
      recordedBy: 'k',
    });
    const events = when(written, recovery(1_000_000n));
    expect(events).toEqual([
      {
        type: 'LoanRecovered',
        data: {
          amount: '1000000',
          via: { kind: 'bank' },
          recoveredOn: '2026-09-01',
          recordedBy: 'k',
        },
      },
    ]);
    const after = [...written, ...events];
    expect(given(after).writtenOff!.recovered).toBe(1_000_000n);
    expect(refusal(after, recovery(claim)).code).toBe('recovery_exceeds_claim');
    expect(refusal(written, recovery(1n, '2026-06-01')).code).toBe('recovered_before_write_off');
    expect(refusal(disbursedLoan(), recovery(1n)).code).toBe('loan_not_written_off');
  });
});

describe('loan decider: a recovery from savings the savings service refused', () => {
  const written = [...doubtful, ...when(doubtful, writeOff)];
  const fromSavings = {
    kind: 'savings',
    savingsAccountId: 'sav-1',
    productCode: 'SUKARELA',
  } as const;
  const recovered = when(written, {
    type: 'RecordRecovery',
    amount: 1_000_000n,
    recoveredOn: '2026-07-10',
    via: fromSavings,
    recordedBy: 'key-teller',
  });
  const refused = (savingsAccountId = 'sav-1'): LoanCommand => ({
    type: 'RecordRecoveryRefused',
    recoveryId: 'recovery-1',
    savingsAccountId,
    reason: 'account-closed',
    detail: 'the account is closed',
    refusedOn: '2026-07-10',
    recovery: recovered[0]!.data as Extract<LoanEvent, { type: 'LoanRecovered' }>['data'],
  });

  it('opens the claim by the recovery again, once', () => {
    const all = [...written, ...recovered];
    expect(given(all).writtenOff!.recovered).toBe(1_000_000n);
    const events = when(all, refused());
    expect(types(events)).toEqual(['LoanRecoveryReversed']);
    const after = given([...all, ...events]);
    expect(after.writtenOff).toEqual(given(written).writtenOff);
    expect(after.failedRepayments).toEqual([
      expect.objectContaining({ kind: 'recovery', repaymentId: 'recovery-1', reversed: true }),
    ]);
    expect(when([...all, ...events], refused())).toEqual([]);
  });

  it('ignores a refusal naming another account', () => {
    expect(when([...written, ...recovered], refused('sav-9'))).toEqual([]);
  });
});
