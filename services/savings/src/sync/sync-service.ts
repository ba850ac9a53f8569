import { createHash } from 'node:crypto';
import { conflict, DomainError, invariant, rejected } from '@kopfed/domain';
import {
  batchSequenceDecider,
  countResults,
  syncStatus,
  type ItemResult,
} from '@kopfed/batch-sync';
import { handleCommand, WrongExpectedRevisionError, type EventMetadata } from '@kopfed/eventstore';
import { accountStream, type Accounts } from '../accounts/account-context';
import type { AccountService } from '../accounts/account-service';
import type { Context } from '../accounts/account-commands';
import type { AccountEvent } from '../accounts/account-events';
import type { OpenedAccount } from '../accounts/account-state';
import { accountDecider } from '../accounts/account.decider';
import { floorOf, requireOpenedBy } from '../accounts/rules/guards';
import { lowestBalanceFrom } from '../reads/balance-as-of';
import { AlreadyApplied, toDomain } from '../shared/aggregate-store';
import type { IsoDate } from '../shared/dates';
import { derivedEventIds } from '../shared/event-ids';
import { rupiah } from '../shared/money';
import type { SyncItem } from './sync-items';

const ACCOUNT_GROUPS_IN_FLIGHT = 64;
/** A back-dated withdrawal is checked again at most this often while its account keeps changing. */
const BACK_DATED_ATTEMPTS = 8;

export const syncBatchStream = (coopId: string) => `savingssyncbatches-${coopId}`;
const itemStream = (coopId: string, externalId: string) => `savingssync-${coopId}-${externalId}`;

function reused(base: { externalId: string; id: string }): ItemResult {
  return {
    ...base,
    status: 'rejected',
    problem: {
      code: 'external-id-reused',
      detail: `External id ${base.externalId} was used for a different transaction.`,
    },
  };
}

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
    const seen = new Set<string>();
    items.forEach((item, index) => {
      // Items of different accounts run concurrently: a repeated external id would race its
      // first use, so it is refused here, as the member batches do.
      if (seen.has(item.externalId)) {
        results[index] = {
          externalId: item.externalId,
          id: item.accountId,
          status: 'rejected',
          problem: {
            code: 'duplicate_in_batch',
            detail: `External id ${item.externalId} appears earlier in the batch.`,
            pointer: '/externalId',
          },
        };
        return;
      }
      seen.add(item.externalId);
      groups.set(item.accountId, [...(groups.get(item.accountId) ?? []), index]);
    });
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
        // Applied before its record was written (a crash, or another batch at the same time).
        if (!(await this.appliedBefore(coopId, item))) return reused(base);
        await this.record(coopId, item, fingerprint, metadata);
        return { ...base, status: 'unchanged' };
      }
      if (!(error instanceof DomainError)) throw error;
      if (item.type === 'open' && error.code === 'account-exists') {
        // Opened before its record was written (a crash): the stored opening says whether it is this item.
        const same = await this.openedBefore(coopId, item);
        if (same === false) return reused(base);
        if (same) {
          await this.record(coopId, item, fingerprint, metadata);
          return { ...base, status: 'unchanged' };
        }
      }
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

  /** Whether the transaction stored under this item's external id is this item. */
  private async appliedBefore(coopId: string, item: SyncItem): Promise<boolean> {
    if (item.type === 'open') return false;
    const id = derivedEventIds('sync', `${coopId}:${item.externalId}`)(null, 0);
    const events = await this.accounts.store.readStream(accountStream(item.accountId));
    const stored = events.find((event) => event.id === id);
    if (!stored) return false;
    const event = toDomain<AccountEvent>(stored);
    const expected = item.type === 'deposit' ? 'Deposited' : 'Withdrawn';
    return (
      event.type === expected &&
      event.data.amount === item.amount.amount &&
      event.data.on === item.businessDate &&
      event.data.via === item.via &&
      event.data.externalId === item.externalId
    );
  }

  /**
   * Whether the account this opening names was opened by it: undefined when another opening
   * (not under this external id) opened it, false when one under this id had other terms.
   */
  private async openedBefore(
    coopId: string,
    item: Extract<SyncItem, { type: 'open' }>,
  ): Promise<boolean | undefined> {
    const events = (await this.accounts.store.readStream(accountStream(item.accountId))).map(
      (event) => toDomain<AccountEvent>(event),
    );
    const opened = events.find((event) => event.type === 'AccountOpened');
    if (opened?.type !== 'AccountOpened' || opened.data.externalId !== item.externalId) {
      return undefined;
    }
    const memberId =
      item.memberId ??
      (item.memberExternalId &&
        this.accounts.members.memberIdByExternalId(coopId, item.memberExternalId));
    const deposit = events.find(
      (event) => event.type === 'Deposited' && event.data.externalId === item.externalId,
    );
    const paidIn =
      deposit?.type === 'Deposited' ? { amount: deposit.data.amount, via: deposit.data.via } : null;
    const d = opened.data;
    return (
      d.coopId === coopId &&
      d.memberId === memberId &&
      d.product.code === item.productCode &&
      d.openedOn === item.businessDate &&
      JSON.stringify(d.timeDeposit?.instruction ?? null) ===
        JSON.stringify(item.maturityInstruction ?? null) &&
      JSON.stringify(paidIn) ===
        JSON.stringify(
          item.openingBalance ? { amount: item.openingBalance.amount, via: item.via } : null,
        )
    );
  }

  private resent(
    base: { externalId: string; id: string },
    record: { fingerprint: string },
    fingerprint: string,
  ): ItemResult {
    return record.fingerprint === fingerprint ? { ...base, status: 'unchanged' } : reused(base);
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
    const today = this.accounts.today();
    if (item.businessDate > today) {
      throw rejected(
        'business-date-in-future',
        `Business date ${item.businessDate} is after today's (${today}, Asia/Jakarta).`,
        '/businessDate',
      );
    }
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
            ? {
                initialDeposit: {
                  amount: rupiah(item.openingBalance, '/openingBalance'),
                  via: item.via,
                },
              }
            : {}),
          ...(item.maturityInstruction ? { maturityInstruction: item.maturityInstruction } : {}),
        },
        { keyId: 'sync', metadata },
      );
      return;
    }
    const amount = rupiah(item.amount, '/amount');
    const { account } = await this.accounts.account(coopId, item.accountId);
    const ctx = { ...(await this.accounts.contextFor(account, item.businessDate)) };
    const write = (expectedRevision?: number) =>
      this.accounts.aggregates.execute(
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
                  // Dated today it is at most the threshold (requireNoApproval); back-dated it is
                  // history the coop's core approved. Nothing here waits for a checker.
                  approvalThreshold: null,
                },
            state,
          ),
        { metadata, eventIds, ...(expectedRevision === undefined ? {} : { expectedRevision }) },
      );
    if (item.type === 'deposit') {
      await write();
      return;
    }
    if (item.businessDate === today) {
      await this.requireNoApproval(coopId, amount, today);
      await write();
      return;
    }
    // A back-dated withdrawal is checked against the whole history at one revision and
    // appended only at that revision: a change by this or another process in between fails
    // the append, and the history is read and checked again.
    for (let attempt = 1; ; attempt++) {
      const revision = await this.requireFundsFrom(account, amount, ctx);
      try {
        await write(revision);
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= BACK_DATED_ATTEMPTS) {
          throw conflict(
            'concurrency-conflict',
            `Account ${item.accountId} changed too often while this withdrawal was checked; send it again.`,
          );
        }
      }
    }
  }

  /**
   * Maker-checker is the federation's rule, not the coop's (BRIEF §5): a withdrawal dated today
   * above the coop's threshold needs a second person in kopfed, which a batch sent with one key
   * cannot give. It is refused here and goes through the withdrawals API, where it waits for
   * approval. A back-dated withdrawal is not asked for one: it is history the coop's own core
   * approved when it happened (onboarding sends years of it), and the withdrawals API cannot
   * record a past date.
   */
  private async requireNoApproval(coopId: string, amount: bigint, today: IsoDate): Promise<void> {
    const threshold = await this.accounts.catalogue.approvalThreshold(coopId, today);
    if (amount > threshold) {
      throw rejected(
        'approval-required',
        `A withdrawal above ${threshold} rupiah waits for a second person's approval: send it to the withdrawals API, not through sync.`,
        '/amount/amount',
        { approvalThreshold: threshold.toString() },
      );
    }
  }

  /**
   * A back-dated withdrawal lowers the balance of every day from its date on: it must leave
   * each of those days' effective balance at or above the product's floor, not only today's.
   * Resolves the revision of the history it checked.
   */
  private async requireFundsFrom(
    account: OpenedAccount,
    amount: bigint,
    ctx: Context,
  ): Promise<number> {
    requireOpenedBy(account, ctx.on);
    const events = await this.accounts.store.readStream(accountStream(account.accountId));
    const lowest = lowestBalanceFrom(events, ctx.on);
    const floor = floorOf(account, ctx);
    if (amount > lowest - floor) {
      throw rejected(
        'insufficient-funds',
        `From ${ctx.on} on, the account held as little as ${lowest} rupiah (minimum balance ${floor}): a withdrawal dated ${ctx.on} cannot take ${amount}.`,
        '/amount/amount',
        { lowestBalance: lowest.toString(), minimumBalance: floor.toString() },
      );
    }
    const revision = events.at(-1)?.revision;
    invariant(revision !== undefined, `${account.accountId}: an opened account has events`);
    return revision;
  }
}
