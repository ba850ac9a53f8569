import {
  nextStep,
  paymentDecider,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  type Step,
} from './payment.decider';

const request = {
  paymentId: 'p-1',
  payer: { coopId: 'a', accountId: 'acc-a' },
  payee: { coopId: 'b', accountId: 'acc-b' },
  amount: { amount: '100000', currency: 'IDR' },
  reference: null,
};
const NOW = '2026-11-27T03:00:00.000Z';
const given = (events: PaymentEvent[]): PaymentState =>
  events.reduce(paymentDecider.evolve, paymentDecider.initialState());
const requested: PaymentEvent = {
  type: 'PaymentRequested',
  data: { request, holdExpiresAt: '2026-12-04T03:00:00.000Z', requestedAt: NOW },
};
const done = (step: Step): PaymentEvent => ({ type: 'PaymentStepDone', data: { step, at: NOW } });
const ok = (step: Step): PaymentCommand => ({
  type: 'RecordStep',
  step,
  outcome: { ok: true },
  now: NOW,
});
const refused = (step: Step): PaymentCommand => ({
  type: 'RecordStep',
  step,
  outcome: { ok: false, code: 'no', detail: 'refused' },
  now: NOW,
});

describe('the payment saga decider', () => {
  it('goes hold → reserve → credit → post → capture, and completes with the last step', () => {
    expect(nextStep(given([requested]))).toBe('hold');
    expect(nextStep(given([requested, done('hold'), done('reserve')]))).toBe('credit');
    const events = paymentDecider.decide(
      ok('capture'),
      given([requested, ...(['hold', 'reserve', 'credit', 'post'] as const).map(done)]),
    );
    expect(events.map((e) => e.type)).toEqual(['PaymentStepDone', 'PaymentCompleted']);
  });

  it('undoes the transfer and the hold when the payee cannot be credited, then fails', () => {
    const afterRefusal = paymentDecider.decide(
      refused('credit'),
      given([requested, done('hold'), done('reserve')]),
    );
    expect(afterRefusal).toEqual([
      {
        type: 'PaymentStepRefused',
        data: { step: 'credit', code: 'no', detail: 'refused', at: NOW },
      },
    ]);
    const undoing = given([requested, done('hold'), done('reserve'), ...afterRefusal]);
    expect(undoing.status).toBe('undoing');
    expect(nextStep(undoing)).toBe('void');
    expect(
      nextStep(given([requested, done('hold'), done('reserve'), ...afterRefusal, done('void')])),
    ).toBe('release');
    const last = paymentDecider.decide(
      ok('release'),
      given([requested, done('hold'), done('reserve'), ...afterRefusal, done('void')]),
    );
    expect(last.map((e) => e.type)).toEqual(['PaymentStepDone', 'PaymentFailed']);
  });

  it('releases the hold when the parent refuses the transfer (limits), with nothing to void', () => {
    const events = paymentDecider.decide(refused('reserve'), given([requested, done('hold')]));
    const state = given([requested, done('hold'), ...events]);
    expect(nextStep(state)).toBe('void');
    expect(nextStep(given([requested, done('hold'), ...events, done('void')]))).toBe('release');
  });

  it('records an outcome once: a repeated or out-of-turn step changes nothing', () => {
    expect(paymentDecider.decide(ok('hold'), given([requested, done('hold')]))).toEqual([]);
    expect(paymentDecider.decide(ok('post'), given([requested, done('hold')]))).toEqual([]);
  });

  it('never records a refusal past the pivot: those steps are retried', () => {
    expect(() =>
      paymentDecider.decide(
        refused('capture'),
        given([requested, ...(['hold', 'reserve', 'credit', 'post'] as const).map(done)]),
      ),
    ).toThrow(/cannot be refused/);
  });

  it('holds again once, only before a capture still to come, and records a stall once while it lasts', () => {
    const posted = given([
      requested,
      ...(['hold', 'reserve', 'credit', 'post'] as const).map(done),
    ]);
    const renew: PaymentCommand = {
      type: 'RenewHold',
      holdId: 'pay-r1-x',
      holdExpiresAt: '2026-12-11T03:00:00.000Z',
      now: NOW,
    };
    const renewed = paymentDecider.decide(renew, posted);
    expect(renewed).toEqual([
      {
        type: 'PaymentHoldRenewed',
        data: { holdId: 'pay-r1-x', holdExpiresAt: '2026-12-11T03:00:00.000Z', at: NOW },
      },
    ]);
    const after = renewed.reduce(paymentDecider.evolve, posted);
    expect(after).toMatchObject({
      renewedHold: { holdId: 'pay-r1-x', expiresAt: '2026-12-11T03:00:00.000Z' },
      renewals: 1,
    });
    expect(paymentDecider.decide(renew, after)).toEqual([]);
    expect(paymentDecider.decide(renew, given([requested, done('hold')]))).toEqual([]);

    const stall: PaymentCommand = {
      type: 'RecordStall',
      step: 'capture',
      code: 'insufficient-funds',
      detail: 'available 0',
      now: NOW,
    };
    const stalled = paymentDecider.decide(stall, after);
    expect(stalled.map((e) => e.type)).toEqual(['PaymentStalled']);
    const stuck = stalled.reduce(paymentDecider.evolve, after);
    expect(stuck.stalled).toEqual({
      step: 'capture',
      code: 'insufficient-funds',
      detail: 'available 0',
      since: NOW,
    });
    expect(paymentDecider.decide(stall, stuck)).toEqual([]);
    expect(paymentDecider.decide({ ...stall, step: 'post' }, stuck)).toEqual([]);
    const finished = paymentDecider
      .decide(ok('capture'), stuck)
      .reduce(paymentDecider.evolve, stuck);
    expect(finished).toMatchObject({ status: 'completed', stalled: null });
  });

  it('refuses a payment between two members of one coop: no parent clears it', () => {
    expect(() =>
      paymentDecider.decide(
        {
          type: 'RequestPayment',
          request: { ...request, payee: { coopId: 'a', accountId: 'acc-a2' } },
          holdExpiresAt: 'x',
          now: NOW,
        },
        given([]),
      ),
    ).toThrow(expect.objectContaining({ code: 'payment-within-coop', pointer: '/payee/coopId' }));
  });

  it('takes the same request again, and refuses a different one under the same id', () => {
    expect(
      paymentDecider.decide(
        { type: 'RequestPayment', request, holdExpiresAt: 'x', now: NOW },
        given([requested]),
      ),
    ).toEqual([]);
    expect(() =>
      paymentDecider.decide(
        {
          type: 'RequestPayment',
          request: { ...request, amount: { amount: '1', currency: 'IDR' } },
          holdExpiresAt: 'x',
          now: NOW,
        },
        given([requested]),
      ),
    ).toThrow(expect.objectContaining({ code: 'payment-id-conflict', kind: 'conflict' }));
  });
});
