import { createHash } from 'node:crypto';
import { DomainError, rejected } from '@kopfed/domain';
import {
  batchSequenceDecider,
  countResults,
  syncStatus,
  type ItemResult,
} from '@kopfed/batch-sync';
import { handleCommand, WrongExpectedRevisionError, type EventMetadata } from '@kopfed/eventstore';
import { accountStream, type Accounts } from '../accounts/account-context';
import type { AccountService } from '../accounts/account-service';
import { accountDecider } from '../accounts/account.decider';
import { AlreadyApplied } from '../shared/aggregate-store';
import { derivedEventIds } from '../shared/event-ids';
import type { SyncItem } from './sync-items';

const ACCOUNT_GROUPS_IN_FLIGHT = 64;

export const syncBatchStream = (coopId: string) => `savingssyncbatches-${coopId}`;
const itemStream = (coopId: string, externalId: string) => `savingssync-${coopId}-${externalId}`;

/**
 * Bulk sync for primary coops that keep their own core (the same behaviour as the member
 * batches): batches numbered per coop with gaps reported, per-item results, and each item's
 * external id deduplicated for ever — by event ids derived from it (the store takes an id
 * once) and by a record of the applied item (`savingssync-<coop>-<externalId>`) holding its
 * fingerprint, so a resent item is "unchanged" and a different item under a used id refused.
 */
export class SyncService {
  constructor(
    private readonly accounts: Accounts,
    private readonly service: AccountService,
  ) {}

  async receive(
    coopId: string,
    sequence: number,
    items: readonly SyncItem[],
    metadata: EventMetadata,
  ) {
    const results: ItemResult[] = new Array<ItemResult>(items.length);
    const groups = new Map<string, number[]>();
    items.forEach((item, index) =>
      groups.set(item.accountId, [...(groups.get(item.accountId) ?? []), index]),
    );
    const queue = [...groups.values()];
    const worker = async () => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        for (const index of group)
          results[index] = await this.item(coopId, items[index]!, metadata);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(ACCOUNT_GROUPS_IN_FLIGHT, queue.length) }, worker),
    );
    const counts = countResults(results);
    const recorded = await handleCommand(this.accounts.store, {
      stream: syncBatchStream(coopId),
      decider: batchSequenceDecider,
      command: {
        type: 'RecordSyncBatch',
        sequence,
        receivedOn: this.accounts.today(),
        outcome: { items: items.length, ...counts },
      },
      metadata,
    });
    return { sequence, duplicateSequence: recorded.events.length === 0, results, counts };
  }

  async status(coopId: string) {
    const events = await this.accounts.store.readStream(syncBatchStream(coopId));
    const state = events.reduce(
      (s, e) =>
        batchSequenceDecider.evolve(s, { type: 'SyncBatchReceived', data: e.data as never }),
      batchSequenceDecider.initialState(),
    );
    return syncStatus(state);
  }

  private async item(coopId: string, item: SyncItem, metadata: EventMetadata): Promise<ItemResult> {
    const fingerprint = createHash('sha256').update(JSON.stringify(item)).digest('hex');
    const base = { externalId: item.externalId, id: item.accountId };
    const [record] = await this.accounts.store.readStream(itemStream(coopId, item.externalId), {
      maxCount: 1,
    });
    if (record) return this.resent(base, record.data as { fingerprint: string }, fingerprint);
    try {
      await this.apply(coopId, item, metadata);
    } catch (error) {
      if (error instanceof AlreadyApplied) {
        await this.record(coopId, item, fingerprint, metadata);
        return { ...base, status: 'unchanged' };
      }
      if (!(error instanceof DomainError)) throw error;
      return {
        ...base,
        status: 'rejected',
        problem: {
          code: error.code,
          detail: error.message,
          ...(error.pointer ? { pointer: error.pointer } : {}),
        },
      };
    }
    await this.record(coopId, item, fingerprint, metadata);
    return { ...base, status: 'created' };
  }

  private resent(
    base: { externalId: string; id: string },
    record: { fingerprint: string },
    fingerprint: string,
  ): ItemResult {
    if (record.fingerprint === fingerprint) return { ...base, status: 'unchanged' };
    return {
      ...base,
      status: 'rejected',
      problem: {
        code: 'external-id-reused',
        detail: `External id ${base.externalId} was used for a different transaction.`,
      },
    };
  }

  private async record(
    coopId: string,
    item: SyncItem,
    fingerprint: string,
    metadata: EventMetadata,
  ): Promise<void> {
    try {
      await this.accounts.store.append(
        itemStream(coopId, item.externalId),
        [
          {
            id: derivedEventIds('sync-record', `${coopId}:${item.externalId}`)(null, 0),
            type: 'SyncItemApplied',
            schemaVersion: 1,
            data: { accountId: item.accountId, type: item.type, fingerprint },
            metadata,
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }

  private async apply(coopId: string, item: SyncItem, metadata: EventMetadata): Promise<void> {
    const eventIds = derivedEventIds('sync', `${coopId}:${item.externalId}`);
    if (item.type === 'open') {
      const memberId =
        item.memberId ??
        (item.memberExternalId &&
          this.accounts.members.memberIdByExternalId(coopId, item.memberExternalId));
      if (!memberId)
        throw rejected(
          'member-not-found',
          'No member with that id or external id.',
          '/memberExternalId',
        );
      await this.service.open(
        coopId,
        {
          accountId: item.accountId,
          memberId,
          productCode: item.productCode,
          openedOn: item.businessDate,
          externalId: item.externalId,
          ...(item.openingBalance
            ? { initialDeposit: { amount: BigInt(item.openingBalance.amount), via: item.via } }
            : {}),
          ...(item.maturityInstruction ? { maturityInstruction: item.maturityInstruction } : {}),
        },
        { keyId: 'sync', metadata },
      );
      return;
    }
    const { account } = await this.accounts.account(coopId, item.accountId);
    const ctx = { ...(await this.accounts.contextFor(account, item.businessDate)) };
    const amount = BigInt(item.amount.amount);
    await this.accounts.aggregates.execute(
      accountStream(item.accountId),
      (state) =>
        accountDecider.decide(
          item.type === 'deposit'
            ? {
                type: 'Deposit',
                ...ctx,
                amount,
                via: item.via,
                reference: null,
                externalId: item.externalId,
              }
            : {
                type: 'Withdraw',
                ...ctx,
                withdrawalId: item.externalId.replace(/[^A-Za-z0-9_-]/g, '_'),
                amount,
                via: item.via,
                reference: null,
                externalId: item.externalId,
                requestedBy: 'sync',
                // The coop's own core approved it; kopfed records what happened.
                approvalThreshold: null,
              },
          state,
        ),
      { metadata, eventIds },
    );
  }
}
