import type Database from 'better-sqlite3';
import type { EventStore } from '@kopfed/eventstore';
import type { SqliteProjection } from '@kopfed/messaging';
import type { MemberWrites } from './members/member-writes';
import type { PersonVault } from './persons/person-vault';

/** What the member service's handlers work with. */
export interface MemberContext {
  store: EventStore;
  /** Read models (the store's own SQLite file in the node). */
  db: Database.Database;
  vault: PersonVault;
  clock: () => Date;
  /** Claiming writes and erasures, one at a time per member (members/member-writes.ts). */
  memberWrites: MemberWrites;
  projections: {
    coops: SqliteProjection;
    directory: SqliteProjection;
    agreements: SqliteProjection;
    /** The latest sync batch that named each member (sync/batch-mentions.ts). */
    batchMentions: SqliteProjection;
  };
}

/** Waits until every read model has caught up with the store: reads after writes see them. */
export async function caughtUp(ctx: MemberContext): Promise<void> {
  const head = await ctx.store.headPosition();
  await Promise.all(Object.values(ctx.projections).map((p) => p.catchUp(head)));
}
