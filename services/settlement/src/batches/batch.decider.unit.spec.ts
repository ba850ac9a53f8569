import type { BatchRef } from '../clearing/model';
import { batchDecider, coverHeldMinor, type BatchLifecycle } from './batch.decider';
import type { BatchCommand, BatchEvent, CoopLiquidity } from './batch-events';

const NOW = '2026-11-28T01:00:00.000Z';
const idr = (amount: number) => ({ amount: String(amount), currency: 'IDR' });
const batch = (model: BatchRef['model']): BatchRef => ({
  batchId: 'b-1',
  parentCoopId: 'p',
  model,
  currency: 'IDR',
  windowStart: '2026-11-26T17:00:00.000Z',
  windowEnd: '2026-11-27T17:00:00.000Z',
});
const close = (model: BatchRef['model'] = 'multilateral_net'): BatchCommand => ({
  type: 'CloseBatch',
  batch: batch(model),
  // a sends 300 to b, b 100 to c, c 50 to a.
  positions: [
    { coopId: 'a', debits: idr(300), credits: idr(50), net: idr(-250) },
    { coopId: 'b', debits: idr(100), credits: idr(300), net: idr(200) },
    { coopId: 'c', debits: idr(50), credits: idr(100), net: idr(50) },
  ],
  bilateral: [
    { fromCoopId: 'a', toCoopId: 'b', amount: idr(300) },
    { fromCoopId: 'b', toCoopId: 'c', amount: idr(100) },
    { fromCoopId: 'c', toCoopId: 'a', amount: idr(50) },
  ],
  transferCount: 3,
  total: idr(450),
  now: NOW,
});

/** Given events, when a command, then events — the decider's own state fold. */
function given(events: BatchEvent[]): BatchLifecycle | null {
  return events.reduce(batchDecider.evolve, batchDecider.initialState());
}
function run(commands: BatchCommand[]): BatchEvent[] {
  const events: BatchEvent[] = [];
  for (const command of commands) events.push(...batchDecider.decide(command, given(events)));
  return events;
}
const liquidity = (entries: [string, CoopLiquidity][]) => new Map(entries);
const rich = liquidity([['a', { coverMinor: 1_000n, autoLiquidityLoan: false }]]);

describe('the settlement batch decider', () => {
  it('records multilateral instructions: each coop pays or receives its net', () => {
    const events = run([close(), { type: 'RecordSettlement', now: NOW }]);
    const recorded = events.find((e) => e.type === 'SettlementRecorded')!;
    expect(
      recorded.type === 'SettlementRecorded' &&
        recorded.data.instructions.map((i) => [i.coopId, i.direction, i.amount.amount]),
    ).toEqual([
      ['a', 'pay', '250'],
      ['b', 'receive', '200'],
      ['c', 'receive', '50'],
    ]);
  });

  it('records bilateral instructions per pair, and gross ones per coop and side', () => {
    const bilateral = run([close('bilateral_net'), { type: 'RecordSettlement', now: NOW }]).at(-1)!;
    expect(
      bilateral.type === 'SettlementRecorded' &&
        bilateral.data.instructions.map(
          (i) => `${i.coopId} ${i.direction} ${i.amount.amount} ${i.counterpartyCoopId}`,
        ),
    ).toEqual([
      'a pay 300 b',
      'b receive 300 a',
      'c pay 50 a',
      'a receive 50 c',
      'b pay 100 c',
      'c receive 100 b',
    ]);
    const gross = run([close('gross'), { type: 'RecordSettlement', now: NOW }]).at(-1)!;
    expect(gross.type === 'SettlementRecorded' && gross.data.instructions).toHaveLength(6);
  });

  it('goes closed → recorded → reserved → committed → settling → settled, payers first', () => {
    const committed = run([
      close(),
      { type: 'RecordSettlement', now: NOW },
      { type: 'ReserveSettlement', liquidity: rich, now: NOW },
      { type: 'CommitSettlement', now: NOW },
    ]);
    expect(given(committed)!.status).toBe('committed');
    const confirm = (coopId: string): BatchCommand => ({
      type: 'ConfirmCoopSettlement',
      coopId,
      bankReference: `ref-${coopId}`,
      settledOn: '2026-11-28',
      now: NOW,
    });
    expect(() => batchDecider.decide(confirm('b'), given(committed))).toThrow(
      expect.objectContaining({ code: 'settle-payers-first' }),
    );
    const paid = [...committed, ...batchDecider.decide(confirm('a'), given(committed))];
    expect(given(paid)!.status).toBe('settling');
    const all = run([
      close(),
      { type: 'RecordSettlement', now: NOW },
      { type: 'ReserveSettlement', liquidity: rich, now: NOW },
      { type: 'CommitSettlement', now: NOW },
      confirm('a'),
      confirm('b'),
      confirm('c'),
    ]);
    expect(all.map((e) => e.type).slice(-2)).toEqual(['CoopSettlementConfirmed', 'BatchSettled']);
    expect(batchDecider.decide(confirm('c'), given(all))).toEqual([]);
    expect(() =>
      batchDecider.decide({ ...confirm('c'), bankReference: 'other' } as BatchCommand, given(all)),
    ).toThrow(expect.objectContaining({ code: 'coop-already-settled' }));
  });

  it('refuses to reserve what the cover lacks, unless the coop takes a liquidity loan, which commit requests', () => {
    const recorded = run([close(), { type: 'RecordSettlement', now: NOW }]);
    const poor = liquidity([['a', { coverMinor: 100n, autoLiquidityLoan: false }]]);
    expect(() =>
      batchDecider.decide(
        { type: 'ReserveSettlement', liquidity: poor, now: NOW },
        given(recorded),
      ),
    ).toThrow(expect.objectContaining({ code: 'liquidity-cover-insufficient', kind: 'rejected' }));
    const borrowing = liquidity([['a', { coverMinor: 100n, autoLiquidityLoan: true }]]);
    const reserved = [
      ...recorded,
      ...batchDecider.decide(
        { type: 'ReserveSettlement', liquidity: borrowing, now: NOW },
        given(recorded),
      ),
    ];
    const committed = batchDecider.decide({ type: 'CommitSettlement', now: NOW }, given(reserved));
    expect(committed).toContainEqual({
      type: 'LiquidityLoanRequested',
      data: {
        batchId: 'b-1',
        coopId: 'a',
        parentCoopId: 'p',
        shortfall: idr(150),
        requestedAt: NOW,
      },
    });
  });

  it('holds what the cover pays of a reservation until the coop settles or the reservation is aborted', () => {
    const borrowing = liquidity([['a', { coverMinor: 100n, autoLiquidityLoan: true }]]);
    const recorded = run([close(), { type: 'RecordSettlement', now: NOW }]);
    expect(coverHeldMinor(given(recorded)!, 'a')).toBe(0n);
    const reserved = [
      ...recorded,
      ...batchDecider.decide(
        { type: 'ReserveSettlement', liquidity: borrowing, now: NOW },
        given(recorded),
      ),
    ];
    // a owes 250: the cover pays 100 of it, a liquidity loan the other 150.
    expect(coverHeldMinor(given(reserved)!, 'a')).toBe(100n);
    expect(coverHeldMinor(given(reserved)!, 'b')).toBe(0n);
    const aborted = batchDecider.decide(
      { type: 'AbortSettlement', reason: 'wrong account', now: NOW },
      given(reserved),
    );
    expect(coverHeldMinor(given([...reserved, ...aborted])!, 'a')).toBe(0n);
    const committed = [
      ...reserved,
      ...batchDecider.decide({ type: 'CommitSettlement', now: NOW }, given(reserved)),
    ];
    expect(coverHeldMinor(given(committed)!, 'a')).toBe(100n);
    const settled = batchDecider.decide(
      {
        type: 'ConfirmCoopSettlement',
        coopId: 'a',
        bankReference: 'ref-a',
        settledOn: '2026-11-28',
        now: NOW,
      },
      given(committed),
    );
    expect(coverHeldMinor(given([...committed, ...settled])!, 'a')).toBe(0n);
  });

  it('aborts back to closed before commit, never after', () => {
    const reserved = run([
      close(),
      { type: 'RecordSettlement', now: NOW },
      { type: 'ReserveSettlement', liquidity: rich, now: NOW },
    ]);
    const aborted = [
      ...reserved,
      ...batchDecider.decide(
        { type: 'AbortSettlement', reason: 'wrong account', now: NOW },
        given(reserved),
      ),
    ];
    expect(given(aborted)).toMatchObject({ status: 'closed', instructions: [], reservations: [] });
    const committed = [
      ...reserved,
      ...batchDecider.decide({ type: 'CommitSettlement', now: NOW }, given(reserved)),
    ];
    expect(() =>
      batchDecider.decide({ type: 'AbortSettlement', reason: 'late', now: NOW }, given(committed)),
    ).toThrow(expect.objectContaining({ code: 'batch-status-invalid' }));
  });

  it('holds a disputed batch, then resumes from where it stood', () => {
    const recorded = run([close(), { type: 'RecordSettlement', now: NOW }]);
    const disputed = [
      ...recorded,
      ...batchDecider.decide(
        { type: 'DisputeBatch', coopId: 'b', reason: 'missing transfer', now: NOW },
        given(recorded),
      ),
    ];
    expect(given(disputed)!.status).toBe('disputed');
    expect(() =>
      batchDecider.decide(
        { type: 'ReserveSettlement', liquidity: rich, now: NOW },
        given(disputed),
      ),
    ).toThrow(expect.objectContaining({ code: 'batch-status-invalid' }));
    expect(() =>
      batchDecider.decide(
        { type: 'DisputeBatch', coopId: 'z', reason: 'x', now: NOW },
        given(recorded),
      ),
    ).toThrow(expect.objectContaining({ code: 'coop-not-in-batch' }));
    const resolved = [
      ...disputed,
      ...batchDecider.decide(
        { type: 'ResolveDispute', resolution: 'found', now: NOW },
        given(disputed),
      ),
    ];
    expect(given(resolved)).toMatchObject({ status: 'settlement_recorded', dispute: null });
  });

  it('closes once, and settles an empty batch at commit', () => {
    const closed = run([close()]);
    expect(() => batchDecider.decide(close(), given(closed))).toThrow(
      expect.objectContaining({ code: 'batch-already-closed' }),
    );
    const empty = run([
      { ...close(), positions: [], bilateral: [], transferCount: 0, total: idr(0) } as BatchCommand,
      { type: 'RecordSettlement', now: NOW },
      { type: 'ReserveSettlement', liquidity: new Map(), now: NOW },
      { type: 'CommitSettlement', now: NOW },
    ]);
    expect(given(empty)!.status).toBe('settled');
  });
});
