import {
  conflict,
  invariant,
  rejected,
  unreachable,
  type Decider,
  type DomainEvent,
} from '@kopfed/domain';
import type { MoneyJson } from '../shared/money';

/**
 * A member-to-member payment across coops (BRIEF §2), as a saga:
 *   hold the payer's savings at coop A → reserve the transfer A → B at the parent (pending) →
 *   credit the payee at coop B → post the transfer → capture the hold.
 * Crediting the payee is the pivot: a refusal before or at it is undone (void the transfer,
 * release the hold); every step after it cannot be refused for a business reason and is
 * retried until done. Each step is idempotent on ids derived from the payment id.
 * The payer's hold lapses after a while (a week): a capture that comes later (the savings
 * service was unreachable past the pivot) holds the amount again under a new hold id and
 * captures that. What the payer's side still refuses past the pivot is recorded as a stall,
 * for the treasurer to see, and retried.
 */
export const FORWARD = ['hold', 'reserve', 'credit', 'post', 'capture'] as const;
export const UNDO = ['void', 'release'] as const;
export type ForwardStep = (typeof FORWARD)[number];
export type UndoStep = (typeof UNDO)[number];
export type Step = ForwardStep | UndoStep;

export interface Party {
  coopId: string;
  accountId: string;
}

export interface PaymentRequest {
  paymentId: string;
  payer: Party;
  payee: Party;
  amount: MoneyJson;
  reference: string | null;
}

export type PaymentEvent =
  | DomainEvent<
      'PaymentRequested',
      { request: PaymentRequest; holdExpiresAt: string; requestedAt: string }
    >
  | DomainEvent<'PaymentStepDone', { step: Step; at: string }>
  | DomainEvent<
      'PaymentStepRefused',
      { step: ForwardStep; code: string; detail: string; at: string }
    >
  | DomainEvent<'PaymentHoldRenewed', { holdId: string; holdExpiresAt: string; at: string }>
  | DomainEvent<'PaymentStalled', { step: Step; code: string; detail: string; at: string }>
  | DomainEvent<'PaymentCompleted', { at: string }>
  | DomainEvent<'PaymentFailed', { step: ForwardStep; code: string; detail: string; at: string }>;

export type PaymentStatus = 'in_progress' | 'undoing' | 'completed' | 'failed';

export interface PaymentState {
  request: PaymentRequest | null;
  holdExpiresAt: string | null;
  status: PaymentStatus;
  done: Step[];
  refusal: { step: ForwardStep; code: string; detail: string } | null;
  /** The hold placed again after the first lapsed, the latest one; null while the first holds. */
  renewedHold: { holdId: string; expiresAt: string } | null;
  renewals: number;
  /** A step past the pivot the payer's side refuses, retried until it is done. */
  stalled: { step: Step; code: string; detail: string; since: string } | null;
}

export type PaymentCommand =
  | { type: 'RequestPayment'; request: PaymentRequest; holdExpiresAt: string; now: string }
  | {
      type: 'RecordStep';
      step: Step;
      outcome: { ok: true } | { ok: false; code: string; detail: string };
      now: string;
    }
  | { type: 'RenewHold'; holdId: string; holdExpiresAt: string; now: string }
  | { type: 'RecordStall'; step: Step; code: string; detail: string; now: string };

/** The step to run next, or null when the payment has reached its end. */
export function nextStep(state: PaymentState): Step | null {
  switch (state.status) {
    case 'in_progress':
      return FORWARD.find((s) => !state.done.includes(s)) ?? null;
    case 'undoing': {
      // Undo only what may have happened: a step is undone if it was attempted at all.
      const refused = state.refusal!.step;
      const attempted = (s: ForwardStep) => state.done.includes(s) || s === refused;
      if (attempted('reserve') && !state.done.includes('void')) return 'void';
      if (attempted('hold') && !state.done.includes('release')) return 'release';
      return null;
    }
    case 'completed':
    case 'failed':
      return null;
    default:
      return unreachable(state.status, 'payment status');
  }
}

const initial = (): PaymentState => ({
  request: null,
  holdExpiresAt: null,
  status: 'in_progress',
  done: [],
  refusal: null,
  renewedHold: null,
  renewals: 0,
  stalled: null,
});

function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRequested':
      return { ...state, request: event.data.request, holdExpiresAt: event.data.holdExpiresAt };
    case 'PaymentStepDone':
      return {
        ...state,
        done: [...state.done, event.data.step],
        stalled: state.stalled?.step === event.data.step ? null : state.stalled,
      };
    case 'PaymentHoldRenewed': {
      const { holdId, holdExpiresAt: expiresAt } = event.data;
      return { ...state, renewedHold: { holdId, expiresAt }, renewals: state.renewals + 1 };
    }
    case 'PaymentStalled': {
      const { step, code, detail, at } = event.data;
      return { ...state, stalled: { step, code, detail, since: at } };
    }
    case 'PaymentStepRefused':
      return {
        ...state,
        status: 'undoing',
        refusal: { step: event.data.step, code: event.data.code, detail: event.data.detail },
      };
    case 'PaymentCompleted':
      return { ...state, status: 'completed' };
    case 'PaymentFailed':
      return { ...state, status: 'failed' };
    default:
      return unreachable(event, 'payment event');
  }
}

function recordStep(
  command: Extract<PaymentCommand, { type: 'RecordStep' }>,
  state: PaymentState,
): PaymentEvent[] {
  const expected = nextStep(state);
  if (expected !== command.step) return [];
  const { now: at, step, outcome } = command;
  if (!outcome.ok) {
    const forward = FORWARD.find((s) => s === step);
    // Past the pivot nothing may refuse: the runner retries those steps instead of recording.
    invariant(
      forward !== undefined && ['hold', 'reserve', 'credit'].includes(forward),
      `step ${step} cannot be refused`,
    );
    const refused: PaymentEvent = {
      type: 'PaymentStepRefused',
      data: { step: forward, code: outcome.code, detail: outcome.detail, at },
    };
    const after = evolve(state, refused);
    return nextStep(after) === null ? [refused, failed(after, at)] : [refused];
  }
  const done: PaymentEvent = { type: 'PaymentStepDone', data: { step, at } };
  const after = evolve(state, done);
  if (nextStep(after) !== null) return [done];
  return [
    done,
    after.status === 'in_progress' ? { type: 'PaymentCompleted', data: { at } } : failed(after, at),
  ];
}

function failed(state: PaymentState, at: string): PaymentEvent {
  const { step, code, detail } = state.refusal!;
  return { type: 'PaymentFailed', data: { step, code, detail, at } };
}

export const paymentDecider: Decider<PaymentState, PaymentCommand, PaymentEvent> = {
  initialState: initial,
  evolve,
  decide(command, state) {
    switch (command.type) {
      case 'RequestPayment': {
        const { payer, payee } = command.request;
        // Between members of one coop no parent clears anything: that is a savings transfer.
        if (payer.coopId === payee.coopId)
          throw rejected(
            'payment-within-coop',
            `Payer and payee are both at coop ${payer.coopId}; a payment here goes between coops.`,
            '/payee/coopId',
          );
        if (state.request === null) {
          const { request, holdExpiresAt, now } = command;
          return [{ type: 'PaymentRequested', data: { request, holdExpiresAt, requestedAt: now } }];
        }
        const differs = (['payer', 'payee', 'amount', 'reference'] as const).find(
          (field) =>
            JSON.stringify(state.request![field]) !== JSON.stringify(command.request[field]),
        );
        if (differs)
          throw conflict(
            'payment-id-conflict',
            `Payment ${command.request.paymentId} exists with a different ${differs}.`,
            { field: differs },
          );
        return [];
      }
      case 'RecordStep':
        return recordStep(command, state);
      case 'RenewHold':
        // Only a capture still to come needs the amount held again.
        if (nextStep(state) !== 'capture' || state.renewedHold?.holdId === command.holdId)
          return [];
        return [
          {
            type: 'PaymentHoldRenewed',
            data: { holdId: command.holdId, holdExpiresAt: command.holdExpiresAt, at: command.now },
          },
        ];
      case 'RecordStall': {
        const { step, code, detail, now: at } = command;
        // A stall is recorded once while it lasts, not at every retry.
        if (nextStep(state) !== step) return [];
        if (state.stalled?.step === step && state.stalled.code === code) return [];
        return [{ type: 'PaymentStalled', data: { step, code, detail, at } }];
      }
      default:
        return unreachable(command, 'payment command');
    }
  },
};
