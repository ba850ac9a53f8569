import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError } from '@kopfed/domain';
import {
  handleCommand,
  loadAggregate,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
} from '@kopfed/eventstore';
import type { TransferService } from '../clearing/engine/transfer-service';
import type { TransferRecord } from '../clearing/model';
import { KeyedLock } from '../shared/keyed-lock';
import {
  nextStep,
  paymentDecider,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentRequest,
  type PaymentState,
  type Step,
} from './payment.decider';
import type { PortOutcome, SavingsPort } from './savings-port';

export const paymentStream = (paymentId: string): string => `payment-${paymentId}`;
/** The hold, the transfer and the credit of a payment all carry this id. */
export const stepId = (paymentId: string): string => `pay-${paymentId}`;

/**
 * The id of the `n`-th hold placed again after the first lapsed: within the savings service's
 * 64 characters whatever the payment id's length.
 */
export const renewedHoldId = (paymentId: string, n: number): string =>
  `pay-r${n}-${createHash('sha256').update(paymentId).digest('hex').slice(0, 40)}`;

/** Points where the crash test kills the process. */
export interface PaymentHooks {
  beforeStep?(step: Step): void;
  afterStep?(step: Step): void;
  afterRecord?(step: Step): void;
}

const MAX_STEPS = 12;
const HOLD_DAYS = 7;
const PAGE = 1_000;
const upcast = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as PaymentEvent;
/** Steps a business refusal of which undoes the payment; past them a refusal is retried. */
const REFUSABLE: readonly Step[] = ['hold', 'reserve', 'credit'];

/**
 * Drives payments through their steps, recording each outcome in `payment-<id>` before the
 * next step starts. A restart resumes every payment not yet completed or failed: a step that
 * ran but was not recorded runs again, and its idempotency makes that harmless.
 */
export class PaymentRunner {
  private readonly lock = new KeyedLock();
  private readonly open = new Set<string>();
  /** Runs started and not yet ended: stopping waits for them. */
  private readonly inProgress = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly store: EventStore,
    private readonly savings: SavingsPort,
    private readonly transfers: TransferService,
    private readonly clock: () => Date,
    private readonly logger: Logger,
    private readonly hooks: PaymentHooks = {},
  ) {}

  private holdExpiry(now: Date): string {
    return new Date(now.getTime() + HOLD_DAYS * 86_400_000).toISOString();
  }

  async request(
    request: PaymentRequest,
    metadata: EventMetadata,
  ): Promise<{ state: PaymentState; created: boolean }> {
    const now = this.clock();
    const holdExpiresAt = this.holdExpiry(now);
    const result = await handleCommand(this.store, {
      stream: paymentStream(request.paymentId),
      decider: paymentDecider,
      command: { type: 'RequestPayment', request, holdExpiresAt, now: now.toISOString() },
      metadata,
      upcast,
    });
    const created = result.events.length > 0;
    if (created) this.open.add(request.paymentId);
    return {
      state: await this.run(request.paymentId, metadata).catch(() => this.state(request.paymentId)),
      created,
    };
  }

  /**
   * The payment whose reserve step made this transfer, if one did: its id is the payment's
   * step id and its parties and amount are the payment's. Only the payment posts or voids it.
   */
  async paymentOf(transfer: TransferRecord): Promise<string | undefined> {
    const prefix = stepId('');
    if (!transfer.transferId.startsWith(prefix)) return undefined;
    const paymentId = transfer.transferId.slice(prefix.length);
    const { request } = await this.state(paymentId);
    const ours =
      request !== null &&
      request.payer.coopId === transfer.fromCoopId &&
      request.payee.coopId === transfer.toCoopId &&
      request.amount.amount === transfer.amount.amount &&
      request.amount.currency === transfer.amount.currency;
    return ours ? paymentId : undefined;
  }

  async state(paymentId: string): Promise<PaymentState> {
    return (await loadAggregate(this.store, paymentStream(paymentId), paymentDecider, upcast))
      .state;
  }

  /**
   * Runs the payment's remaining steps; rejects on a failure that a later run may get past.
   * Once the runner stops, no further step starts: the payment waits for the restart.
   */
  run(
    paymentId: string,
    metadata: EventMetadata = { correlationId: paymentStream(paymentId) },
  ): Promise<PaymentState> {
    const running = this.lock.run([paymentId], async () => {
      let state = await this.state(paymentId);
      for (let i = 0; i < MAX_STEPS && !this.stopping; i++) {
        const step = nextStep(state);
        if (step === null || state.request === null) break;
        this.hooks.beforeStep?.(step);
        const outcome = await this.perform(step, state);
        this.hooks.afterStep?.(step);
        if (!outcome.ok && !REFUSABLE.includes(step)) {
          state = await this.pastThePivot(state, step, outcome, metadata);
          continue;
        }
        const result = await handleCommand(this.store, {
          stream: paymentStream(paymentId),
          decider: paymentDecider,
          command: { type: 'RecordStep', step, outcome, now: this.clock().toISOString() },
          metadata,
          upcast,
        });
        this.hooks.afterRecord?.(step);
        state = result.state;
      }
      if (state.status === 'completed' || state.status === 'failed') this.open.delete(paymentId);
      return state;
    });
    this.inProgress.add(running);
    const ended = () => this.inProgress.delete(running);
    running.then(ended, ended);
    return running;
  }

  /**
   * A step past the pivot the savings service refused. A lapsed hold is held again under a
   * new id (the next run of the capture places and captures it); any other refusal is
   * recorded as a stall the treasurer sees on the payment, and the step is retried later.
   */
  private async pastThePivot(
    state: PaymentState,
    step: Step,
    refusal: { code: string; detail: string },
    metadata: EventMetadata,
  ): Promise<PaymentState> {
    const { paymentId } = state.request!;
    const now = this.clock();
    const record = async (command: PaymentCommand) =>
      (
        await handleCommand(this.store, {
          stream: paymentStream(paymentId),
          decider: paymentDecider,
          command,
          metadata,
          upcast,
        })
      ).state;
    // A renewed hold whose expiry passed before it could be placed lapsed too.
    const lapsed = refusal.code === 'hold-expired' || refusal.code === 'hold-expiry-past';
    if (step === 'capture' && lapsed) {
      const holdId = renewedHoldId(paymentId, state.renewals + 1);
      const holdExpiresAt = this.holdExpiry(now);
      return record({ type: 'RenewHold', holdId, holdExpiresAt, now: now.toISOString() });
    }
    const detail =
      step === 'release'
        ? `The payer's hold could not be released: ${refusal.detail}`
        : `The payee was credited, but the payer's savings could not be debited: ${refusal.detail}`;
    await record({
      type: 'RecordStall',
      step,
      code: refusal.code,
      detail,
      now: now.toISOString(),
    });
    this.logger.error(
      { paymentId, step, code: refusal.code },
      'payment stalled: the savings service refuses a step that cannot be undone',
    );
    throw new Error(`payment step ${step} was refused (${refusal.code}); retrying later`);
  }

  /**
   * Starts no step after this, and resolves once every step in progress has ended and its
   * outcome is recorded (or its run failed, leaving the step to be redone on restart).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inProgress]);
  }

  private async perform(step: Step, state: PaymentState): Promise<PortOutcome> {
    const request = state.request!;
    const id = stepId(request.paymentId);
    const { payer, payee, amount } = request;
    const reference = request.reference ?? id;
    switch (step) {
      case 'hold':
        return this.savings.hold({
          ...payer,
          holdId: id,
          amount,
          reason: `Pembayaran antar koperasi ${request.paymentId}`,
          expiresAt: state.holdExpiresAt!,
        });
      case 'reserve':
        return refusalOf(() =>
          this.transfers.create(
            {
              transferId: id,
              fromCoopId: payer.coopId,
              toCoopId: payee.coopId,
              amount,
              pending: true,
              reference,
            },
            { correlationId: paymentStream(request.paymentId) },
          ),
        );
      case 'credit':
        return this.savings.credit({ ...payee, creditId: id, amount, reference });
      case 'post':
        return this.settleTransfer(id, 'posted', () =>
          this.transfers.post(id, undefined, { correlationId: paymentStream(request.paymentId) }),
        );
      case 'capture': {
        const renewed = state.renewedHold;
        if (renewed) {
          const held = await this.savings.hold({
            ...payer,
            holdId: renewed.holdId,
            amount,
            reason: `Pembayaran antar koperasi ${request.paymentId} (ditahan ulang)`,
            expiresAt: renewed.expiresAt,
          });
          if (!held.ok) return held;
        }
        const holdId = renewed?.holdId ?? id;
        return this.savings.capture({ ...payer, holdId, amount, reference });
      }
      case 'void':
        return this.settleTransfer(
          id,
          'voided',
          () => this.transfers.void(id, { correlationId: paymentStream(request.paymentId) }),
          request,
        );
      case 'release':
        return this.savings.release({ ...payer, holdId: id });
    }
  }

  /** Posting or voiding again, or voiding what was never reserved, is done already. */
  private async settleTransfer(
    id: string,
    goal: 'posted' | 'voided',
    act: () => Promise<unknown>,
    request?: PaymentRequest,
  ): Promise<PortOutcome> {
    const view = await this.transfers.get(id);
    // Voiding what was never reserved for this payment (no transfer, or another's) is done.
    const ours =
      view &&
      (!request ||
        (view.record.fromCoopId === request.payer.coopId &&
          view.record.amount.amount === request.amount.amount));
    if (!ours && goal === 'voided') return { ok: true };
    if (view && view.status !== 'pending') {
      const reached = goal === 'posted' ? view.status === 'posted' : view.status !== 'posted';
      if (reached) return { ok: true };
      throw new Error(`transfer ${id} is ${view.status}; the payment needs it ${goal}`);
    }
    await act();
    return { ok: true };
  }

  /** Resumes every payment that has not reached its end (on start, and now and then). */
  async resumeAll(): Promise<number> {
    if (this.stopping) return 0;
    // Once it has succeeded the scan answers at once; until then every sweep tries it again.
    await this.scan();
    let resumed = 0;
    for (const paymentId of [...this.open]) {
      if (this.stopping) break;
      await this.run(paymentId).then(
        () => resumed++,
        (error: unknown) =>
          this.logger.warn({ err: error, paymentId }, 'payment step failed; it is retried later'),
      );
    }
    return resumed;
  }

  /** The one scan of the log for open payments; forgotten if it fails, so the next sweep tries again. */
  private scanning: Promise<void> | undefined;
  private scan(): Promise<void> {
    this.scanning ??= this.scanOnce().catch((error: unknown) => {
      this.scanning = undefined;
      throw error;
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    const ended = new Set<string>();
    const seen = new Set<string>();
    for (let after = 0; ;) {
      const page = await this.store.readAll({ after, categories: ['payment'], maxCount: PAGE });
      for (const e of page) {
        const paymentId = e.stream.slice('payment-'.length);
        seen.add(paymentId);
        if (e.type === 'PaymentCompleted' || e.type === 'PaymentFailed') ended.add(paymentId);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.position;
    }
    for (const id of seen) if (!ended.has(id)) this.open.add(id);
  }
}

async function refusalOf(act: () => Promise<unknown>): Promise<PortOutcome> {
  try {
    await act();
    return { ok: true };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, code: error.code, detail: error.message };
    throw error;
  }
}
