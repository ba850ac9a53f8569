import type { AccountCommand } from './account-commands';
import type { AccountEvent } from './account-events';
import { ctx, given, openCommand, PRODUCTS, then, when } from './account-fixtures';
import { maturityTransferId, nextDueOn } from './rules/close-of-day';
import type { Product } from '../products/product';

const { sukarela, wajib, berjangka } = PRODUCTS;
const close = (
  date: string,
  product: Product = sukarela,
  memberLeftOn: string | null = null,
): AccountCommand => ({
  type: 'CloseBusinessDay',
  date,
  product,
  memberLeftOn,
});
const types = (events: readonly AccountEvent[]) => events.map((e) => e.type);
const data = (events: readonly AccountEvent[], type: AccountEvent['type']) =>
  events.find((e) => e.type === type)?.data as Record<string, unknown> | undefined;

describe('close of business for one account', () => {
  // Rp1,000,000 at 3.65% is Rp100 a day.
  const opened = when(
    [],
    openCommand(sukarela, {
      on: '2026-03-01',
      today: '2026-03-01',
      initialDeposit: { amount: 1_000_000n, via: 'cash' },
    }),
  );

  it('does nothing before the period ends, and posts the month at its end', () => {
    expect(when(opened, close('2026-03-30'))).toEqual([]);
    const posted = when(opened, close('2026-03-31'));
    expect(types(posted)).toEqual(['InterestPosted']);
    expect(data(posted, 'InterestPosted')).toMatchObject({
      periodStart: '2026-03-01',
      periodEnd: '2026-03-31',
      amount: '3100',
      days: 31,
      on: '2026-03-31',
    });
  });

  it('judges each day against the minimum for interest in force that day (terms revised mid-month)', () => {
    const revised = (minimumBalanceForInterest: bigint): Product => ({
      ...sukarela,
      versions: [
        sukarela.versions[0]!,
        { ...sukarela.versions[0]!, effectiveFrom: '2026-03-15', minimumBalanceForInterest },
      ],
    });
    // From 15 March Rp1,000,000 no longer earns: 1–14 March did, at Rp100 a day.
    const raised = when(opened, close('2026-03-31', revised(2_000_000n)));
    expect(data(raised, 'InterestPosted')).toMatchObject({ amount: '1400', days: 31 });
    // A minimum lowered from 15 March pays from the 15th, not for the days before it.
    const high = {
      ...sukarela,
      versions: [{ ...sukarela.versions[0]!, minimumBalanceForInterest: 2_000_000n }],
    };
    const lowered: Product = {
      ...high,
      versions: [
        high.versions[0]!,
        { ...high.versions[0]!, effectiveFrom: '2026-03-15', minimumBalanceForInterest: 0n },
      ],
    };
    expect(data(when(opened, close('2026-03-31', lowered)), 'InterestPosted')).toMatchObject({
      amount: '1700',
    });
  });

  it('changes nothing when run again for the same date (idempotent by state)', () => {
    const history = then(opened, close('2026-03-31'));
    expect(when(history, close('2026-03-31'))).toEqual([]);
  });

  it('catches up every missed month end, oldest first, interest earning interest from the next day', () => {
    const events = when(opened, close('2026-05-02'));
    expect(
      events.map((e) => (e.type === 'InterestPosted' ? [e.data.periodEnd, e.data.amount] : e.type)),
    ).toEqual([
      ['2026-03-31', '3100'],
      // April: Rp1,003,100 × 30 days at Rp0.0001 per rupiah-day = 3009.3 → 3009, 0.3 carried.
      ['2026-04-30', '3009'],
    ]);
    expect(data(events, 'InterestPosted')!.carriedOutMicro).toBe('0');
    expect((events[1]!.data as { carriedOutMicro: string }).carriedOutMicro).toBe('300000');
  });

  it('withholds 10% when the month’s interest passes Rp240,000 for a person, none for a coop', () => {
    const rich = when(
      [],
      openCommand(sukarela, {
        on: '2026-03-01',
        today: '2026-03-01',
        initialDeposit: { amount: 80_000_000n, via: 'bank' },
      }),
    );
    const person = when(rich, close('2026-03-31'));
    expect(types(person)).toEqual(['InterestPosted', 'InterestTaxWithheld']);
    expect(data(person, 'InterestPosted')!.amount).toBe('248000');
    expect(data(person, 'InterestTaxWithheld')).toMatchObject({
      amount: '24800',
      source: 'PP 15/2009',
    });
    const coop = when(
      [],
      openCommand(sukarela, {
        on: '2026-03-01',
        today: '2026-03-01',
        coopKind: 'secondary',
        memberKind: 'coop',
        memberCoopId: 'ksp-a',
        initialDeposit: { amount: 80_000_000n, via: 'bank' },
      }),
    );
    expect(types(when(coop, close('2026-03-31')))).toEqual(['InterestPosted']);
  });

  it('releases holds that expired by the end of the day', () => {
    const held = then(opened, {
      type: 'PlaceHold',
      ...ctx(sukarela, { on: '2026-03-05', now: '2026-03-05T01:00:00.000Z' }),
      holdId: 'h-1',
      amount: 5_000n,
      reason: 'payment',
      expiresAt: '2026-03-06T10:00:00.000Z',
      placedBy: 'settlement',
    });
    expect(when(held, close('2026-03-05'))).toEqual([]);
    expect(when(held, close('2026-03-06'))).toEqual([
      {
        type: 'HoldReleased',
        data: { holdId: 'h-1', amount: '5000', on: '2026-03-06', reason: 'expired' },
      },
    ]);
  });

  describe('yearly posting', () => {
    const yearly: Product = {
      ...sukarela,
      interest: { basis: 'daily_balance', posting: 'yearly' },
    };
    const openYearly = (amount: bigint) =>
      when(
        [],
        openCommand(yearly, {
          on: '2026-01-01',
          today: '2026-01-01',
          initialDeposit: { amount, via: 'bank' },
        }),
      );

    it('posts once, at the year’s end, judging the tax threshold month by month (PP 15/2009)', () => {
      // Rp100,000,000 at 3.65% earns Rp10,000 a day: every month passes Rp240,000.
      const rich = openYearly(100_000_000n);
      expect(when(rich, close('2026-06-30', yearly))).toEqual([]);
      const posted = when(rich, close('2026-12-31', yearly));
      expect(data(posted, 'InterestPosted')).toMatchObject({
        amount: '3650000',
        periodStart: '2026-01-01',
        days: 365,
      });
      expect(data(posted, 'InterestTaxWithheld')).toMatchObject({ amount: '365000' });
      // Rp70,000,000 earns Rp2,555,000 in the year, but no month passes Rp240,000: no tax.
      expect(types(when(openYearly(70_000_000n), close('2026-12-31', yearly)))).toEqual([
        'InterestPosted',
      ]);
    });
  });

  describe('time deposits at maturity', () => {
    const placed = (
      instruction: Extract<AccountCommand, { type: 'OpenAccount' }>['maturityInstruction'],
    ) =>
      when(
        [],
        openCommand(berjangka, {
          on: '2026-01-15',
          today: '2026-01-15',
          initialDeposit: { amount: 10_000_000n, via: 'bank' },
          maturityInstruction: instruction,
        }),
      );

    it.each<[string, Extract<AccountCommand, { type: 'OpenAccount' }>['maturityInstruction']]>([
      ['paid out', { kind: 'pay_out', via: 'bank' }],
      ['moved to another account', { kind: 'move_to_account', accountId: 'sk-1' }],
      ['rolled over', { kind: 'roll_over' }],
    ])(
      'leaves a deposit to be %s where it is while its early close waits for approval',
      (_name, instruction) => {
        const closing: AccountCommand = {
          type: 'CloseAccount',
          ...ctx(berjangka, { on: '2026-04-10', now: '2026-04-10T03:00:00.000Z' }),
          withdrawalId: 'c-1',
          via: 'cash',
          requestedBy: 'maker',
          approvalThreshold: 1_000_000n,
        };
        const waiting = then(placed(instruction), closing);
        expect(waiting.at(-1)?.type).toBe('WithdrawalRequested');
        const matured = when(waiting, close('2026-04-15', berjangka));
        expect(types(matured)).not.toContain('AccountClosed');
        expect(types(matured)).not.toContain('TransferredOut');
        expect(types(matured)).not.toContain('TimeDepositRolledOver');
        expect(types(matured)).toContain('TimeDepositMatured');
        const after = [...waiting, ...matured];
        expect(given(after)).toMatchObject({ status: 'open', withdrawals: { 'c-1': {} } });
        // Approved after maturity, it pays everything out, without the early-withdrawal penalty.
        const approved = when(after, {
          type: 'ApproveWithdrawal',
          ...ctx(berjangka, { on: '2026-04-16', now: '2026-04-16T03:00:00.000Z' }),
          withdrawalId: 'c-1',
          approvedBy: 'checker',
        });
        expect(types(approved)).not.toContain('PenaltyCharged');
        expect(given([...after, ...approved])).toMatchObject({
          status: 'closed',
          balance: 0n,
          withdrawals: {},
        });
      },
    );

    it('rolls a deposit over at the next close of business once its waiting close is rejected', () => {
      const closing: AccountCommand = {
        type: 'CloseAccount',
        ...ctx(berjangka, { on: '2026-04-10', now: '2026-04-10T03:00:00.000Z' }),
        withdrawalId: 'c-1',
        via: 'cash',
        requestedBy: 'maker',
        approvalThreshold: 1_000_000n,
      };
      const matured = then(
        then(placed({ kind: 'roll_over' }), closing),
        close('2026-04-15', berjangka),
      );
      const rejected = then(matured, {
        type: 'RejectWithdrawal',
        on: '2026-04-16',
        withdrawalId: 'c-1',
        rejectedBy: 'checker',
        reason: 'the member changed her mind',
      });
      const account = given(rejected);
      expect(account.status === 'open' && nextDueOn(account)).toBe('2026-04-15');
      const events = when(rejected, close('2026-04-17', berjangka));
      // The days it waited, matured, earn at the rate it matured with; then it rolls over.
      expect(events.map((e) => e.type)).toEqual(['InterestPosted', 'TimeDepositRolledOver']);
      expect(events[0]?.data).toMatchObject({ periodStart: '2026-04-15', periodEnd: '2026-04-16' });
      expect(events[1]?.data).toMatchObject({
        on: '2026-04-17',
        rateBasisPoints: 730,
        maturesOn: '2026-07-17',
      });
      const after = given([...rejected, ...events]);
      expect(after).toMatchObject({ timeDeposit: { matured: false, placedOn: '2026-04-17' } });
      expect(when([...rejected, ...events], close('2026-04-18', berjangka))).toEqual([]);
    });

    it('pays out with interest to the eve of maturity, and closes', () => {
      const history = then(
        then(placed({ kind: 'pay_out', via: 'bank' }), close('2026-01-31', berjangka)),
        close('2026-02-28', berjangka),
      );
      const events = when(history, close('2026-04-15', berjangka));
      expect(types(events)).toEqual([
        'InterestPosted',
        'InterestPosted',
        'TimeDepositMatured',
        'Withdrawn',
        'AccountClosed',
      ]);
      expect(events.slice(0, 2).map((e) => (e.data as { periodEnd: string }).periodEnd)).toEqual([
        '2026-03-31',
        '2026-04-14',
      ]);
      expect(given([...history, ...events]).status).toBe('closed');
    });

    it('rolls over at the rate then in force, for another term', () => {
      const events = when(placed({ kind: 'roll_over' }), close('2026-04-15', berjangka));
      expect(events.at(-1)).toMatchObject({
        type: 'TimeDepositRolledOver',
        data: { on: '2026-04-15', rateBasisPoints: 730, maturesOn: '2026-07-15' },
      });
    });

    it('rolls over every term that ended, when close of business comes late', () => {
      // Onboarded, or after an outage: three terms ended by 20 October, the rate cut in July.
      const first = berjangka.versions[0]!;
      const cut: Product = {
        ...berjangka,
        versions: [first, { ...first, effectiveFrom: '2026-07-01', rateBasisPoints: 500 }],
      };
      const events = when(placed({ kind: 'roll_over' }), close('2026-10-20', cut));
      expect(
        events.filter((e) => e.type === 'TimeDepositRolledOver').map((e) => e.data),
      ).toMatchObject([
        { on: '2026-04-15', maturesOn: '2026-07-15', rateBasisPoints: 730 },
        { on: '2026-07-15', maturesOn: '2026-10-15', rateBasisPoints: 500 },
        { on: '2026-10-15', maturesOn: '2027-01-15', rateBasisPoints: 500 },
      ]);
      // Interest to the eve of the last maturity, 15 January to 14 October, every day once, each
      // term at its own rate: from 15 July at the rate it rolled over at.
      const posted = events.flatMap((e) => (e.type === 'InterestPosted' ? [e.data] : []));
      expect(posted.reduce((days, d) => days + d.days, 0)).toBe(273);
      expect(
        posted.filter((d) => d.periodStart >= '2026-07-15').map((d) => d.rateBasisPoints),
      ).toEqual([500, 500, 500, 500]);
      const later = when([...placed({ kind: 'roll_over' }), ...events], close('2026-10-20', cut));
      expect(later).toEqual([]);
    });

    it('moves the money to another account of the member', () => {
      const events = when(
        placed({ kind: 'move_to_account', accountId: 'sk-1' }),
        close('2026-04-15', berjangka),
      );
      expect(events.slice(-2)).toMatchObject([
        { type: 'TimeDepositMatured' },
        { type: 'TransferredOut', data: { toAccountId: 'sk-1' } },
      ]);
    });

    it('gives each move its own transfer id, however long the account ids', () => {
      expect(maturityTransferId('bj-1', '2026-04-15')).toBe('m20260415-bj-1');
      const long = (end: string) => `${'b'.repeat(62)}${end}`;
      const ids = ['01', '02', 'x'.repeat(2)].map((end) =>
        maturityTransferId(long(end), '2026-04-15'),
      );
      expect(new Set(ids).size).toBe(3);
      for (const id of ids) expect(id).toMatch(/^m20260415_[0-9a-f]{54}$/);
      // A transfer id holds 64 characters: the longest verbatim one is kept as it is.
      expect(maturityTransferId('c'.repeat(54), '2026-04-15')).toBe(`m20260415-${'c'.repeat(54)}`);
    });
  });

  describe('simpanan wajib', () => {
    const wajibOpened = when([], openCommand(wajib, { on: '2026-03-10', today: '2026-03-10' }));
    const paid = (amount: bigint, on: string): AccountCommand => ({
      type: 'Deposit',
      ...ctx(wajib, { on }),
      amount,
      via: 'cash',
      reference: null,
      externalId: null,
    });

    it('marks each month’s arrears, cumulatively, at the amount in force that month', () => {
      const history = then(wajibOpened, paid(50_000n, '2026-03-12'));
      const events = when(history, close('2026-05-31', wajib));
      expect(
        events.map((e) =>
          e.type === 'WajibMonthClosed' ? [e.data.month, e.data.required, e.data.arrears] : e.type,
        ),
      ).toEqual([
        ['2026-03', '50000', '0'],
        ['2026-04', '50000', '50000'],
        ['2026-05', '60000', '110000'],
      ]);
      expect(when([...history, ...events], close('2026-05-31', wajib))).toEqual([]);
    });

    it('counts as paid by a month’s end only what was paid on or before it, however late it closes', () => {
      // Onboarded: March paid on time, April not; both paid in June, synced before May closed.
      const history = then(
        then(then(wajibOpened, paid(50_000n, '2026-03-12')), paid(100_000n, '2026-06-02')),
        paid(10_000n, '2026-05-31'),
      );
      const late = when(history, close('2026-06-03', wajib));
      const months = late.flatMap((e) =>
        e.type === 'WajibMonthClosed' ? [[e.data.month, e.data.paidToDate, e.data.arrears]] : [],
      );
      expect(months).toEqual([
        ['2026-03', '50000', '0'],
        ['2026-04', '50000', '50000'],
        ['2026-05', '60000', '100000'],
      ]);
      // The same months closed each on time tell the same story.
      const onTime = [
        paid(50_000n, '2026-03-12'),
        close('2026-03-31', wajib),
        close('2026-04-30', wajib),
        paid(10_000n, '2026-05-31'),
        close('2026-05-31', wajib),
        paid(100_000n, '2026-06-02'),
      ].reduce<AccountEvent[]>((events, command) => then(events, command), wajibOpened);
      expect(
        onTime.flatMap((e) =>
          e.type === 'WajibMonthClosed' ? [[e.data.month, e.data.paidToDate, e.data.arrears]] : [],
        ),
      ).toEqual(months);
      const state = given([...history, ...late]);
      expect(state.status !== 'none' && state.wajib).toMatchObject({
        requiredToDate: 160_000n,
        paidToDate: 160_000n,
      });
    });

    it('stops counting once the membership has ended', () => {
      expect(when(wajibOpened, close('2026-05-31', wajib, '2026-03-10'))).toEqual([]);
    });

    const monthsClosed = (events: readonly AccountEvent[]) =>
      events.flatMap((e) =>
        e.type === 'WajibMonthClosed' ? [[e.data.month, e.data.arrears]] : [],
      );

    it('closed late, counts the months that ended while the member was one', () => {
      // Left on 2 April; March closed on 2 June, April and May not owed.
      const late = when(wajibOpened, close('2026-05-31', wajib, '2026-04-02'));
      expect(monthsClosed(late)).toEqual([['2026-03', '50000']]);
      expect(when([...wajibOpened, ...late], close('2026-06-30', wajib, '2026-04-02'))).toEqual([]);
    });

    it('tells a month closed late what its close on time told', () => {
      const leftOn = '2026-05-31';
      const onTime = ['2026-03-31', '2026-04-30'].reduce<AccountEvent[]>(
        (events, date) => then(events, close(date, wajib)),
        wajibOpened,
      );
      // The 31 May close runs after the day ends: a member who left that day no longer owes May.
      const afterLeaving = then(onTime, close('2026-05-31', wajib, leftOn));
      const late = then(wajibOpened, close('2026-06-30', wajib, leftOn));
      expect(monthsClosed(late)).toEqual(monthsClosed(afterLeaving));
      expect(monthsClosed(late).map(([month]) => month)).toEqual(['2026-03', '2026-04']);
    });
  });
});
