import { DomainError } from '@kopfed/domain';
import {
  EventStoreClosedError,
  jakartaBusinessDate,
  type EventMetadata,
  type RecordedEvent,
  type Subscription,
} from '@kopfed/eventstore';
import type { MemberContext } from '../context';
import { activeMembershipsOfPerson, findMember } from '../members/directory-projection';
import { memberCommand } from '../members/member-commands';
import { admitDeathDate, type MemberEvent } from '../members/member.decider';
import { idOf } from '../stream-ids';

/**
 * Whether the death of the person of member `memberId` may be recorded as on `on`: not before
 * another of their memberships began (admitDeathDate). Ask before recording the death.
 */
export async function admitDeath(ctx: MemberContext, memberId: string, on: string): Promise<void> {
  await ctx.projections.directory.catchUp();
  const row = findMember(ctx.db, memberId);
  if (row?.kind !== 'person' || !row.person_id) return;
  admitDeathDate(activeMembershipsOfPerson(ctx.db, row.person_id, memberId), on);
}

export interface DeathsEnded {
  ended: number;
  /** Memberships the decider would not end (logged; the person's other memberships still end). */
  refused: { memberId: string; error: DomainError }[];
}

/**
 * A person who died is a member of no coop: ends, as deceased on `diedOn`, every other
 * membership of the person of member `memberId` that has not ended. The person is one person
 * id across coops (a move, or a joining that names the person); each command ends nothing
 * once its membership has ended, so running this again ends nothing twice. `seenAt` is the
 * position of the death: the directory is read once it reflects at least that.
 */
export async function endMembershipsOfDeceased(
  ctx: MemberContext,
  memberId: string,
  diedOn: string,
  metadata: EventMetadata,
  seenAt?: number,
): Promise<DeathsEnded> {
  await ctx.projections.directory.catchUp(seenAt);
  const result: DeathsEnded = { ended: 0, refused: [] };
  const row = findMember(ctx.db, memberId);
  if (row?.kind !== 'person' || !row.person_id) return result;
  const command = {
    type: 'EndMembershipOnDeath',
    diedOn,
    today: jakartaBusinessDate(ctx.clock()),
  } as const;
  // A person holds a few memberships (PersonErased bounds them at 100): one command each.
  for (const other of activeMembershipsOfPerson(ctx.db, row.person_id, memberId)) {
    try {
      const ended = await memberCommand(ctx, other.memberId, command, {
        ...metadata,
        coopId: other.coopId,
      });
      result.ended += ended.events.length;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      result.refused.push({ memberId: other.memberId, error });
    }
  }
  return result;
}

export interface DeathPolicyLog {
  refused(refusal: { deceasedMemberId: string; memberId: string; error: DomainError }): void;
  failed(error: unknown): void;
}

export const DEATH_POLICY_CHECKPOINT = 'policy:member-deaths';
const BATCH_SIZE = 100;
/** After a failure, the pause before following again: doubling from the first, up to a minute. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;

type Left = Extract<MemberEvent, { type: 'MemberLeft' }>['data'];

/**
 * Follows the service's own log from its checkpoint and, for every membership ended as
 * deceased — by the departure route, by a coop's sync, by this policy itself — ends the
 * person's other memberships on the same day. The departure route ends them at once; this
 * ends those a sync records and those a crash left. Delivery is at least once (a page handled
 * before a crash is handed again): each command ends only a membership that has not ended,
 * so a redelivery, or a replay of the whole log, ends nothing twice.
 */
export class DeathPolicy {
  private subscription: Subscription | undefined;
  private checkpoint: number | undefined;
  private running = false;
  private retry: NodeJS.Timeout | undefined;
  private retryDelayMs = RETRY_FIRST_MS;

  constructor(
    private readonly ctx: MemberContext,
    private readonly log: DeathPolicyLog,
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.follow();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  private async follow(): Promise<void> {
    const { store } = this.ctx;
    this.checkpoint = await store.checkpoints.get(DEATH_POLICY_CHECKPOINT);
    if (!this.running) return;
    const subscription = store.subscribe({
      after: this.checkpoint ?? 0,
      batchSize: BATCH_SIZE,
      types: ['MemberLeft'],
      batchHandler: async (events) => {
        for (const event of events) await this.handle(event);
        const next = events[events.length - 1]!.position;
        if (
          !(await store.checkpoints.compareAndSet(DEATH_POLICY_CHECKPOINT, this.checkpoint, next))
        )
          throw new Error(`checkpoint ${DEATH_POLICY_CHECKPOINT} was moved by another writer`);
        this.checkpoint = next;
        this.retryDelayMs = RETRY_FIRST_MS;
      },
      onError: (error) => {
        // The store closed under a page it had read: nothing was handled, nothing failed.
        if (error instanceof EventStoreClosedError) return;
        this.log.failed(error);
        if (this.subscription !== subscription) return;
        this.subscription = undefined;
        this.followLater();
      },
    });
    this.subscription = subscription;
  }

  private followLater(): void {
    if (!this.running || this.retry) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, RETRY_MAX_MS);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.running && !this.subscription)
        void this.follow().catch((error: unknown) => {
          this.log.failed(error);
          this.followLater();
        });
    }, delay);
    this.retry.unref();
  }

  private async handle(event: RecordedEvent): Promise<void> {
    const left = event.data as Left;
    if (left.reason !== 'deceased') return;
    const deceasedMemberId = idOf(event.stream);
    const { correlationId } = event.metadata;
    const { refused } = await endMembershipsOfDeceased(
      this.ctx,
      deceasedMemberId,
      left.leftOn,
      { causationId: event.id, ...(correlationId ? { correlationId } : {}) },
      event.position,
    );
    for (const { memberId, error } of refused)
      this.log.refused({ deceasedMemberId, memberId, error });
  }
}
