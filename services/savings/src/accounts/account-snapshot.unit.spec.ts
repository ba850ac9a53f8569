import { ctx, given, hold, opened, openCommand, PRODUCTS, then, when } from './account-fixtures';
import { decodeAccount, encodeAccount } from './account-snapshot';
import type { OpenedAccount } from './account-state';

const stateOf = (events: Parameters<typeof given>[0]): OpenedAccount => {
  const state = given(events);
  if (state.status === 'none') throw new Error('not opened');
  return state;
};

describe('account snapshot', () => {
  const released = then(then(opened(), hold(200_000n)), {
    type: 'ReleaseHold',
    on: '2026-03-10',
    holdId: 'h-1',
  });

  it('round-trips the state, the used hold ids included', () => {
    const state = stateOf(released);
    expect(state.finishedHolds).toEqual({
      'h-1': {
        amount: 200_000n,
        reason: 'loan collateral',
        expiresAt: '2026-04-01T00:00:00.000Z',
        ended: { kind: 'released' },
      },
    });
    expect(decodeAccount(encodeAccount(state))).toEqual(state);
    const captured = stateOf(
      then(then(opened(), hold(200_000n)), {
        type: 'CaptureHold',
        ...ctx(PRODUCTS.sukarela),
        holdId: 'h-1',
        amount: 70_000n,
        via: 'settlement_in_transit',
        reference: null,
      }),
    );
    expect(captured.finishedHolds?.['h-1']?.ended).toEqual({ kind: 'captured', amount: 70_000n });
    expect(decodeAccount(encodeAccount(captured))).toEqual(captured);
  });

  it('round-trips a wajib account’s payments in months not counted yet', () => {
    const wajib = stateOf(
      then(when([], openCommand(PRODUCTS.wajib, { on: '2026-03-10', today: '2026-03-10' })), {
        type: 'Deposit',
        ...ctx(PRODUCTS.wajib, { on: '2026-03-12' }),
        amount: 50_000n,
        via: 'cash',
        reference: null,
        externalId: null,
      }),
    );
    expect(wajib.wajib?.paidInOpenMonths).toEqual({ '2026-03': 50_000n });
    expect(decodeAccount(encodeAccount(wajib))).toEqual(wajib);
  });

  it('decodes a snapshot written before finished holds kept how they ended, as not knowing it', () => {
    const wire = JSON.parse(encodeAccount(stateOf(released))) as {
      finishedHolds: Record<string, { ended?: unknown }>;
    };
    delete wire.finishedHolds['h-1']!.ended;
    expect(decodeAccount(JSON.stringify(wire)).finishedHolds?.['h-1']?.ended).toBeUndefined();
  });

  it('decodes a snapshot written before used hold ids were kept, as not knowing them', () => {
    const wire = JSON.parse(encodeAccount(stateOf(released))) as Record<string, unknown>;
    delete wire.finishedHolds;
    const decoded = decodeAccount(JSON.stringify(wire));
    expect(decoded.finishedHolds).toBeNull();
    expect(decoded.balance).toBe(500_000n);
    // It stays unknown as the read model applies later events to it.
    expect(decodeAccount(encodeAccount(decoded)).finishedHolds).toBeNull();
  });
});
