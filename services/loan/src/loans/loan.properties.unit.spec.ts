import fc from 'fast-check';
import { DomainError } from '@kopfed/domain';
import { addDays } from '../shared/dates';
import { disbursedLoan, given } from '../testing/loan-fixtures';
import { decodeLoanState, encodeLoanState } from './loan-codec';
import { loanDecider } from './loan.decider';
import type { LoanEvent } from './loan-events';
import { billedUnpaid, isSettled, outstandingPrincipal, type LoanState } from './loan-state';
import { payoffAmount } from './views';

/**
 * A loan lived at random: close of business every day, repayments of random sizes on random
 * days (sometimes missing months). Whatever happens, the books stay whole.
 */
const day = fc.record({
  pay: fc.boolean(),
  share: fc.integer({ min: 1, max: 1_000 }),
  skip: fc.integer({ min: 0, max: 40 }),
});

/** What is broken, as plain checks: jest's expect is slow in loops this long. */
function broken(state: LoanState, principal: bigint): string[] {
  const problems: string[] = [];
  if (outstandingPrincipal(state) < 0n) problems.push('outstanding below zero');
  if (state.interestReceivable < 0n || state.penaltyDue < 0n || state.feeDue < 0n)
    problems.push('negative due');
  if (state.installments.reduce((sum, i) => sum + i.principal, 0n) !== principal)
    problems.push('principals');
  for (const i of state.installments) {
    if (i.paidPrincipal > i.principal || i.paidInterest > i.interest)
      problems.push(`${i.number}: overpaid`);
    if (i.paidPrincipal < 0n || i.paidInterest < 0n) problems.push(`${i.number}: negative paid`);
  }
  const scheduled = state.installments.reduce((sum, i) => sum + i.interest, 0n);
  if (state.interestRecognised > scheduled) problems.push('recognised more than scheduled');
  return problems;
}

describe('a loan lived at random (property)', () => {
  it('keeps principal, interest and receivables whole through accruals, arrears and repayments', () => {
    fc.assert(
      fc.property(fc.array(day, { minLength: 5, maxLength: 40 }), (days) => {
        let events: LoanEvent[] = disbursedLoan();
        let state = given(events);
        let date = '2026-01-31';
        const step = (command: Parameters<typeof loanDecider.decide>[0]) => {
          const fresh = loanDecider.decide(command, state);
          events = [...events, ...fresh];
          state = fresh.reduce(loanDecider.evolve, state);
        };
        for (const d of days) {
          for (let k = 0; k <= d.skip && state.status === 'active'; k++) {
            step({ type: 'CloseBusinessDay', businessDate: date });
            date = addDays(date, 1);
          }
          if (!d.pay || state.status !== 'active') continue;
          const payoff = payoffAmount(state, date);
          const amount = (payoff * BigInt(d.share)) / 1_000n;
          if (amount > 0n)
            step({
              type: 'RepayLoan',
              amount,
              paidOn: date,
              via: { kind: 'cash' },
              receivedBy: 't',
              externalId: null,
            });
          const problems = broken(state, 10_000_000n);
          if (problems.length > 0) expect(problems).toEqual([]);
        }
        if (state.status === 'active') {
          step({
            type: 'RepayLoan',
            amount: payoffAmount(state, date),
            paidOn: date,
            via: { kind: 'cash' },
            receivedBy: 't',
            externalId: null,
          });
        }
        expect(state.status).toBe('closed');
        expect(state.installments.every(isSettled)).toBe(true);
        expect(state.interestReceivable).toBe(0n);
        const interestPaid = state.installments.reduce((sum, i) => sum + i.paidInterest, 0n);
        expect(state.interestRecognised).toBe(interestPaid);
        // Replaying the log gives the same state, and the book's codec keeps it.
        expect(given(events)).toEqual(state);
        expect(decodeLoanState(encodeLoanState(state))).toEqual(state);
      }),
      { numRuns: 25 },
    );
  });

  it('keeps them whole through restructurings too, again and again, and closes on the payoff', () => {
    const event = fc.record({
      act: fc.constantFrom('repay', 'restructure', 'wait'),
      share: fc.integer({ min: 1, max: 1_000 }),
      skip: fc.integer({ min: 0, max: 40 }),
      installments: fc.integer({ min: 1, max: 24 }),
      method: fc.constantFrom('FLAT', 'EFFECTIVE', 'ANNUITY', 'BULLET' as const),
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 5, maxLength: 30 }), (events) => {
        let state = given(disbursedLoan());
        let date = '2026-01-31';
        const step = (command: Parameters<typeof loanDecider.decide>[0]) => {
          state = loanDecider.decide(command, state).reduce(loanDecider.evolve, state);
        };
        const payoff = () =>
          step({
            type: 'RepayLoan',
            amount: payoffAmount(state, date),
            paidOn: date,
            via: { kind: 'cash' },
            receivedBy: 't',
            externalId: null,
          });
        for (const e of events) {
          for (let k = 0; k <= e.skip && state.status === 'active'; k++) {
            step({ type: 'CloseBusinessDay', businessDate: date });
            date = addDays(date, 1);
          }
          if (state.status !== 'active') break;
          const amount = (payoffAmount(state, date) * BigInt(e.share)) / 1_000n;
          if (e.act === 'repay' && amount > 0n)
            step({
              type: 'RepayLoan',
              amount,
              paidOn: date,
              via: { kind: 'cash' },
              receivedBy: 't',
              externalId: null,
            });
          if (e.act === 'restructure' && outstandingPrincipal(state) > 0n) {
            try {
              step({
                type: 'RestructureLoan',
                restructuredOn: date,
                installments: e.installments,
                graceMonths: 0,
                method: e.method,
                annualRatePercent: null,
                fee: 0n,
                restructuredBy: 'o',
              });
            } catch (error) {
              // Terms whose effective rate passes the cap (a long flat schedule) are refused,
              // and a refusal changes nothing: the walk goes on with the loan as it was.
              if (!(error instanceof DomainError && error.code === 'rate_cap_exceeded'))
                throw error;
            }
          }
          const problems = broken(state, 10_000_000n);
          if (problems.length > 0) expect(problems).toEqual([]);
        }
        if (state.status === 'active') payoff();
        expect(state.status).toBe('closed');
        expect(state.interestReceivable).toBe(0n);
        const interestPaid = state.installments.reduce((sum, i) => sum + i.paidInterest, 0n);
        expect(state.interestRecognised).toBe(interestPaid);
      }),
      { numRuns: 60 },
    );
  });

  it('treats repayments recorded after closes of business as if they had arrived on their dates', () => {
    const payment = fc.record({
      day: fc.integer({ min: 0, max: 150 }),
      share: fc.integer({ min: 1, max: 1_000 }),
      /** Days of close of business run before it is recorded. */
      lag: fc.integer({ min: 0, max: 40 }),
    });
    const repay = (amount: bigint, paidOn: string) =>
      ({
        type: 'RepayLoan',
        amount,
        paidOn,
        via: { kind: 'cash' },
        receivedBy: 't',
        externalId: null,
      }) as const;
    const owed = (s: LoanState) => ({
      penaltyDue: s.penaltyDue,
      feeDue: s.feeDue,
      penaltyAccrued: s.penaltyAccrued,
      penaltyChargedThrough: s.penaltyChargedThrough,
      installments: s.installments,
      kolektibilitas: s.kolektibilitas,
      provision: s.provision,
      lateCharges: s.lateCharges,
    });
    fc.assert(
      fc.property(fc.array(payment, { minLength: 1, maxLength: 4 }), (drawn) => {
        const start = disbursedLoan();
        // On time: each payment recorded on its date, before that day's close of business. It
        // pays part of what is due then (a prepayment would collect accrued interest).
        let onTime = given(start);
        let date = '2026-01-31';
        const made: { amount: bigint; paidOn: string; recordedAfter: string }[] = [];
        for (const { day, share, lag } of [...drawn].sort((a, b) => a.day - b.day)) {
          const paidOn = addDays('2026-01-31', day);
          for (; date < paidOn; date = addDays(date, 1))
            onTime = fold(onTime, { type: 'CloseBusinessDay', businessDate: date });
          const billed = billedUnpaid(onTime, paidOn);
          const due = onTime.penaltyDue + onTime.feeDue + billed.principal + billed.interest;
          const amount = (due * BigInt(share)) / 1_000n;
          if (amount === 0n) continue;
          onTime = fold(onTime, repay(amount, paidOn));
          made.push({ amount, paidOn, recordedAfter: addDays(paidOn, lag - 1) });
        }
        // Late: each payment recorded after the closes of business of `lag` days from its date.
        let events = start;
        let late = given(events);
        let closed = '2026-01-30';
        const step = (command: Parameters<typeof loanDecider.decide>[0]) => {
          const fresh = loanDecider.decide(command, late);
          events = [...events, ...fresh];
          late = fresh.reduce(loanDecider.evolve, late);
        };
        const closeThrough = (through: string) => {
          for (; closed < through;) {
            closed = addDays(closed, 1);
            step({ type: 'CloseBusinessDay', businessDate: closed });
          }
        };
        for (const { amount, paidOn, recordedAfter } of made) {
          closeThrough(recordedAfter);
          step(repay(amount, paidOn));
        }
        closeThrough(addDays(date, 1));
        for (; date <= closed; date = addDays(date, 1))
          onTime = fold(onTime, { type: 'CloseBusinessDay', businessDate: date });
        expect(owed(late)).toEqual(owed(onTime));
        expect(given(events)).toEqual(late);
        expect(decodeLoanState(encodeLoanState(late))).toEqual(late);
      }),
      { numRuns: 40 },
    );
  });
});

function fold(state: LoanState, command: Parameters<typeof loanDecider.decide>[0]): LoanState {
  return loanDecider.decide(command, state).reduce(loanDecider.evolve, state);
}
