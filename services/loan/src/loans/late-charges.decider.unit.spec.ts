import { addDays } from '../shared/dates';
import { disbursedLoan, given, run, types } from '../testing/loan-fixtures';
import { when } from '../testing/refusal';
import type { LoanCommand } from './loan-commands';
import type { LoanEvent } from './loan-events';
import { LATE_CHARGES_WINDOW_DAYS, type LoanState } from './loan-state';

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
const data = <T extends LoanEvent['type']>(events: readonly LoanEvent[], type: T) =>
  events.find((e) => e.type === type)?.data as Extract<LoanEvent, { type: T }>['data'] | undefined;
/** What a repayment recorded late must leave as if it had been recorded on its date. */
const owed = (s: LoanState) => ({
  penaltyDue: s.penaltyDue,
  feeDue: s.feeDue,
  penaltyAccrued: s.penaltyAccrued,
  penaltyChargedThrough: s.penaltyChargedThrough,
  installments: s.installments,
  kolektibilitas: s.kolektibilitas,
  provision: s.provision,
});
/** Closes through the day before `paidOn`, repays, then closes through `closedThrough`. */
const onTime = (payments: [bigint, string][], closedThrough: string) => {
  let events = disbursedLoan();
  let from = '2026-01-31';
  for (const [amount, paidOn] of payments) {
    events = closeDays(events, from, addDays(paidOn, -1));
    if (from < paidOn) from = paidOn;
    events = run([repay(amount, paidOn)], events).events;
  }
  return given(closeDays(events, from, closedThrough));
};
const loan = disbursedLoan();

/** Installment 1 (888,488) falls due on Saturday 28 February 2026. */
describe('loan decider: a repayment recorded after the close of business of its date', () => {
  const closed = closeDays(loan, '2026-01-31', '2026-03-01');

  it('pays on time when dated on the due date: no late fee, no penalty, still lancar', () => {
    // The close of business of 1 March marked installment 1 overdue, charged the late fee and a
    // day's penalty, and classed the loan DPK.
    expect(given(closed)).toMatchObject({
      feeDue: 25_000n,
      penaltyDue: 888n,
      kolektibilitas: 'DPK',
    });
    const events = when(closed, repay(888_488n, '2026-02-28'));
    expect(data(events, 'LoanRepaid')).toMatchObject({
      penalty: '0',
      fee: '0',
      principal: '788488',
      applied: [{ number: 1, principal: '788488', interest: '100000' }],
    });
    expect(data(events, 'LoanLateChargesWaived')).toEqual({
      paidOn: '2026-02-28',
      penalty: '888',
      fee: '25000',
      installments: [1],
      penalties: [],
      penaltyAccrued: '0',
      penaltyChargedThrough: null,
    });
    expect(data(events, 'LoanReclassified')).toMatchObject({
      from: 'DPK',
      to: 'L',
      daysPastDue: 0,
      reclassifiedOn: '2026-03-01',
    });
    const after = given([...closed, ...events]);
    expect(after).toMatchObject({ penaltyDue: 0n, feeDue: 0n, kolektibilitas: 'L' });
    expect(after.installments[0]).toMatchObject({ paidPrincipal: 788_488n, overdue: false });
    expect(owed(after)).toEqual(owed(onTime([[888_488n, '2026-02-28']], '2026-03-01')));
    // The next close of business finds nothing overdue.
    const next = when([...closed, ...events], {
      type: 'CloseBusinessDay',
      businessDate: '2026-03-02',
    });
    expect(types(next)).toEqual(['LoanInterestAccrued']);
  });

  it('charges only what a back-dated part payment left overdue', () => {
    const late = closeDays(loan, '2026-01-31', '2026-03-05');
    const events = when(late, repay(500_000n, '2026-02-28'));
    expect(data(events, 'LoanRepaid')).toMatchObject({ penalty: '0', fee: '0' });
    // Installment 1 is still 388,488 short: its mark and late fee stand; the penalties of 1 to 5
    // March are charged on 388,488, not on 888,488.
    const waived = data(events, 'LoanLateChargesWaived')!;
    expect(waived).toMatchObject({ fee: '0', installments: [] });
    expect(waived.penalties.map((p) => p.chargedFor)).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
    ]);
    expect(BigInt(waived.penalty)).toBe(given(late).penaltyDue - 1_942n);
    const after = given([...late, ...events]);
    expect(after).toMatchObject({ feeDue: 25_000n, penaltyDue: 1_942n, kolektibilitas: 'DPK' });
    expect(after.installments[0]).toMatchObject({ overdue: true });
    expect(owed(after)).toEqual(owed(onTime([[500_000n, '2026-02-28']], '2026-03-05')));
  });

  it('keeps what was charged for the days before a late payment, and pays it first', () => {
    const late = closeDays(loan, '2026-01-31', '2026-03-05');
    // The late fee, two days' penalties and the installment: nothing prepaid.
    const events = when(late, repay(25_000n + 1_777n + 888_488n, '2026-03-03'));
    // Fee of 1 March and penalties of 1 and 2 March were due when it was paid.
    expect(data(events, 'LoanRepaid')).toMatchObject({ fee: '25000', penalty: '1777' });
    const waived = data(events, 'LoanLateChargesWaived')!;
    expect(waived).toMatchObject({
      paidOn: '2026-03-03',
      fee: '0',
      installments: [],
      penalties: [],
    });
    const after = given([...late, ...events]);
    expect(after).toMatchObject({ feeDue: 0n, penaltyDue: 0n, kolektibilitas: 'L' });
    // Marked overdue on 1 March, when it was.
    expect(after.installments[0]).toMatchObject({ overdue: true, paidPrincipal: 788_488n });
    expect(owed(after)).toEqual(owed(onTime([[915_265n, '2026-03-03']], '2026-03-05')));
  });

  it('treats each of several back-dated payments as arrived on its date', () => {
    const late = closeDays(loan, '2026-01-31', '2026-03-10');
    // Less than installment 1 and its charges: nothing is prepaid.
    const first = run([repay(300_000n, '2026-03-02')], late).events;
    const both = run([repay(600_000n, '2026-03-06')], first).events;
    expect(types(both)).toContain('LoanLateChargesWaived');
    const expected = onTime(
      [
        [300_000n, '2026-03-02'],
        [600_000n, '2026-03-06'],
      ],
      '2026-03-10',
    );
    expect(owed(given(both))).toEqual(owed(expected));
    expect(given(both).lateCharges).toEqual(expected.lateCharges);
  });

  it('keeps a window of charges behind the last close, and allocates a payment dated before it as recorded', () => {
    // Overdue from 1 March and never paid: five months of daily penalties.
    const long = closeDays(loan, '2026-01-31', '2026-07-31');
    const log = given(long).lateCharges!;
    expect(log.penalties).toHaveLength(LATE_CHARGES_WINDOW_DAYS);
    expect(log.penalties[0]!.chargedFor).toBe(
      addDays('2026-07-31', -(LATE_CHARGES_WINDOW_DAYS - 1)),
    );
    // Dated before the window: the charges it finds stand, as for a payment recorded on time.
    const old = when(long, repay(888_488n, '2026-04-01'));
    expect(types(old)).not.toContain('LoanLateChargesWaived');
    // Dated inside it: what the closes since charged on what it paid is decided again.
    const recent = when(long, repay(888_488n, addDays('2026-07-31', -10)));
    expect(types(recent)).toContain('LoanLateChargesWaived');
  });

  it('changes nothing a payment dated after the last close of business pays', () => {
    const events = when(closed, repay(888_488n, '2026-03-02'));
    expect(types(events)).toEqual(['LoanRepaid']);
    expect(data(events, 'LoanRepaid')).toMatchObject({ penalty: '888', fee: '25000' });
  });
});
