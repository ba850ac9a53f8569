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
import { billedUnpaid, outstandingPrincipal } from './loan-state';
import { payoffAmount, scheduleView } from './views';

const restructure = (
  overrides: Partial<Extract<LoanCommand, { type: 'RestructureLoan' }>> = {},
): LoanCommand => ({
  type: 'RestructureLoan',
  restructuredOn: '2026-05-15',
  installments: 18,
  graceMonths: 2,
  method: null,
  annualRatePercent: null,
  fee: 0n,
  restructuredBy: 'key-officer',
  ...overrides,
});
const closeDays = (events: LoanEvent[], from: string, to: string) => {
  const commands: LoanCommand[] = [];
  for (let d = from; d <= to; d = addDays(d, 1))
    commands.push({ type: 'CloseBusinessDay', businessDate: d });
  return run(commands, events).events;
};
// Three installments missed (due 28 Feb, 31 Mar, 30 Apr); closed through 14 May: DPK.
const arrears = closeDays(disbursedLoan(), '2026-01-31', '2026-05-14');

describe('loan decider: restructuring', () => {
  it('reschedules all principal from the date, folding interest arrears into the first installment', () => {
    const before = given(arrears);
    expect(before.kolektibilitas).toBe('DPK');
    const events = when(arrears, restructure());
    expect(types(events)).toEqual(['LoanRestructured']);
    const data = events[0]!.data as Extract<LoanEvent, { type: 'LoanRestructured' }>['data'];
    expect(data).toMatchObject({
      kind: 'reschedule',
      fromNumber: 4,
      outstandingPrincipal: '10000000',
      classFloor: 'DPK',
    });
    expect(data.installments).toHaveLength(18);
    expect(data.installments[0]!.dueDate).toBe('2026-06-15');
    const after = given([...arrears, ...events]);
    expect(outstandingPrincipal(after)).toBe(10_000_000n);
    expect(billedUnpaid(after, '2026-05-15')).toEqual({ principal: 0n, interest: 0n });
    expect(after.installments.reduce((sum, i) => sum + i.principal, 0n)).toBe(10_000_000n);
    // Arrears interest 276,266 (Feb–Apr) and 15 of 31 days of May's 76,108 ride on installment 4.
    expect(after.installments[3]!.interest).toBe(100_000n + 276_266n + 36_826n);
  });

  it('keeps whole the interest an earlier restructuring carried in, when restructured again', () => {
    const first = [...arrears, ...when(arrears, restructure())];
    // Installment 4 carries 313,092 (arrears and May's interest so far) beside its own 100,000.
    expect(given(first).installments[3]!.interest).toBe(413_092n);
    const events = when(first, restructure({ restructuredOn: '2026-05-16' }));
    // Carried again: the 313,092 whole, and one day of 31 of its own 100,000 (3,226).
    expect(events[0]).toMatchObject({ data: { fromNumber: 4, carriedInterest: '316318' } });
    const after = given([...first, ...events]);
    expect(after.installments[3]!.interest).toBe(100_000n + 316_318n);
    expect(after.installments.reduce((sum, i) => sum + i.principal, 0n)).toBe(10_000_000n);
  });

  it('collects in a payoff the arrears a restructuring carried, on a loan that accrues nothing', () => {
    const npl = closeDays(disbursedLoan(), '2026-01-31', '2026-06-05');
    const before = given(npl);
    expect(before.kolektibilitas).toBe('KL');
    const arrearsInterest = billedUnpaid(before, '2026-06-05').interest;
    const restructured = [...npl, ...when(npl, restructure({ restructuredOn: '2026-06-05' }))];
    const state = given(restructured);
    const carried = state.restructuredCarriedInterest;
    expect(carried).toBeGreaterThanOrEqual(arrearsInterest);
    const payoff = state.penaltyDue + state.feeDue + carried + 10_000_000n;
    expect(payoffAmount(state, '2026-06-05')).toBe(payoff);
    const paid = when(restructured, {
      type: 'RepayLoan',
      amount: payoff,
      paidOn: '2026-06-05',
      via: { kind: 'cash' },
      receivedBy: 'key-teller',
      externalId: null,
    });
    expect(paid[0]).toMatchObject({ type: 'LoanRepaid' });
    const data = paid[0]!.data as Extract<LoanEvent, { type: 'LoanRepaid' }>['data'];
    expect(BigInt(data.interest) + BigInt(data.accruedInterest)).toBe(carried);
    expect(given([...restructured, ...paid]).status).toBe('closed');
  });

  it('keeps the principal prepaid on the installment in progress as paid', () => {
    const loan = disbursedLoan();
    const prepaid = [
      ...loan,
      ...when(loan, {
        type: 'RepayLoan',
        amount: 3_000_000n,
        paidOn: '2026-02-10',
        via: { kind: 'cash' },
        receivedBy: 'key-teller',
        externalId: null,
      }),
    ];
    const events = when(prepaid, restructure({ restructuredOn: '2026-02-15', graceMonths: 0 }));
    const after = given([...prepaid, ...events]);
    expect(outstandingPrincipal(after)).toBe(7_000_000n);
    expect(after.installments.reduce((sum, i) => sum + i.principal, 0n)).toBe(10_000_000n);
    expect(after.installments.reduce((sum, i) => sum + i.paidPrincipal, 0n)).toBe(3_000_000n);
    expect(scheduleView(after, '2026-02-15').installments[0]).toMatchObject({
      paidPrincipal: { amount: '3000000' },
    });
  });

  it('restructures with a new rate or method, within the rate cap, and charges its fee', () => {
    const events = when(
      arrears,
      restructure({ method: 'EFFECTIVE', annualRatePercent: '9', fee: 50_000n }),
    );
    expect(types(events)).toEqual(['LoanRestructured', 'LoanFeeCharged']);
    expect(events[0]).toMatchObject({
      data: { kind: 'restructure', method: 'EFFECTIVE', annualRatePercent: '9' },
    });
    expect(
      refusal(
        arrears,
        restructure({ method: 'FLAT', annualRatePercent: '20', graceMonths: 0, installments: 12 }),
      ),
    ).toMatchObject({
      code: 'rate_cap_exceeded',
    });
  });

  it('keeps the class until three new installments are paid, then lets it improve', () => {
    let events = [...arrears, ...when(arrears, restructure({ graceMonths: 0 }))];
    events = closeDays(events, '2026-05-15', '2026-05-20');
    expect(given(events).kolektibilitas).toBe('DPK');
    for (const number of [4, 5, 6]) {
      const state = given(events);
      const due = state.installments.find((i) => i.number === number)!;
      // Penalties and fees from before the restructuring come first in the product's order.
      const amount = due.principal + due.interest + state.penaltyDue + state.feeDue;
      events = run(
        [
          {
            type: 'RepayLoan',
            amount,
            paidOn: due.dueDate,
            via: { kind: 'cash' },
            receivedBy: 't',
            externalId: null,
          },
        ],
        events,
      ).events;
      if (number < 6)
        expect(given(closeDays(events, due.dueDate, due.dueDate)).kolektibilitas).toBe('DPK');
      events = closeDays(events, due.dueDate, due.dueDate);
    }
    expect(given(events).kolektibilitas).toBe('L');
  });

  it('refuses a restructuring dated before the loan’s recorded history', () => {
    const paid = run(
      [
        {
          type: 'RepayLoan',
          amount: 100_000n,
          paidOn: '2026-05-15',
          via: { kind: 'cash' },
          receivedBy: 'key-teller',
          externalId: null,
        },
      ],
      arrears,
    ).events;
    // Repaid on the 15th: a restructuring on the 14th would rewrite that repayment.
    expect(refusal(paid, restructure({ restructuredOn: '2026-05-14' }))).toMatchObject({
      code: 'dated_before_recorded',
      pointer: '/restructuredOn',
    });
    expect(types(when(paid, restructure()))).toContain('LoanRestructured');
  });

  it('has nothing to restructure once all principal is paid (a penalty may still be due)', () => {
    const principalFirst = run([
      {
        type: 'ApplyForLoan',
        ...application({
          termMonths: 1,
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
    // A one-month loan, overdue: principal and interest paid, the fee and penalties not.
    const late = closeDays(principalFirst, '2026-01-31', '2026-03-05');
    const paid = run(
      [
        {
          type: 'RepayLoan',
          amount: 10_100_000n,
          paidOn: '2026-03-05',
          via: { kind: 'cash' },
          receivedBy: 't',
          externalId: null,
        },
      ],
      late,
    ).events;
    expect(given(paid)).toMatchObject({ status: 'active', feeDue: 25_000n });
    expect(outstandingPrincipal(given(paid))).toBe(0n);
    expect(refusal(paid, restructure({ restructuredOn: '2026-03-05' })).code).toBe(
      'nothing_to_restructure',
    );
  });

  it.each([
    ['loan_not_active', disbursedLoan().slice(0, 2), restructure()],
    [
      'restructured_before_disbursed',
      disbursedLoan(),
      restructure({ restructuredOn: '2026-01-30' }),
    ],
    ['grace_out_of_range', disbursedLoan(), restructure({ graceMonths: 18 })],
  ])('refuses with %s', (code, events, command) => {
    expect(refusal(events, command).code).toBe(code);
  });
});
