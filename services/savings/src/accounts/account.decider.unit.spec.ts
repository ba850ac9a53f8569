import type { AccountCommand } from './account-commands';
import type { AccountEvent } from './account-events';
import {
  balanceOf,
  ctx,
  deposit,
  given,
  hold,
  opened,
  openCommand,
  PRODUCTS,
  refusal,
  then,
  when,
  withdraw,
} from './account-fixtures';

const { sukarela, pokok, wajib, berjangka } = PRODUCTS;
/** The largest amount: 18 digits. */
const MAX = 999_999_999_999_999_999n;

describe('account decider', () => {
  describe('OpenAccount', () => {
    it('opens for an active member of an active coop, with its opening deposit', () => {
      expect(opened()).toEqual([
        {
          type: 'AccountOpened',
          data: expect.objectContaining({
            accountId: 'acc-1',
            openedOn: '2026-03-10',
            accrualFrom: '2026-03-10',
          }),
        },
        {
          type: 'Deposited',
          data: expect.objectContaining({ amount: '500000', on: '2026-03-10', via: 'cash' }),
        },
      ]);
    });
    it('opens under an account id whose earlier pokok opening was refused', () => {
      const refused: AccountEvent = {
        type: 'AccountOpeningRefused',
        data: {
          accountId: 'acc-1',
          memberId: 'm-1',
          productCode: 'POKOK',
          on: '2026-03-10',
          code: 'pokok-exceeds-share',
        },
      };
      expect(given([refused])).toEqual(given([]));
      const command = openCommand(sukarela, {
        initialDeposit: { amount: 500_000n, via: 'cash' },
      });
      expect(when([refused], command)).toEqual(opened());
      expect(() => given([...opened(), refused])).toThrow(/never opened/);
    });
    it('opens for a member who has left since when it opens with their SHU share', () => {
      const left = { memberActive: false, coopStatus: 'active' as const };
      const share = { amount: 250_000n, via: 'shu_payable' as const };
      const events = when([], openCommand(sukarela, { membership: left, initialDeposit: share }));
      expect(events.map((e) => e.type)).toEqual(['AccountOpened', 'Deposited']);
      const cash = { amount: 250_000n, via: 'cash' as const };
      const refused = refusal(
        [],
        openCommand(sukarela, { membership: left, initialDeposit: cash }),
      );
      expect(refused.code).toBe('member-not-active');
    });
    it('keeps an onboarded account’s original opening date, accruing from today', () => {
      const [event] = when([], openCommand(sukarela, { on: '2019-05-01' }));
      expect(event!.data).toMatchObject({ openedOn: '2019-05-01', accrualFrom: '2026-03-10' });
    });
    it.each<[string, Partial<Extract<AccountCommand, { type: 'OpenAccount' }>>, string]>([
      [
        'a coop that is not active',
        { membership: { memberActive: true, coopStatus: 'suspended' } },
        'coop-not-active',
      ],
      [
        'a member who left',
        { membership: { memberActive: false, coopStatus: 'active' } },
        'member-not-active',
      ],
      ['a person at a secondary coop', { coopKind: 'secondary' }, 'closed-loop'],
      [
        'a coop member at a primary coop',
        { memberKind: 'coop', memberCoopId: 'ksp-x' },
        'closed-loop',
      ],
      [
        'a maturity instruction on sukarela',
        { maturityInstruction: { kind: 'roll_over' } },
        'maturity-not-allowed',
      ],
    ])('refuses %s', (_name, overrides, code) => {
      expect(refusal([], openCommand(sukarela, overrides)).code).toBe(code);
    });
    it('refuses opening twice', () => {
      expect(refusal(opened(), openCommand(sukarela)).code).toBe('account-exists');
    });
    it('opens a time deposit with its placement, rate and maturity', () => {
      const events = when(
        [],
        openCommand(berjangka, {
          initialDeposit: { amount: 2_000_000n, via: 'bank' },
          maturityInstruction: { kind: 'roll_over' },
        }),
      );
      expect(events[0]!.data).toMatchObject({
        timeDeposit: { rateBasisPoints: 730, maturesOn: '2026-06-10' },
      });
      expect(
        refusal(
          [],
          openCommand(berjangka, {
            initialDeposit: { amount: 999_999n, via: 'bank' },
            maturityInstruction: { kind: 'roll_over' },
          }),
        ).code,
      ).toBe('placement-below-minimum');
      expect(
        refusal([], openCommand(berjangka, { initialDeposit: { amount: 2_000_000n, via: 'bank' } }))
          .code,
      ).toBe('maturity-instruction-required');
      expect(
        refusal(
          [],
          openCommand(berjangka, {
            initialDeposit: { amount: 2_000_000n, via: 'bank' },
            maturityInstruction: { kind: 'move_to_account', accountId: 'acc-1' },
          }),
        ).code,
      ).toBe('maturity-to-itself');
    });
  });

  describe('Deposit', () => {
    it('credits the account', () => {
      expect(balanceOf(then(opened(), deposit(1_000n)))).toBe(501_000n);
    });
    it('credits an SHU share to a member who has left since, but not when the coop exited', () => {
      const left = { memberActive: false, coopStatus: 'active' as const };
      const share = (membership: typeof left | { memberActive: boolean; coopStatus: 'exited' }) =>
        deposit(250_000n, sukarela, { via: 'shu_payable', membership });
      expect(balanceOf(then(opened(), share(left)))).toBe(750_000n);
      expect(refusal(opened(), share({ memberActive: false, coopStatus: 'exited' })).code).toBe(
        'coop-exited',
      );
    });
    it.each<[string, AccountEvent[], AccountCommand, string]>([
      ['an account never opened', [], deposit(1n), 'account-not-found'],
      [
        'a member who left',
        opened(),
        deposit(1n, sukarela, { membership: { memberActive: false, coopStatus: 'active' } }),
        'member-not-active',
      ],
      [
        'a coop that exited',
        opened(),
        deposit(1n, sukarela, { membership: { memberActive: true, coopStatus: 'exited' } }),
        'coop-exited',
      ],
      [
        'pokok beyond its share',
        opened(pokok, 60_000n),
        deposit(40_001n, pokok),
        'pokok-exceeds-share',
      ],
      [
        'a top-up of a time deposit',
        when(
          [],
          openCommand(berjangka, {
            initialDeposit: { amount: 2_000_000n, via: 'bank' },
            maturityInstruction: { kind: 'roll_over' },
          }),
        ),
        deposit(1n, berjangka),
        'time-deposit-no-top-up',
      ],
      [
        'a balance past 18 digits',
        then(opened(sukarela, 10_000n), deposit(MAX - 10_000n)),
        deposit(1n),
        'balance-limit-exceeded',
      ],
      [
        'a transfer in past 18 digits',
        opened(sukarela, 10_000n),
        {
          type: 'TransferIn',
          ...ctx(sukarela),
          transferId: 't-1',
          fromAccountId: 'acc-9',
          fromProduct: { code: 'WAJIB', kind: 'wajib', classification: 'equity' },
          amount: MAX - 9_999n,
        },
        'balance-limit-exceeded',
      ],
    ])('refuses %s', (_name, events, command, code) => {
      expect(refusal(events, command).code).toBe(code);
    });
    it('takes a balance up to the largest amount (18 digits)', () => {
      expect(balanceOf(then(opened(sukarela, 10_000n), deposit(MAX - 10_000n)))).toBe(MAX);
    });
    it('refuses holds that would reserve past 18 digits, lapsed ones included', () => {
      const full = then(opened(sukarela, 10_000n), deposit(MAX - 10_000n));
      const lapsed = then(full, hold(MAX - 10_000n, { expiresAt: '2026-03-10T04:00:00.000Z' }));
      const later = { now: '2026-03-10T05:00:00.000Z', holdId: 'h-2' };
      expect(refusal(lapsed, hold(20_000n, later)).code).toBe('reserved-limit-exceeded');
    });
    it('counts wajib deposits as paid', () => {
      const state = given(then(opened(wajib, 0n), deposit(50_000n, wajib)));
      expect(state.status !== 'none' && state.wajib?.paidToDate).toBe(50_000n);
    });
  });

  describe('Withdraw', () => {
    it('debits at or under the threshold', () => {
      expect(balanceOf(then(opened(), withdraw(490_000n)))).toBe(10_000n);
    });
    it('reserves above the threshold and waits for approval by another person', () => {
      const history = then(opened(sukarela, 3_000_000n), withdraw(2_000_000n));
      expect(history.at(-1)).toMatchObject({
        type: 'WithdrawalRequested',
        data: { amount: '2000000', requestedBy: 'maker' },
      });
      expect(refusal(history, withdraw(1_000_000n, sukarela, { withdrawalId: 'w-2' })).code).toBe(
        'insufficient-funds',
      );
      expect(
        refusal(history, {
          type: 'ApproveWithdrawal',
          ...ctx(sukarela),
          withdrawalId: 'w-1',
          approvedBy: 'maker',
        }).code,
      ).toBe('four-eyes');
      const approved = then(history, {
        type: 'ApproveWithdrawal',
        ...ctx(sukarela),
        withdrawalId: 'w-1',
        approvedBy: 'checker',
      });
      expect(approved.slice(-2).map((e) => e.type)).toEqual(['WithdrawalApproved', 'Withdrawn']);
      expect(balanceOf(approved)).toBe(1_000_000n);
      const rejected = then(history, {
        type: 'RejectWithdrawal',
        on: '2026-03-10',
        withdrawalId: 'w-1',
        rejectedBy: 'checker',
        reason: 'no',
      });
      const state = given(rejected);
      expect(state.status !== 'none' && state.withdrawals).toEqual({});
      expect(
        refusal(rejected, {
          type: 'RejectWithdrawal',
          on: '2026-03-10',
          withdrawalId: 'w-1',
          rejectedBy: 'x',
          reason: 'no',
        }).code,
      ).toBe('withdrawal-not-found');
      expect(refusal(history, withdraw(1n)).code).toBe('withdrawal-exists');
      expect(
        refusal(history, {
          type: 'ApproveWithdrawal',
          ...ctx(sukarela),
          withdrawalId: 'nope',
          approvedBy: 'checker',
        }).code,
      ).toBe('withdrawal-not-found');
    });
    it.each<[string, AccountEvent[], AccountCommand, string]>([
      ['below the minimum balance', opened(), withdraw(490_001n), 'insufficient-funds'],
      [
        'pokok while a member',
        opened(pokok, 100_000n),
        withdraw(1n, pokok),
        'not-withdrawable-while-member',
      ],
      [
        'wajib while a member',
        opened(wajib, 50_000n),
        withdraw(1n, wajib),
        'not-withdrawable-while-member',
      ],
      [
        'a time deposit before maturity',
        when(
          [],
          openCommand(berjangka, {
            initialDeposit: { amount: 2_000_000n, via: 'bank' },
            maturityInstruction: { kind: 'roll_over' },
          }),
        ),
        withdraw(1n, berjangka),
        'time-deposit-locked',
      ],
    ])('refuses %s', (_name, events, command, code) => {
      expect(refusal(events, command).code).toBe(code);
    });
    it('pays out pokok once the membership has ended', () => {
      const left = { membership: { memberActive: false, coopStatus: 'active' as const } };
      expect(balanceOf(then(opened(pokok, 100_000n), withdraw(100_000n, pokok, left)))).toBe(0n);
    });
  });
});
