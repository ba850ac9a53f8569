import { batchDecider } from '../batches/batch.decider';
import type { BatchEvent } from '../batches/batch-events';
import {
  applyClearingEvent,
  initialClearingState,
  type ClearingEvent,
  type ClearingState,
} from '../clearing/clearing-state';
import { decideLimits, type LimitsCommand } from '../clearing/limits.decider';
import { batchStream, groupStream, limitsStream, transferStream } from '../clearing/model';
import { bilateralRows, positionRows } from '../clearing/positions';
import {
  decideTransfer,
  type DecisionContext,
  type TransferCommand,
} from '../clearing/transfer.decider';
import { moneyJson } from '../shared/money';

/**
 * The clearing house without a store, for deciders' and property tests: commands are decided
 * and their events folded at once, as the engine does once an append is durable.
 */
export class PureClearing {
  readonly state: ClearingState = initialClearingState();
  readonly log: { stream: string; event: ClearingEvent }[] = [];
  private readonly revisions = new Map<string, number>();

  constructor(readonly parentOf: (coopId: string) => string | undefined) {}

  apply(stream: string, events: readonly ClearingEvent[]): void {
    for (const event of events) {
      const revision = (this.revisions.get(stream) ?? -1) + 1;
      this.revisions.set(stream, revision);
      applyClearingEvent(this.state, event, revision);
      this.log.push({ stream, event });
    }
  }

  private context(): DecisionContext {
    return { state: this.state, inFlight: new Map(), inFlightPosts: new Map(), closing: new Set() };
  }

  transfer(command: TransferCommand): ClearingEvent[] {
    const id =
      command.type === 'SubmitGroup'
        ? command.groupId
        : command.type === 'CreateTransfer'
          ? command.request.transferId
          : command.transferId;
    const pending =
      command.type === 'SubmitGroup' || command.type === 'CreateTransfer'
        ? undefined
        : this.state.pending.get(id);
    const events = decideTransfer(command, this.context(), pending);
    this.apply(command.type === 'SubmitGroup' ? groupStream(id) : transferStream(id), events);
    return events;
  }

  limits(command: LimitsCommand): ClearingEvent[] {
    const events = decideLimits(command, this.state);
    this.apply(limitsStream(command.coopId), events);
    return events;
  }

  /** Closes an open batch from its kept positions, as the engine does. */
  close(batchId: string, now: string): BatchEvent[] {
    const batch = this.state.batches.get(batchId);
    if (batch?.status !== 'open') throw new Error(`batch ${batchId} is not open`);
    const { ref, positions } = batch;
    const events = batchDecider.decide(
      {
        type: 'CloseBatch',
        batch: ref,
        positions: positionRows(positions, ref.currency),
        bilateral: bilateralRows(positions, ref.currency),
        transferCount: positions.transferCount,
        total: moneyJson(positions.totalMinor, ref.currency),
        now,
      },
      null,
    );
    this.apply(batchStream(batchId), events);
    return events;
  }
}
