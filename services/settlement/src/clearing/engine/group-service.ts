import { DomainError } from '@kopfed/domain';
import { WrongExpectedRevisionError, type EventMetadata } from '@kopfed/eventstore';
import { minorOf } from '../../shared/money';
import { groupStream, type TransferGroupSubmitted } from '../model';
import { decideTransfer, type Counterparties, type TransferRequest } from '../transfer.decider';
import {
  isPartyTo,
  sameOrConflict,
  transferIdConflict,
  transferView,
  type TransferView,
} from '../transfer-view';
import type { AlarmReview } from './alarm-review';
import type { ClearingCore } from './clearing-core';
import type { InFlightDebit, InFlightPost } from './in-flight';
import { findGroup, findTransfer } from './transfer-lookup';

export interface Created<T> {
  value: T;
  /** False when the id already existed with the same fields: the original is returned. */
  created: boolean;
}

export interface GroupView {
  groupId: string;
  parentCoopId: string;
  submittedAt: string;
  transfers: TransferView[];
}

/**
 * Atomic groups of transfers (issue 8): one event holds every leg, so all are made or none.
 * A leg's id is as unique as a single transfer's: it must be free before the group is made,
 * and the group-leg index keeps it taken for ever.
 */
export class GroupService {
  constructor(
    private readonly core: ClearingCore,
    private readonly counterparties: (request: TransferRequest) => Counterparties,
    private readonly alarms: AlarmReview,
    private readonly clock: () => Date,
  ) {}

  private find(transferId: string) {
    return findTransfer(this.core.store, transferId, (id) => this.core.groupOfLeg(id));
  }

  /**
   * A new group costs no read of its stream: `no_stream` makes the store turn a repeated
   * group id away. Its leg ids are looked up at once in the group-leg index and the index of
   * transfer streams; only when one is taken is anything read and compared.
   */
  async submit(
    groupId: string,
    requests: readonly TransferRequest[],
    metadata: EventMetadata,
  ): Promise<Created<GroupView>> {
    const keys = [`g:${groupId}`, ...requests.map((r) => `t:${r.transferId}`)];
    return this.core.lock.run(keys, async () => {
      const taken = this.takenLegs(requests);
      if (taken.length > 0) return this.repeated(groupId, requests, taken);
      const now = this.clock().toISOString();
      const legs = requests.map((request) => ({
        request,
        counterparties: this.counterparties(request),
      }));
      let event;
      try {
        [event] = decideTransfer(
          { type: 'SubmitGroup', groupId, legs, now },
          this.core.context(),
          undefined,
        );
      } catch (refusal) {
        // A retry of a group made earlier gets the original, not today's refusal.
        const existing = await findGroup(this.core.store, groupId);
        if (existing) return { value: await this.same(existing, requests), created: false };
        throw refusal;
      }
      if (event?.type !== 'TransferGroupSubmitted')
        throw new Error('a group is submitted in one event');
      const end = this.core.inFlight.begin(debitsOf(requests), batchesOf(event));
      try {
        await this.core.append(groupStream(groupId), [event], undefined, metadata);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        end();
        return this.repeated(groupId, requests, []);
      } finally {
        end();
      }
      await this.alarms.review(partiesOf(requests), metadata);
      return { value: groupView(event, new Map()), created: true };
    });
  }

  /**
   * Indexes of the requests whose transfer id is already a leg of a group or a transfer: one
   * lookup of all the ids in the group-leg index and the index of transfer streams.
   */
  private takenLegs(requests: readonly TransferRequest[]): number[] {
    const ids = requests.map((r) => r.transferId);
    const takenIds = this.core.takenIds(ids);
    const taken: number[] = [];
    if (takenIds.size === 0) return taken;
    for (let index = 0; index < ids.length; index++)
      if (takenIds.has(ids[index]!)) taken.push(index);
    return taken;
  }

  /** The group recorded under `groupId` if the request repeats it; a 409 otherwise. */
  private async repeated(
    groupId: string,
    requests: readonly TransferRequest[],
    taken: readonly number[],
  ): Promise<Created<GroupView>> {
    const existing = await findGroup(this.core.store, groupId);
    if (existing) return { value: await this.same(existing, requests), created: false };
    for (const index of taken) {
      const found = await this.find(requests[index]!.transferId);
      if (found)
        throw transferIdConflict(
          found.view.record,
          `/transfers/${index}/transferId`,
          requests[index]!,
        );
    }
    throw new Error(`group ${groupId} or one of its transfer ids exists but could not be read`);
  }

  /** The group as recorded when the request repeats it; a 409 naming the leg's field otherwise. */
  private async same(
    group: TransferGroupSubmitted,
    requests: readonly TransferRequest[],
  ): Promise<GroupView> {
    const { legs, groupId } = group.data;
    // As for a single transfer id: another coop learns only that the group id is taken.
    if (!requests.some((r) => legs.some(({ transfer: t }) => isPartyTo(t, r.fromCoopId)))) {
      throw new DomainError(
        'group-id-conflict',
        `Group id ${groupId} is already in use: choose another.`,
        'conflict',
        '/groupId',
      );
    }
    if (legs.length !== requests.length) {
      throw new DomainError(
        'group-id-conflict',
        `Group ${groupId} has ${legs.length} transfers.`,
        'conflict',
        '/transfers',
      );
    }
    legs.forEach((leg, index) => {
      const request = requests[index]!;
      if (leg.transfer.transferId !== request.transferId)
        throw transferIdConflict(leg.transfer, `/transfers/${index}/transferId`, request);
      sameOrConflict(transferView(leg.transfer, [], null), request, groupId, `/transfers/${index}`);
    });
    return this.now(group);
  }

  private async now(group: TransferGroupSubmitted): Promise<GroupView> {
    const views = new Map<string, TransferView>();
    for (const leg of group.data.legs) {
      const found = await this.find(leg.transfer.transferId);
      if (found) views.set(leg.transfer.transferId, found.view);
    }
    return groupView(group, views);
  }

  async get(groupId: string): Promise<GroupView | undefined> {
    const group = await findGroup(this.core.store, groupId);
    return group ? this.now(group) : undefined;
  }
}

/** Every coop a group moves, once: a payer's position rises, a payee's falls (its alarm may clear). */
function partiesOf(requests: readonly TransferRequest[]): string[] {
  const coops = new Set<string>();
  for (const { fromCoopId, toCoopId } of requests) coops.add(fromCoopId).add(toCoopId);
  return [...coops];
}

/** The group's debits in flight, one per payer and currency (a payer pays in one or two). */
function debitsOf(requests: readonly TransferRequest[]): InFlightDebit[] {
  const byPayer = new Map<string, InFlightDebit[]>();
  const debits: InFlightDebit[] = [];
  for (const { fromCoopId, amount } of requests) {
    const amountMinor = minorOf(amount);
    let payer = byPayer.get(fromCoopId);
    if (payer === undefined) {
      payer = [];
      byPayer.set(fromCoopId, payer);
    }
    const debit = payer.find((d) => d.currency === amount.currency);
    if (debit) debit.amountMinor += amountMinor;
    else {
      const first = { coopId: fromCoopId, currency: amount.currency, amountMinor };
      payer.push(first);
      debits.push(first);
    }
  }
  return debits;
}

/** The batches the group's posted legs go into, each once with the legs' total. */
function batchesOf(event: TransferGroupSubmitted): InFlightPost[] {
  const totals = new Map<string, bigint>();
  for (const { batch, transfer } of event.data.legs)
    if (batch)
      totals.set(batch.batchId, (totals.get(batch.batchId) ?? 0n) + minorOf(transfer.amount));
  return [...totals].map(([batchId, amountMinor]) => ({ batchId, amountMinor }));
}

function groupView(
  event: TransferGroupSubmitted,
  now: ReadonlyMap<string, TransferView>,
): GroupView {
  const { groupId, parentCoopId, submittedAt, legs } = event.data;
  return {
    groupId,
    parentCoopId,
    submittedAt,
    transfers: legs.map(
      (leg) =>
        now.get(leg.transfer.transferId) ??
        transferView(leg.transfer, [], leg.batch?.batchId ?? null),
    ),
  };
}
