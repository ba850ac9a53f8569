import fc from 'fast-check';
import { DomainError } from '@kopfed/domain';
import type { AccountCommand } from './account-commands';
import { balanceChange, type AccountEvent } from './account-events';
import { availableAt, evolveAccount, type AccountState } from './account-state';
import { accountDecider } from './account.decider';
import { ctx, openCommand, PRODUCTS } from './account-fixtures';

const { sukarela } = PRODUCTS;
const FLOOR = 10_000n; // the sukarela fixture's minimum balance
const NOW = '2026-03-10T03:00:00.000Z';

type Step =
  | { kind: 'deposit'; amount: bigint }
  | { kind: 'withdraw'; amount: bigint }
  | { kind: 'hold'; id: number; amount: bigint }
  | { kind: 'capture'; id: number; amount: bigint | null }
  | { kind: 'release'; id: number }
  | { kind: 'reduce'; id: number; amount: bigint };

const amount = fc.bigInt({ min: 1n, max: 2_000_000n });
// A hold id is used once: enough of them that placements keep succeeding in a long sequence.
const holdId = fc.integer({ min: 0, max: 9 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), amount }),
  fc.record({ kind: fc.constant('withdraw' as const), amount }),
  fc.record({ kind: fc.constant('hold' as const), id: holdId, amount }),
  fc.record({
    kind: fc.constant('capture' as const),
    id: holdId,
    amount: fc.option(amount, { nil: null }),
  }),
  fc.record({ kind: fc.constant('release' as const), id: holdId }),
  fc.record({
    kind: fc.constant('reduce' as const),
    id: holdId,
    amount: fc.bigInt({ min: 0n, max: 2_000_000n }),
  }),
);

function command(s: Step): AccountCommand {
  const c = ctx(sukarela, { now: NOW });
  switch (s.kind) {
    case 'deposit':
      return {
        type: 'Deposit',
        ...c,
        amount: s.amount,
        via: 'cash',
        reference: null,
        externalId: null,
      };
    case 'withdraw':
      return {
        type: 'Withdraw',
        ...c,
        withdrawalId: 'w',
        amount: s.amount,
        via: 'cash',
        reference: null,
        externalId: null,
        requestedBy: 'k',
        approvalThreshold: null,
      };
    case 'hold':
      return {
        type: 'PlaceHold',
        ...c,
        holdId: `h${s.id}`,
        amount: s.amount,
        reason: 'r',
        expiresAt: '2026-04-01T00:00:00.000Z',
        placedBy: 'k',
      };
    case 'capture':
      return {
        type: 'CaptureHold',
        ...c,
        holdId: `h${s.id}`,
        amount: s.amount,
        via: 'cash',
        reference: null,
        // Half the amounts drawn: some captures are paid out, some wait for maker-checker.
        approvalThreshold: 1_000_000n,
      };
    case 'release':
      return { type: 'ReleaseHold', on: c.on, holdId: `h${s.id}` };
    case 'reduce':
      return { type: 'ReduceHold', on: c.on, holdId: `h${s.id}`, amount: s.amount };
  }
}

describe('account invariants (property)', () => {
  it('for random deposits, withdrawals, holds, captures, reductions and releases: the balance is the sum of the events, never crosses the floor, and a hold id is placed once', () => {
    fc.assert(
      fc.property(amount, fc.array(step, { maxLength: 60 }), (opening, steps) => {
        let events: AccountEvent[] = accountDecider.decide(
          openCommand(sukarela, { initialDeposit: { amount: opening + FLOOR, via: 'cash' } }),
          { status: 'none' },
        );
        let state: AccountState = events.reduce(evolveAccount, accountDecider.initialState());
        for (const s of steps) {
          let decided: AccountEvent[] = [];
          try {
            decided = accountDecider.decide(command(s), state);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
          events = [...events, ...decided];
          state = decided.reduce(evolveAccount, state);
          if (state.status === 'none') throw new Error('the account vanished');
          const sum = events.reduce((total, e) => total + balanceChange(e), 0n);
          expect(state.balance).toBe(sum);
          expect(state.balance).toBeGreaterThanOrEqual(FLOOR);
          // Holds never promise more than the balance above the floor.
          expect(availableAt(state, NOW)).toBeGreaterThanOrEqual(FLOOR);
        }
        // A hold id is used once: placed at most once, so captured at most once.
        const placed = events.flatMap((e) => (e.type === 'HoldPlaced' ? [e.data.holdId] : []));
        expect(new Set(placed).size).toBe(placed.length);
      }),
      { numRuns: 300 },
    );
  });

  it('replaying the events gives the same state (determinism)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let events: AccountEvent[] = accountDecider.decide(
          openCommand(sukarela, { initialDeposit: { amount: 1_000_000n, via: 'cash' } }),
          { status: 'none' },
        );
        for (const s of steps) {
          const state = events.reduce(evolveAccount, accountDecider.initialState());
          try {
            events = [...events, ...accountDecider.decide(command(s), state)];
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
        }
        const once = events.reduce(evolveAccount, accountDecider.initialState());
        const twice = JSON.parse(JSON.stringify(events)).reduce(
          evolveAccount,
          accountDecider.initialState(),
        );
        expect(twice).toEqual(once);
      }),
      { numRuns: 100 },
    );
  });
});
