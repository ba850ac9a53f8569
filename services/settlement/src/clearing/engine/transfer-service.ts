import type { Logger } from 'pino';
import { notFound, conflict } from '@kopfed/domain';
import { WrongExpectedRevisionError, type EventMetadata } from '@kopfed/eventstore';
import type { CoopDirectory } from '@kopfed/service-kit';
import { minorOf } from '../../shared/money';
import { transferStream } from '../model';
import {
  decideTransfer,
  type Counterparties,
  type TransferCommand,
  type TransferRequest,
} from '../transfer.decider';
import { sameOrConflict, transferView, type TransferView } from '../transfer-view';
import type { AgreementTable } from './agreement-table';
import type { ClearingCore } from './clearing-core';
import { AlarmReview } from './alarm-review';
import { GroupService, type Created, type GroupView } from './group-service';
import { findTransfer } from './transfer-lookup';

export type { Created, GroupView };

const MAX_EXPIRIES_PER_SWEEP = 1_000;

/** Inter-coop transfers, two-phase, single or in atomic groups (issue 8). */
export class TransferService {
  constructor(
    private readonly core: ClearingCore,
    private readonly directory: CoopDirectory,
    private readonly agreements: AgreementTable,
    private readonly clock: () => Date,
    private readonly logger: Logger,
  ) {
    this.alarms = new AlarmReview(core, directory, clock);
    this.groups = new GroupService(
      core,
      (request) => this.counterparties(request),
      this.alarms,
      clock,
    );
  }

  submitGroup(
    groupId: string,
    requests: readonly TransferRequest[],
    metadata: EventMetadata,
  ): Promise<Created<GroupView>> {
    return this.groups.submit(groupId, requests, metadata);
  }

  group(groupId: string): Promise<GroupView | undefined> {
    return this.groups.get(groupId);
  }

  reviewAlarms(coopIds: readonly string[], metadata: EventMetadata): Promise<void> {
    return this.alarms.review(coopIds, metadata);
  }

  private counterparties(request: TransferRequest): Counterparties {
    return {
      parents: {
        from: this.directory.parentOf(request.fromCoopId),
        to: this.directory.parentOf(request.toCoopId),
      },
      agreements: this.agreements.between(request.fromCoopId, request.toCoopId),
    };
  }

  readonly alarms: AlarmReview;
  private readonly groups: GroupService;

  private find(transferId: string) {
    return findTransfer(this.core.store, transferId, (id) => this.core.groupOfLeg(id));
  }

  /**
   * A new id costs no read: the transfer's stream must not exist (`no_stream`), so the store
   * itself turns a repeated id away, and only then is the recorded transfer read and compared.
   * A group leg's id is found in the group-leg index, in memory or SQLite.
   */
  async create(request: TransferRequest, metadata: EventMetadata): Promise<Created<TransferView>> {
    return this.core.lock.run([`t:${request.transferId}`], async () => {
      if (this.core.groupOfLeg(request.transferId) !== undefined) return this.repeated(request);
      const command: TransferCommand = {
        type: 'CreateTransfer',
        request,
        counterparties: this.counterparties(request),
        now: this.clock().toISOString(),
      };
      let event;
      try {
        [event] = decideTransfer(command, this.core.context(), undefined);
      } catch (refusal) {
        // A retry of a transfer made earlier gets the original, not today's refusal.
        if ((await this.find(request.transferId)) !== undefined) return this.repeated(request);
        throw refusal;
      }
      if (event?.type !== 'TransferReserved' && event?.type !== 'TransferPosted')
        throw new Error('a transfer is reserved or posted');
      const posts =
        event.type === 'TransferPosted'
          ? [{ batchId: event.data.batch.batchId, amountMinor: minorOf(event.data.posted) }]
          : [];
      const debit = {
        coopId: request.fromCoopId,
        currency: request.amount.currency,
        amountMinor: minorOf(request.amount),
      };
      const end = this.core.inFlight.begin([debit], posts);
      try {
        await this.core.append(transferStream(request.transferId), [event], undefined, metadata);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        end();
        return this.repeated(request);
      } finally {
        end();
      }
      await this.alarms.review([request.fromCoopId, request.toCoopId], metadata);
      return {
        value: transferView(event.data.transfer, [], posts[0]?.batchId ?? null),
        created: true,
      };
    });
  }

  private async repeated(request: TransferRequest): Promise<Created<TransferView>> {
    const existing = await this.find(request.transferId);
    if (!existing) throw new Error(`transfer ${request.transferId} exists but could not be read`);
    return { value: sameOrConflict(existing.view, request, null, ''), created: false };
  }

  async get(transferId: string): Promise<TransferView | undefined> {
    return (await this.find(transferId))?.view;
  }

  post(
    transferId: string,
    amount: TransferRequest['amount'] | undefined,
    metadata: EventMetadata,
  ): Promise<TransferView> {
    return this.settlePending(
      transferId,
      'post',
      (now) => ({ type: 'PostPending', transferId, amount, now }),
      metadata,
    );
  }

  void(transferId: string, metadata: EventMetadata): Promise<TransferView> {
    return this.settlePending(
      transferId,
      'void',
      (now) => ({ type: 'VoidPending', transferId, now }),
      metadata,
    );
  }

  /** Posts, voids or expires a pending transfer; refuses with its status otherwise. */
  private settlePending(
    transferId: string,
    kind: 'post' | 'void' | 'expire',
    command: (now: string) => TransferCommand,
    metadata: EventMetadata,
  ): Promise<TransferView> {
    return this.core.lock.run([`t:${transferId}`], async () => {
      const pending = this.core.state.pending.get(transferId);
      if (!pending) {
        const found = await this.find(transferId);
        if (!found) throw notFound('transfer-not-found', `No transfer ${transferId}.`);
        if (kind === 'expire') return found.view;
        throw conflict(
          'transfer-not-pending',
          `Transfer ${transferId} is ${found.view.status}, not pending.`,
          { status: found.view.status },
        );
      }
      const events = decideTransfer(
        command(this.clock().toISOString()),
        this.core.context(),
        pending,
      );
      if (events.length === 0) return transferView(pending.record, [], null);
      const posts = events.flatMap((e) =>
        e.type === 'TransferPosted'
          ? [{ batchId: e.data.batch.batchId, amountMinor: minorOf(e.data.posted) }]
          : [],
      );
      const end = this.core.inFlight.begin([], posts);
      try {
        await this.core.append(transferStream(transferId), events, pending.revision, metadata);
      } finally {
        end();
      }
      await this.alarms.review([pending.record.fromCoopId, pending.record.toCoopId], metadata);
      return transferView(
        pending.record,
        events.filter((e) => e.type !== 'TransferGroupSubmitted'),
        null,
      );
    });
  }

  /**
   * Voids every pending transfer whose timeout has passed; returns how many. Once `signal`
   * aborts (the service is closing) it stops between transfers; the next sweep goes on.
   */
  async expireDue(signal?: AbortSignal, max = MAX_EXPIRIES_PER_SWEEP): Promise<number> {
    const now = Date.parse(this.clock().toISOString());
    const due = [...this.core.state.pending.values()]
      .filter((p) => p.record.expiresAt !== null && Date.parse(p.record.expiresAt) <= now)
      .slice(0, max);
    let expired = 0;
    for (const { record } of due) {
      if (signal?.aborted) break;
      const view = await this.settlePending(
        record.transferId,
        'expire',
        (at) => ({ type: 'ExpirePending', transferId: record.transferId, now: at }),
        {
          correlationId: `expiry-${record.transferId}`,
        },
      ).catch((error: unknown) => {
        this.logger.warn(
          { err: error, transferId: record.transferId },
          'expiring a transfer failed; the next sweep retries',
        );
        return undefined;
      });
      if (view?.status === 'expired') expired++;
    }
    return expired;
  }

  /**
   * Expires every pending transfer that is due (close of business), a sweep of at most `max`
   * at a time, until a sweep expires fewer: one that fails is left to the next sweep.
   */
  async expireAllDue(max = MAX_EXPIRIES_PER_SWEEP): Promise<number> {
    let expired = 0;
    for (;;) {
      const swept = await this.expireDue(undefined, max);
      expired += swept;
      if (swept < max) return expired;
    }
  }
}
