import { PureClearing } from '../testing/pure-clearing';
import { idr, P } from '../testing/harness';

describe('the liquidity cover, moved by the coop’s deposits with its parent', () => {
  const now = '2026-11-27T03:00:00.000Z';
  const coopId = 'coop-a';
  const savings = (eventId: string) => ({ kind: 'savings' as const, eventId });
  const coverOf = (clearing: PureClearing) =>
    clearing.state.coops.get(coopId)?.coverMinor.get('IDR');

  it('takes a withdrawal larger than the cover to zero, never below, and records what it moved', () => {
    const clearing = new PureClearing(() => P);
    clearing.limits({ type: 'SetCover', coopId, cover: idr(500_000), now });
    const events = clearing.limits({
      type: 'ChangeCover',
      coopId,
      change: idr(-1_000_000),
      source: savings('w-1'),
      now,
    });
    expect(events).toEqual([
      {
        type: 'LiquidityCoverChanged',
        data: {
          coopId,
          change: idr(-500_000),
          cover: idr(0),
          source: savings('w-1'),
          changedAt: now,
        },
      },
    ]);
    expect(coverOf(clearing)).toBe(0n);
  });

  it('records a withdrawal from a cover already at zero as no change, so its source stays applied', () => {
    const clearing = new PureClearing(() => P);
    const events = clearing.limits({
      type: 'ChangeCover',
      coopId,
      change: idr(-300_000),
      source: savings('w-2'),
      now,
    });
    expect(events).toMatchObject([
      { type: 'LiquidityCoverChanged', data: { change: idr(0), cover: idr(0) } },
    ]);
    clearing.limits({
      type: 'ChangeCover',
      coopId,
      change: idr(200_000),
      source: savings('d-1'),
      now,
    });
    expect(coverOf(clearing)).toBe(200_000n);
  });

  it('adds a deposit in full', () => {
    const clearing = new PureClearing(() => P);
    clearing.limits({ type: 'SetCover', coopId, cover: idr(100_000), now });
    clearing.limits({
      type: 'ChangeCover',
      coopId,
      change: idr(250_000),
      source: savings('d-2'),
      now,
    });
    expect(coverOf(clearing)).toBe(350_000n);
  });
});
