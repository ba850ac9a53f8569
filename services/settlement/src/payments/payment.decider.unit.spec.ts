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
