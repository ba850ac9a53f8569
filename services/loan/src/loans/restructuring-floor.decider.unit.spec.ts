import { addDays } from '../shared/dates';
import { disbursedLoan, given } from '../testing/loan-fixtures';
import { loanDecider } from './loan.decider';
import type { LoanCommand } from './loan-commands';
import type { LoanEvent } from './loan-events';
import type { LoanState } from './loan-state';

function runner(start: LoanEvent[]) {
  const events = [...start];
  let state: LoanState = given(events);
  const exec = (command: LoanCommand) => {
    const out = loanDecider.decide(command, state);
    for (const e of out) state = loanDecider.evolve(state, e);
    events.push(...out);
    return out;
  };
  const closeDays = (from: string, to: string) => {
    for (let d = from; d <= to; d = addDays(d, 1))
      exec({ type: 'CloseBusinessDay', businessDate: d });
  };
  /** Closes through the day before each due date, then pays that installment in full on it. */
  const payOnDue = (dueDates: readonly string[]) => {
    for (const due of dueDates) {
      closeDays(addDays(state.lateCharges!.closedThrough!, 1), addDays(due, -1));
      const i = state.installments.find((x) => x.dueDate === due)!;
      exec({
        type: 'RepayLoan',
        amount:
          state.penaltyDue +
          state.feeDue +
          (i.principal - i.paidPrincipal) +
          (i.interest - i.paidInterest),
        paidOn: due,
        via: { kind: 'cash' },
        receivedBy: 'key-teller',
        externalId: null,
      });
    }
  };
  return { exec, closeDays, payOnDue, state: () => state };
}

const restructure = (restructuredOn: string): LoanCommand => ({
  type: 'RestructureLoan',
  restructuredOn,
  installments: 12,
  graceMonths: 0,
  method: null,
  annualRatePercent: null,
  fee: 0n,
  restructuredBy: 'key-officer',
});
const classFloorOf = (event: LoanEvent | undefined) =>
  (event as Extract<LoanEvent, { type: 'LoanRestructured' }>).data.classFloor;

// The loan is disbursed 31 Jan 2026; its first installment falls due 28 Feb.
describe('loan decider: a restructuring after an earlier one’s floor lifted', () => {
  it('floors a Macet loan restructured a second time at Macet, not at the first floor', () => {
    const r = runner(disbursedLoan());
    r.closeDays('2026-01-31', '2026-05-14');
    expect(r.state().kolektibilitas).toBe('DPK');
    expect(classFloorOf(r.exec(restructure('2026-05-15'))[0])).toBe('DPK');
    r.payOnDue(['2026-06-15', '2026-07-15', '2026-08-15']);
    r.closeDays('2026-08-15', '2026-09-15');
    expect(r.state().kolektibilitas).toBe('L');
    // Nothing more is paid: the installment due 15 Sep is 186 days past due on 20 Mar 2027.
    r.closeDays('2026-09-16', '2027-03-20');
    expect(r.state().kolektibilitas).toBe('M');
    const [restructured] = r.exec(restructure('2027-03-21'));
    expect(restructured).toMatchObject({ type: 'LoanRestructured' });
    expect(classFloorOf(restructured)).toBe('M');
    r.closeDays('2027-03-21', '2027-03-21');
    expect(r.state().kolektibilitas).toBe('M');
  });

  it('floors a loan cured to Lancar and restructured again at Lancar, not at the old Diragukan', () => {
    const r = runner(disbursedLoan());
    // The installment due 28 Feb is 133 days past due on 11 Jul: Diragukan.
    r.closeDays('2026-01-31', '2026-07-11');
    expect(r.state().kolektibilitas).toBe('D');
    expect(classFloorOf(r.exec(restructure('2026-07-12'))[0])).toBe('D');
    r.payOnDue(['2026-08-12', '2026-09-12']);
    r.closeDays('2026-09-12', '2026-09-12');
    expect(r.state().kolektibilitas).toBe('D');
    r.payOnDue(['2026-10-12']);
    r.closeDays('2026-10-12', '2026-10-20');
    expect(r.state().kolektibilitas).toBe('L');
    const [restructured] = r.exec(restructure('2026-10-21'));
    expect(classFloorOf(restructured)).toBe('L');
    r.closeDays('2026-10-21', '2026-10-21');
    expect(r.state().kolektibilitas).toBe('L');
  });

  it('keeps a floor that still holds when restructured again before three installments are paid', () => {
    const r = runner(disbursedLoan());
    r.closeDays('2026-01-31', '2026-07-11');
    r.exec(restructure('2026-07-12'));
    r.payOnDue(['2026-08-12']);
    r.closeDays('2026-08-12', '2026-08-20');
    expect(r.state().kolektibilitas).toBe('D');
    expect(classFloorOf(r.exec(restructure('2026-08-21'))[0])).toBe('D');
    r.closeDays('2026-08-21', '2026-08-21');
    expect(r.state().kolektibilitas).toBe('D');
  });
});
