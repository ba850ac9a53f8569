import { join } from 'node:path';
import { catalog } from '@kopfed/contracts';
import { SqliteProjection } from '@kopfed/messaging';
import { sharesStoreFile } from '@kopfed/eventstore';
import type { ServiceModule, ServiceModuleDeps, ServiceInstance } from '@kopfed/service-kit';
import { agreementProjection } from './agreements/agreement-projection';
import { agreementRoutes } from './agreements/routes';
import { loadMasterKey } from './config';
import type { MemberContext } from './context';
import { coopProjection } from './coops/coop-projection';
import { finishExits } from './coops/exit';
import { coopRoutes } from './coops/routes';
import { directoryLacksDataHash, directoryProjection } from './members/directory-projection';
import { MemberWrites } from './members/member-writes';
import { memberRoutes } from './members/routes';
import { DeathPolicy } from './persons/death';
import { finishErasures } from './persons/erasure';
import { SqliteKeyStore } from './persons/key-store';
import { PersonVault } from './persons/person-vault';
import { personRoutes } from './persons/routes';
import { encodeMemberEvent } from './public-events';
import { statisticsRoutes } from './statistics/routes';
import { batchMentionProjection } from './sync/batch-mentions';
import { dropBatchLeases } from './sync/one-batch-at-a-time';
import { syncRoutes } from './sync/routes';

export interface MemberModuleOptions {
  /**
   * How long a write waits behind the member's (or person's) earlier writes before it is
   * answered 409 member_busy (MemberWrites); 10 s unless set.
   */
  memberBusyAfterMs?: number;
}

/**
 * The member service: coops in a recursive federation and their members, persons with
 * erasable personal data, bulk sync from primary coops. Its read models live beside its
 * events; person keys live apart, in `member-keys.db`.
 */
export const memberModule: ServiceModule = memberModuleWith();

/** The member service with `options` (the node runs `memberModule`, the defaults). */
export function memberModuleWith(options: MemberModuleOptions = {}): ServiceModule {
  return { name: 'member', create: (deps) => createMember(deps, options) };
}

async function createMember(
  deps: ServiceModuleDeps,
  options: MemberModuleOptions,
): Promise<ServiceInstance> {
  if (!sharesStoreFile(deps.store, deps.readModels)) {
    // Projections are SqliteProjections over the store's own file (see docs/service-conventions.md).
    throw new Error('the member service keeps its read models in its SQLite store');
  }
  // The setting first: a bad KOPFED_MASTER_KEY stops the node before the key store is opened.
  const masterKey = loadMasterKey(deps.env, join(deps.dataDir, 'member-master.key'));
  const keys = new SqliteKeyStore(join(deps.dataDir, 'member-keys.db'));
  const vault = new PersonVault(keys, masterKey);
  const store = deps.store;
  const outdatedDirectory = directoryLacksDataHash(deps.readModels);
  const ctx: MemberContext = {
    store,
    db: deps.readModels,
    vault,
    clock: deps.clock,
    memberWrites: new MemberWrites(options.memberBusyAfterMs),
    projections: {
      coops: new SqliteProjection(store, coopProjection),
      directory: new SqliteProjection(store, directoryProjection(vault)),
      agreements: new SqliteProjection(store, agreementProjection),
      batchMentions: new SqliteProjection(store, batchMentionProjection),
    },
  };
  if (outdatedDirectory) {
    // Kept by an earlier version without data hashes: rebuilt once, so it matches a replay.
    await ctx.projections.directory.rebuild();
    await ctx.projections.directory.stop();
  }
  const onError = (error: unknown) => deps.logger.error({ err: error }, 'member projection failed');
  const deaths = new DeathPolicy(ctx, {
    refused: ({ deceasedMemberId, memberId, error }) =>
      deps.logger.error(
        { deceasedMemberId, memberId, code: error.code, detail: error.message },
        'a membership of a person who died could not end',
      ),
    failed: (error) =>
      deps.logger.error({ err: error }, 'the death policy failed; following again shortly'),
  });
  return {
    definition: {
      service: 'member',
      version: 'v1',
      title: 'kopfed member service',
      description:
        'Coops in a recursive federation, their members, persons with erasable personal data, and bulk sync from primary coops.',
      routes: [
        ...coopRoutes(ctx),
        ...memberRoutes(ctx),
        ...personRoutes(ctx),
        ...agreementRoutes(ctx),
        ...syncRoutes(ctx),
        ...statisticsRoutes(ctx),
      ],
    },
    publishes: { topic: catalog.topicOf('member'), encode: encodeMemberEvent },
    async start() {
      // The store's one writer (see above): a batch lease found now is a stopped node's.
      const dropped = dropBatchLeases(deps.readModels);
      if (dropped > 0) deps.logger.warn({ dropped }, 'dropped member batch leases left by a stop');
      for (const projection of Object.values(ctx.projections)) projection.start(onError);
      await Promise.all(Object.values(ctx.projections).map((p) => p.catchUp()));
      const repaired = await finishErasures(ctx);
      if (repaired > 0) deps.logger.warn({ repaired }, 'finished erasures interrupted by a crash');
      const exits = await finishExits(ctx);
      if (exits.ended > 0)
        deps.logger.warn({ ended: exits.ended }, 'ended memberships of coops that had exited');
      if (exits.pending.length > 0)
        deps.logger.error(
          { coopIds: exits.pending },
          'memberships of exited coops could not end yet; tried again at the next start',
        );
      await deaths.start();
    },
    async close() {
      await deaths.stop();
      await Promise.all(Object.values(ctx.projections).map((p) => p.stop()));
      keys.close();
    },
  };
}
