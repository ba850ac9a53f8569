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
import { outstandingPrincipal } from './loan-state';

const repay = (amount: bigint, paidOn: string): LoanCommand => ({
  type: 'RepayLoan',
  amount,
  paidOn,
  via: { kind: 'cash' },
  receivedBy: 'key-teller',
  externalId: null,
});
const closeDays = (events: LoanEvent[], from: string, to: string) => {
  const commands: LoanCommand[] = [];
  for (let d = from; d <= to; d = addDays(d, 1))
    commands.push({ type: 'CloseBusinessDay', businessDate: d });
  return run(commands, events).events;
};
const repaid = (events: LoanEvent[]) =>
  events.find((e) => e.type === 'LoanRepaid')!.data as Record<string, unknown>;
const loan = disbursedLoan();

describe('loan decider: repayments', () => {
  it('pays an installment on its due date: interest (not yet accrued) and principal', () => {
    const events = when(loan, repay(888_488n, '2026-02-28'));
    expect(types(events)).toEqual(['LoanRepaid']);
    expect(repaid(events)).toMatchObject({
      principal: '788488',
      interest: '100000',
      accruedInterest: '0',
      prepaidPrincipal: '0',
      outstandingPrincipal: '9211512',
      applied: [{ number: 1, principal: '788488', interest: '100000' }],
    });
  });

  it('settles accrued interest from the receivable once close of business has accrued it', () => {
    const accrued = closeDays(loan, '2026-01-31', '2026-02-28');
    expect(given(accrued).interestReceivable).toBe(100_000n);
    const events = when(accrued, repay(888_488n, '2026-02-28'));
    expect(repaid(events)).toMatchObject({ interest: '0', accruedInterest: '100000' });
    expect(given([...accrued, ...events]).interestReceivable).toBe(0n);
  });

  it('allocates penalty → fee → interest → principal by default', () => {
    const late = closeDays(loan, '2026-01-31', '2026-03-05');
    const state = given(late);
    expect(state.feeDue).toBe(25_000n);
    // Paid the day after the last close: everything charged through 5 March is due.
    const events = when(late, repay(state.penaltyDue + 10n, '2026-03-06'));
    expect(repaid(events)).toMatchObject({
      penalty: state.penaltyDue.toString(),
      fee: '10',
      interest: '0',
      principal: '0',
    });
  });

  it('follows the product’s own order', () => {
    const principalFirst = run([
      {
        type: 'ApplyForLoan',
        ...application({
          product: productWith({ allocationOrder: ['principal', 'interest', 'fee', 'penalty'] }),
        }),
      },
      { type: 'ApproveLoan', approvedBy: 'c', approvedOn: '2026-01-25' },
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
    const late = closeDays(principalFirst, '2026-01-31', '2026-03-05');
    expect(repaid(when(late, repay(800_000n, '2026-03-05')))).toMatchObject({
      principal: '788488',
      accruedInterest: '11512',
      penalty: '0',
      fee: '0',
    });
  });

  it('takes a part payment: interest first, then principal', () => {
    const events = when(loan, repay(300_000n, '2026-02-28'));
    expect(repaid(events)).toMatchObject({
      interest: '100000',
      principal: '200000',
      outstandingPrincipal: '9800000',
    });
    const state = given([...loan, ...events]);
    expect(state.installments[0]).toMatchObject({
      paidPrincipal: 200_000n,
      paidInterest: 100_000n,
    });
  });

  it('prepays principal with an overpayment and recomputes the remaining installments', () => {
    const events = when(loan, repay(3_000_000n, '2026-02-28'));
    expect(types(events)).toEqual(['LoanRepaid', 'LoanScheduleRecomputed']);
    expect(repaid(events)).toMatchObject({
      prepaidPrincipal: '2111512',
      principal: '2900000',
      outstandingPrincipal: '7100000',
    });
    const state = given([...loan, ...events]);
    expect(outstandingPrincipal(state)).toBe(7_100_000n);
    expect(state.installments).toHaveLength(12);
    expect(state.installments.reduce((sum, i) => sum + i.principal, 0n)).toBe(10_000_000n);
    // Installment 2 keeps the interest fixed when its period began; the due dates stay.
    expect(state.installments[1]).toMatchObject({
      dueDate: '2026-03-31',
      interest: 92_115n,
      paidPrincipal: 2_111_512n,
    });
    const remaining = state.installments.slice(2).map((i) => i.principal + i.interest);
    expect(new Set(remaining.slice(0, -1)).size).toBe(1);
    expect(remaining[0]).toBeLessThan(888_488n);
  });

  it('pays off with the interest accrued so far, closes the loan and truncates the schedule', () => {
    const accrued = closeDays(loan, '2026-01-31', '2026-02-14');
    const receivable = given(accrued).interestReceivable;
    expect(receivable).toBe(50_000n);
    const events = when(accrued, repay(10_000_000n + receivable, '2026-02-15'));
    expect(types(events)).toEqual([
      'LoanRepaid',
      'LoanScheduleRecomputed',
      'LoanProvisionReleased',
      'LoanClosed',
    ]);
    expect(repaid(events)).toMatchObject({
      accruedInterest: '50000',
      interest: '0',
      prepaidPrincipal: '10000000',
    });
    expect(events[2]).toMatchObject({ data: { amount: '50000', provision: '0' } });
    const state = given([...accrued, ...events]);
    expect(state).toMatchObject({
      status: 'closed',
      closedOn: '2026-02-15',
      interestReceivable: 0n,
      provision: 0n,
    });
    expect(state.installments).toEqual([
      expect.objectContaining({
        number: 1,
        principal: 10_000_000n,
        interest: 50_000n,
        paidPrincipal: 10_000_000n,
        paidInterest: 50_000n,
      }),
    ]);
  });

  it('pays off after an earlier prepayment on the same installment', () => {
    const partly = [...loan, ...when(loan, repay(10_000n, '2026-02-05'))];
    const rest = when(partly, repay(10_000_000n - 10_000n, '2026-02-06'));
    const state = given([...partly, ...rest]);
    expect(state.status).toBe('closed');
    expect(state.installments[0]).toMatchObject({
      principal: 10_000_000n,
      paidPrincipal: 10_000_000n,
    });
  });

  it('refuses more than the payoff amount, saying what pays it off', () => {
    expect(refusal(loan, repay(10_000_001n, '2026-02-01'))).toMatchObject({
      code: 'repayment_exceeds_payoff',
      pointer: '/amount/amount',
      details: { payoffAmount: { amount: '10000000', currency: 'IDR' } },
    });
  });

  it('refuses loans not active and payments before the disbursement', () => {
    expect(refusal(loan.slice(0, 2), repay(1n, '2026-02-01')).code).toBe('loan_not_active');
    expect(refusal(loan, repay(1n, '2026-01-30')).code).toBe('paid_before_disbursed');
  });

  it('refuses a repayment dated before a repayment or schedule change recorded, not before a close of business', () => {
    const paidOnTime = run([repay(888_488n, '2026-02-28')], loan).events;
    // An extra payment said to be made on 20 February would reopen installment 1, paid on the 28th.
    expect(refusal(paidOnTime, repay(1_000_000n, '2026-02-20'))).toMatchObject({
      code: 'dated_before_recorded',
      pointer: '/paidOn',
    });
    expect(types(when(paidOnTime, repay(1_000_000n, '2026-02-28')))).toContain('LoanRepaid');
    const prepaid = run([repay(2_000_000n, '2026-02-10')], loan).events;
    expect(types(prepaid)).toContain('LoanScheduleRecomputed');
    expect(refusal(prepaid, repay(1n, '2026-02-09')).code).toBe('dated_before_recorded');
    // History synced after a close of business, or a payment entered the next day, still lands.
    const closed = closeDays(loan, '2026-01-31', '2026-03-02');
    expect(types(when(closed, repay(888_488n, '2026-02-27')))).toContain('LoanRepaid');
  });

  it('shrinks the savings hold with the principal and frees it when repaid', () => {
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
    const first = when(secured, repay(888_488n, '2026-02-28'));
    expect(types(first)).toEqual(['LoanCollateralHoldReduced', 'LoanRepaid']);
    expect(first[0]).toEqual({
      type: 'LoanCollateralHoldReduced',
      data: {
        holdId: 'loan-1',
        savingsAccountId: 'sav-9',
        amount: '1842302',
        released: '157698',
        reducedOn: '2026-02-28',
      },
    });
    const rest = when([...secured, ...first], repay(9_211_512n, '2026-03-01'));
    expect(types(rest)).toEqual([
      'LoanCollateralHoldReleased',
      'LoanRepaid',
      'LoanScheduleRecomputed',
      'LoanClosed',
    ]);
  });

  it('frees the savings hold before the repayment debits the held account', () => {
    // Savings debits only what is available, held money excluded: paying off from the held
    // account works only if the hold is released (or reduced) first, in the loan's stream order.
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
    const fromHeld: LoanCommand = {
      type: 'RepayLoan',
      amount: 10_000_000n,
      paidOn: '2026-01-31',
      via: { kind: 'savings', savingsAccountId: 'sav-9', productCode: 'SUKARELA' },
      receivedBy: 'key-teller',
      externalId: null,
    };
    const events = when(secured, fromHeld);
    const released = types(events).indexOf('LoanCollateralHoldReleased');
    expect(released).toBeGreaterThanOrEqual(0);
    expect(released).toBeLessThan(types(events).indexOf('LoanRepaid'));
    expect(given([...secured, ...events])).toMatchObject({
      status: 'closed',
      collateral: { held: 0n },
    });
  });

  it('keeps the savings hold while a penalty or fee is owed after the principal, and releases it at close', () => {
    const secured = run([
      {
        type: 'ApplyForLoan',
        ...application({
          product: productWith({
            collateralSharePercent: '50',
            allocationOrder: ['interest', 'principal', 'penalty', 'fee'],
          }),
          termMonths: 1,
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
    // The single installment falls due on 28 February and is paid late, on 4 March.
    const late = closeDays(secured, '2026-01-31', '2026-03-03');
    const owed = given(late);
    const installment = owed.installments[0]!;
    const due = installment.principal + installment.interest;
    const principalPaid = run([repay(due, '2026-03-04')], late).events;
    const open = given(principalPaid);
    expect(open.status).toBe('active');
    expect(open.penaltyDue + open.feeDue).toBeGreaterThan(0n);
    expect(open.collateral?.held).toBe(5_000_000n);
    const rest = when(principalPaid, repay(open.penaltyDue + open.feeDue, '2026-03-04'));
    expect(types(rest)).toEqual([
      'LoanCollateralHoldReleased',
      'LoanRepaid',
      'LoanProvisionReleased',
      'LoanClosed',
    ]);
    expect(rest[0]!.data).toMatchObject({ released: '5000000' });
  });
});

describe('loan decider: a repayment from savings the savings service refused', () => {
  const fromSavings = {
    kind: 'savings',
    savingsAccountId: 'sav-1',
    productCode: 'SUKARELA',
  } as const;
  const fromSavingsOn = (amount: bigint, paidOn: string): LoanCommand => ({
    type: 'RepayLoan',
    amount,
    paidOn,
    via: fromSavings,
    receivedBy: 'key-teller',
    externalId: null,
  });
  /** Savings' refusal of the repayment `repayment` decided over `before`, with `later` after it. */
  const refused = (
    before: LoanEvent[],
    repayment: LoanEvent[],
    later: LoanEvent[] = [],
  ): Extract<LoanCommand, { type: 'RecordRepaymentRefused' }> => {
    const at = repayment.findIndex((e) => e.type === 'LoanRepaid');
    return {
      type: 'RecordRepaymentRefused',
      repaymentId: 'repayment-1',
      savingsAccountId: 'sav-1',
      reason: 'insufficient-funds',
      detail: 'not enough available',
      refusedOn: '2026-03-06',
      repayment: repayment[at]!.data as Extract<LoanEvent, { type: 'LoanRepaid' }>['data'],
      scheduleBefore: given(before).installments.map((i) => ({
        number: i.number,
        dueDate: i.dueDate,
        principal: i.principal.toString(),
        interest: i.interest.toString(),
      })),
      later: [...repayment.slice(at + 1), ...later],
      closedSince: [],
    };
  };
  const owed = (events: LoanEvent[]) => {
    const s = given(events);
    return {
      status: s.status,
      penaltyDue: s.penaltyDue,
      feeDue: s.feeDue,
      interestReceivable: s.interestReceivable,
      interestRecognised: s.interestRecognised,
      installments: s.installments,
      kolektibilitas: s.kolektibilitas,
      provision: s.provision,
    };
  };

  it('owes again every part it paid — penalty, fee, accrued interest, principal — on the schedule it replaced', () => {
    const late = closeDays(loan, '2026-01-31', '2026-03-05');
    const repayment = when(late, fromSavingsOn(3_000_000n, '2026-03-06'));
    expect(types(repayment)).toContain('LoanScheduleRecomputed');
    const paid = [...late, ...repayment];
    expect(repaid(repayment)).toMatchObject({ fee: '25000', accruedInterest: '114857' });
    expect(repaid(repayment).penalty).not.toBe('0');
    const reversal = when(paid, refused(late, repayment));
    expect(types(reversal)[0]).toBe('LoanRepaymentReversed');
    expect(owed([...paid, ...reversal])).toEqual(owed(late));
    expect(given([...paid, ...reversal]).failedRepayments).toEqual([
      expect.objectContaining({ repaymentId: 'repayment-1', reversed: true }),
    ]);
    // Told again: nothing more.
    expect(when([...paid, ...reversal], refused(late, repayment))).toEqual([]);
  });

  it('reopens the loan a payoff closed, with its provision as its class requires', () => {
    const repayment = when(loan, fromSavingsOn(10_000_000n, '2026-01-31'));
    expect(types(repayment)).toContain('LoanClosed');
    const paid = [...loan, ...repayment];
    const reversal = when(paid, refused(loan, repayment));
    expect(owed([...paid, ...reversal])).toEqual(owed(loan));
    expect(given([...paid, ...reversal]).closedOn).toBeNull();
  });

  it('records, without undoing anything, one a later repayment was allocated over', () => {
    const repayment = when(loan, fromSavingsOn(500_000n, '2026-02-10'));
    const next = when([...loan, ...repayment], repay(300_000n, '2026-02-11'));
    const all = [...loan, ...repayment, ...next];
    const events = when(all, refused(loan, repayment, next));
    expect(events).toEqual([
      {
        type: 'LoanRepaymentFailed',
        data: expect.objectContaining({ repaymentId: 'repayment-1', blockedBy: 'LoanRepaid' }),
      },
    ]);
    expect(owed([...all, ...events])).toEqual(owed(all));
  });

  it('ignores a refusal of a repayment from another account, or from cash', () => {
    const repayment = when(loan, fromSavingsOn(500_000n, '2026-02-10'));
    const paid = [...loan, ...repayment];
    expect(when(paid, { ...refused(loan, repayment), savingsAccountId: 'sav-9' })).toEqual([]);
    const cash = when(loan, repay(500_000n, '2026-02-10'));
    expect(when([...loan, ...cash], refused(loan, cash))).toEqual([]);
  });
});
