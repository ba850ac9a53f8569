import type { AccountCommand } from './account-commands';
import type { AccountEvent } from './account-events';
import {
  balanceOf,
  ctx,
  deposit,
  given,
  hold,
  member,
  opened,
  openCommand,
  PRODUCTS,
  refusal,
  then,
  when,
  withdraw,
} from './account-fixtures';

const { sukarela, pokok, berjangka } = PRODUCTS;

describe('account decider: holds, transfers, closing', () => {
  describe('holds', () => {
    const held = then(opened(), hold(200_000n));
    it('places a hold that lowers the available balance, not the balance', () => {
      expect(held.at(-1)).toMatchObject({
        type: 'HoldPlaced',
        data: { holdId: 'h-1', amount: '200000' },
      });
      expect(refusal(held, withdraw(290_001n)).code).toBe('insufficient-funds');
      expect(balanceOf(held)).toBe(500_000n);
    });
    it('is idempotent for the same hold and refuses the id with other terms', () => {
      expect(when(held, hold(200_000n))).toEqual([]);
      expect(refusal(held, hold(1n)).code).toBe('hold-exists');
    });
    it.each<[string, AccountEvent[], AccountCommand, string]>([
      ['more than is available', opened(), hold(490_001n), 'insufficient-funds'],
      [
        'an expiry in the past',
        opened(),
        hold(1n, { expiresAt: '2026-03-10T02:00:00.000Z' }),
        'hold-expiry-past',
      ],
      [
        'a product that cannot be held',
        opened(pokok, 100_000n),
        { ...hold(1n), ...ctx(pokok) },
        'product-not-holdable',
      ],
    ])('refuses %s', (_name, events, command, code) => {
      expect(refusal(events, command).code).toBe(code);
    });
    it('captures part, releasing the rest, and never more than held', () => {
      const capture = (
        amount: bigint | null,
        now = '2026-03-10T03:00:00.000Z',
      ): AccountCommand => ({
        type: 'CaptureHold',
        ...ctx(sukarela, { now }),
        holdId: 'h-1',
        amount,
        via: 'settlement_in_transit',
        reference: null,
      });
      const captured = then(held, capture(150_000n));
      expect(captured.at(-1)).toMatchObject({
        type: 'HoldCaptured',
        data: { amount: '150000', released: '50000' },
      });
      expect(balanceOf(captured)).toBe(350_000n);
      expect(refusal(held, capture(200_001n)).code).toBe('capture-exceeds-hold');
      expect(refusal(held, capture(null, '2026-04-01T00:00:00.000Z')).code).toBe('hold-expired');
      expect(when(captured, capture(150_000n))).toEqual([]);
      expect(refusal(captured, capture(null)).code).toBe('hold-captured');
    });
    describe('capture', () => {
      const capture = (overrides: Partial<Extract<AccountCommand, { type: 'CaptureHold' }>> = {}) =>
        ({
          type: 'CaptureHold',
          ...ctx(sukarela),
          holdId: 'h-1',
          amount: null,
          via: 'cash',
          reference: null,
          approvalThreshold: 1_000_000n,
          ...overrides,
        }) satisfies AccountCommand;
      const big = then(opened(sukarela, 3_000_000n), hold(2_000_000n));
      it('pays out of the coop up to the approval threshold, as a withdrawal would', () => {
        expect(balanceOf(then(held, capture()))).toBe(300_000n);
      });
      it('refuses a capture paid out of the coop above the threshold (maker-checker)', () => {
        const error = refusal(big, capture());
        expect([error.code, error.kind]).toEqual(['capture-needs-approval', 'rejected']);
        expect(refusal(big, capture({ amount: 1_000_001n })).code).toBe('capture-needs-approval');
        expect(refusal(held, capture({ approvalThreshold: undefined })).code).toBe(
          'capture-needs-approval',
        );
      });
      it('captures any amount into settlement in transit, where the payment was approved', () => {
        const settled = then(big, capture({ via: 'settlement_in_transit' }));
        expect(balanceOf(settled)).toBe(1_000_000n);
      });
      it('refuses to capture a time deposit before it matures (close it to break it)', () => {
        const placed = then(
          when(
            [],
            openCommand(berjangka, {
              initialDeposit: { amount: 2_000_000n, via: 'bank' },
              maturityInstruction: { kind: 'roll_over' },
            }),
          ),
          { ...hold(2_000_000n), ...ctx(berjangka) },
        );
        const locked = { ...capture(), ...ctx(berjangka) };
        expect(refusal(placed, locked).code).toBe('time-deposit-locked');
        expect(refusal(placed, { ...locked, via: 'settlement_in_transit' }).code).toBe(
          'time-deposit-locked',
        );
      });
    });
    it('uses a hold id once: after capture or release, only the same terms replay', () => {
      const capture: AccountCommand = {
        type: 'CaptureHold',
        ...ctx(sukarela),
        holdId: 'h-1',
        amount: null,
        via: 'settlement_in_transit',
        reference: null,
        approvalThreshold: 1_000_000n,
      };
      const release: AccountCommand = { type: 'ReleaseHold', on: '2026-03-10', holdId: 'h-1' };
      for (const [finished, ended] of [
        [then(held, capture), 'hold-captured'],
        [then(held, release), 'hold-released'],
      ] as const) {
        expect(when(finished, hold(200_000n))).toEqual([]);
        expect(when(finished, hold(200_000n, { now: '2026-05-01T00:00:00.000Z' }))).toEqual([]);
        const reused = refusal(finished, hold(100_000n));
        expect([reused.code, reused.kind]).toEqual(['hold-id-used', 'conflict']);
        expect(refusal(finished, hold(200_000n, { reason: 'other' })).code).toBe('hold-id-used');
        expect(refusal(finished, { ...capture, amount: 1n }).code).toBe(ended);
      }
      expect(when(then(held, capture), capture)).toEqual([]);
      expect(refusal(then(held, release), capture).code).toBe('hold-released');
    });
    it('refuses to capture a hold close of business released at its expiry, as expired', () => {
      const lapsed = then(held, {
        type: 'CloseBusinessDay',
        date: '2026-04-01',
        product: sukarela,
        memberLeftOn: null,
      });
      expect(lapsed.find((e) => e.type === 'HoldReleased')).toMatchObject({
        data: { holdId: 'h-1', reason: 'expired' },
      });
      const capture: AccountCommand = {
        type: 'CaptureHold',
        ...ctx(sukarela, { now: '2026-04-02T03:00:00.000Z' }),
        holdId: 'h-1',
        amount: null,
        via: 'settlement_in_transit',
        reference: null,
      };
      const error = refusal(lapsed, capture);
      expect([error.code, error.kind]).toEqual(['hold-expired', 'conflict']);
      expect(when(lapsed, { type: 'ReleaseHold', on: '2026-04-02', holdId: 'h-1' })).toEqual([]);
    });
    it('answers a retried capture or release as it ended after the account closed', () => {
      const captureCmd: AccountCommand = {
        type: 'CaptureHold',
        ...ctx(sukarela),
        holdId: 'h-1',
        amount: 50_000n,
        via: 'settlement_in_transit',
        reference: null,
      };
      const closeCmd: AccountCommand = {
        type: 'CloseAccount',
        ...ctx(sukarela),
        withdrawalId: 'c-1',
        via: 'cash',
        requestedBy: 'maker',
        approvalThreshold: 1_000_000n,
      };
      const release: AccountCommand = { type: 'ReleaseHold', on: '2026-03-10', holdId: 'h-2' };
      const closed = then(
        then(then(then(held, captureCmd), hold(10_000n, { holdId: 'h-2' })), release),
        closeCmd,
      );
      expect(closed.at(-1)?.type).toBe('AccountClosed');
      expect(when(closed, captureCmd)).toEqual([]);
      expect(when(closed, release)).toEqual([]);
      expect(refusal(closed, { ...captureCmd, amount: 1n }).code).toBe('hold-captured');
      expect(refusal(closed, hold(1n, { holdId: 'h-3' })).code).toBe('account-closed');
    });
    it('releases a hold once; a retried release changes nothing, a captured hold stays captured', () => {
      const release: AccountCommand = { type: 'ReleaseHold', on: '2026-03-10', holdId: 'h-1' };
      const released = then(held, release);
      expect(released.at(-1)).toMatchObject({
        type: 'HoldReleased',
        data: { reason: 'released', amount: '200000' },
      });
      expect(when(released, release)).toEqual([]);
      const captured = then(held, {
        type: 'CaptureHold',
        ...ctx(sukarela),
        holdId: 'h-1',
        amount: 50_000n,
        via: 'settlement_in_transit',
        reference: null,
      });
      const error = refusal(captured, release);
      expect([error.code, error.kind, error.details]).toEqual([
        'hold-captured',
        'conflict',
        { captured: '50000' },
      ]);
      expect(refusal(opened(), release).code).toBe('hold-not-found');
    });
  });

  describe('ReduceHold', () => {
    const held = then(opened(), hold(200_000n));
    const reduce = (amount: bigint): AccountCommand => ({
      type: 'ReduceHold',
      holdId: 'h-1',
      amount,
      on: '2026-03-10',
    });
    it('shrinks a hold: the difference is available again, the balance unchanged', () => {
      const reduced = then(held, reduce(150_000n));
      expect(reduced.at(-1)).toEqual({
        type: 'HoldReduced',
        data: { holdId: 'h-1', amount: '150000', released: '50000', on: '2026-03-10' },
      });
      expect(balanceOf(reduced)).toBe(500_000n);
      // 500,000 less the 150,000 still held and the 10,000 minimum balance.
      expect(refusal(reduced, withdraw(340_001n)).code).toBe('insufficient-funds');
      expect(when(reduced, withdraw(340_000n))).toMatchObject([{ type: 'Withdrawn' }]);
    });
    it('changes nothing when the hold already has that amount', () => {
      expect(when(then(held, reduce(150_000n)), reduce(150_000n))).toEqual([]);
    });
    it('releases the hold when it shrinks to nothing', () => {
      expect(when(held, reduce(0n))).toEqual([
        {
          type: 'HoldReleased',
          data: { holdId: 'h-1', amount: '200000', on: '2026-03-10', reason: 'released' },
        },
      ]);
    });
    it('refuses to grow a hold or to touch one that is not there', () => {
      expect(refusal(held, reduce(200_001n)).code).toBe('hold-cannot-grow');
      expect(refusal(opened(), reduce(1n)).code).toBe('hold-not-found');
    });
  });

  describe('transfers', () => {
    const out: AccountCommand = {
      type: 'TransferOut',
      ...ctx(sukarela),
      transferId: 't-1',
      toAccountId: 'acc-2',
      toProductCode: 'WAJIB',
      amount: 100_000n,
    };
    it('debits the source, then settles or reverses it once', () => {
      const sent = then(opened(), out);
      expect(balanceOf(sent)).toBe(400_000n);
      expect(refusal(sent, out).code).toBe('transfer-exists');
      const reversed = then(sent, {
        type: 'ReverseTransfer',
        transferId: 't-1',
        on: '2026-03-10',
        reason: 'refused',
      });
      expect(balanceOf(reversed)).toBe(500_000n);
      expect(
        when(reversed, {
          type: 'ReverseTransfer',
          transferId: 't-1',
          on: '2026-03-10',
          reason: 'again',
        }),
      ).toEqual([]);
      const settled = then(sent, { type: 'SettleTransfer', transferId: 't-1', on: '2026-03-10' });
      expect(
        when(settled, {
          type: 'ReverseTransfer',
          transferId: 't-1',
          on: '2026-03-10',
          reason: 'late',
        }),
      ).toEqual([]);
    });
    it('credits the target under its own product’s rules', () => {
      const into: AccountCommand = {
        type: 'TransferIn',
        ...ctx(pokok),
        transferId: 't-1',
        fromAccountId: 'acc-9',
        fromProduct: { code: 'SUKARELA', kind: 'sukarela', classification: 'liability' },
        amount: 100_001n,
      };
      expect(refusal(opened(pokok, 0n), into).code).toBe('pokok-exceeds-share');
      expect(balanceOf(then(opened(pokok, 0n), { ...into, amount: 100_000n }))).toBe(100_000n);
    });
  });

  describe('CloseAccount', () => {
    const close = (product = sukarela, overrides = {}): AccountCommand => ({
      type: 'CloseAccount',
      ...ctx(product, { on: '2026-03-20', now: '2026-03-20T03:00:00.000Z' }),
      withdrawalId: 'c-1',
      via: 'cash',
      requestedBy: 'maker',
      approvalThreshold: 1_000_000n,
      ...overrides,
    });
    it('posts interest to yesterday and pays everything out', () => {
      const events = when(opened(), close());
      // Rp500,000 at 3.65% for 10–19 March: 10 days × Rp50.
      expect(events.map((e) => e.type)).toEqual(['InterestPosted', 'Withdrawn', 'AccountClosed']);
      expect(events[0]!.data).toMatchObject({
        amount: '500',
        periodStart: '2026-03-10',
        periodEnd: '2026-03-19',
      });
      expect(events[1]!.data).toMatchObject({ amount: '500500', reason: 'closed' });
    });
    it('breaks a time deposit early with its penalty and without its interest', () => {
      const placed = when(
        [],
        openCommand(berjangka, {
          initialDeposit: { amount: 2_000_000n, via: 'bank' },
          maturityInstruction: { kind: 'roll_over' },
        }),
      );
      const events = when(placed, close(berjangka, { approvalThreshold: null }));
      expect(events.map((e) => [e.type, 'amount' in e.data ? e.data.amount : null])).toEqual([
        ['PenaltyCharged', '20000'],
        ['Withdrawn', '1980000'],
        ['AccountClosed', null],
      ]);
    });
    it('charges the penalty of the terms the deposit was placed under, not of later terms', () => {
      const placed = when(
        [],
        openCommand(berjangka, {
          initialDeposit: { amount: 2_000_000n, via: 'bank' },
          maturityInstruction: { kind: 'roll_over' },
        }),
      );
      const first = berjangka.versions[0]!;
      const revised = {
        ...berjangka,
        versions: [
          first,
          { ...first, effectiveFrom: '2026-03-15', earlyWithdrawalPenaltyBasisPoints: 500 },
        ],
      };
      const events = when(placed, close(revised, { approvalThreshold: null }));
      expect(events[0]).toMatchObject({
        type: 'PenaltyCharged',
        data: { amount: '20000', basisPoints: 100 },
      });
    });
    it('waits for approval when the payout passes the threshold by its interest', () => {
      // Rp1,000,000, exactly the threshold, earned Rp1,000 from 10 to 19 March: Rp1,001,000 goes.
      const events = when(opened(sukarela, 1_000_000n), close());
      expect(events.map((e) => e.type)).toEqual(['WithdrawalRequested']);
      expect(when(opened(sukarela, 999_000n), close()).map((e) => e.type)).toEqual([
        'InterestPosted',
        'Withdrawn',
        'AccountClosed',
      ]);
    });
    it('waits for approval above the threshold, then closes', () => {
      const history = then(opened(sukarela, 2_000_000n), close());
      expect(history.at(-1)).toMatchObject({
        type: 'WithdrawalRequested',
        data: { closeAccount: true },
      });
      const approved = then(history, {
        type: 'ApproveWithdrawal',
        ...ctx(sukarela, { on: '2026-03-20' }),
        withdrawalId: 'c-1',
        approvedBy: 'checker',
      });
      expect(given(approved).status).toBe('closed');
      expect(balanceOf(approved)).toBe(0n);
    });
    it.each<[string, AccountEvent[], AccountCommand, string]>([
      ['pokok while a member', opened(pokok, 1n), close(pokok), 'not-withdrawable-while-member'],
      ['with an active hold', then(opened(), hold(1n)), close(), 'account-has-holds'],
      ['twice', then(opened(), close()), close(), 'account-closed'],
      [
        'while a withdrawal waits for approval',
        then(opened(sukarela, 3_000_000n), withdraw(2_000_000n, sukarela, { withdrawalId: 'w-9' })),
        close(),
        'withdrawal-pending',
      ],
      [
        'while a transfer out is under way',
        then(opened(), {
          type: 'TransferOut',
          ...ctx(sukarela),
          transferId: 't-9',
          toAccountId: 'acc-2',
          toProductCode: 'WAJIB',
          amount: 1_000n,
        }),
        close(),
        'transfer-pending',
      ],
    ])('refuses to close %s', (_name, events, command, code) => {
      expect(refusal(events, command).code).toBe(code);
    });
    it('posts every unposted period first when close of business missed a month end', () => {
      // Rp500,000 at 3.65% earns Rp50 a day (more as interest is added); no close of business
      // ran since 10 March, so March and April are posted as their own periods.
      const events = when(opened(), close(sukarela, { on: '2026-05-15', approvalThreshold: null }));
      const posted = events.filter((e) => e.type === 'InterestPosted');
      expect(posted.map((e) => [e.data.periodStart, e.data.periodEnd, e.data.amount])).toEqual([
        ['2026-03-10', '2026-03-31', '1100'],
        ['2026-04-01', '2026-04-30', '1503'],
        ['2026-05-01', '2026-05-14', '704'],
      ]);
      expect(events.at(-2)).toMatchObject({ type: 'Withdrawn', data: { amount: '503307' } });
    });
    describe('approving a close that waited', () => {
      const waiting = then(opened(sukarela, 2_000_000n), close());
      const approve: AccountCommand = {
        type: 'ApproveWithdrawal',
        ...ctx(sukarela, { on: '2026-03-21', now: '2026-03-21T03:00:00.000Z' }),
        withdrawalId: 'c-1',
        approvedBy: 'checker',
      };
      const moreIn = then(waiting, deposit(300_000n));
      it.each<[string, AccountEvent[], string]>([
        ['a hold placed while it waited', then(moreIn, hold(290_000n)), 'account-has-holds'],
        [
          'a transfer out made while it waited',
          then(moreIn, {
            type: 'TransferOut',
            ...ctx(sukarela),
            transferId: 't-9',
            toAccountId: 'acc-2',
            toProductCode: 'WAJIB',
            amount: 1_000n,
          }),
          'transfer-pending',
        ],
        [
          'another withdrawal waiting for approval',
          then(
            moreIn,
            withdraw(200_000n, sukarela, { withdrawalId: 'w-9', approvalThreshold: 1n }),
          ),
          'withdrawal-pending',
        ],
      ])('refuses while there is %s, changing nothing', (_name, events, code) => {
        const error = refusal(events, approve);
        expect([error.code, error.kind]).toEqual([code, 'conflict']);
        expect(given(events)).toMatchObject({ status: 'open', withdrawals: { 'c-1': {} } });
      });
      it('releases a hold that expired while it waited, then closes', () => {
        const lapsed = then(moreIn, hold(290_000n, { expiresAt: '2026-03-20T00:00:00.000Z' }));
        const events = when(lapsed, approve);
        expect(events.map((e) => e.type)).toEqual([
          'WithdrawalApproved',
          'HoldReleased',
          'InterestPosted',
          'Withdrawn',
          'AccountClosed',
        ]);
        expect(given([...lapsed, ...events])).toMatchObject({ status: 'closed', holds: {} });
      });
    });
    it('closes pokok once the member has left', () => {
      const events = when(
        opened(pokok, 100_000n),
        close(pokok, { membership: { ...member, memberActive: false } }),
      );
      expect(events.map((e) => e.type)).toEqual(['Withdrawn', 'AccountClosed']);
    });
  });
});
