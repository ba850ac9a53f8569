import type { ProjectionSource } from '@kopfed/audit';
import { InMemoryCoopDirectory, createLogger } from '@kopfed/service-kit';
import { createSettlement } from '@kopfed/settlement';

/**
 * What the clearing engine keeps beside the log: its snapshot (the clearing state and the
 * position it was folded through), the index of group legs, the index of transfer ids that
 * have a stream of their own, and the closed batches by status.
 * Live, the engine restores from its snapshot and folds the tail; rebuilt, it folds the whole
 * log from nothing. Both then write their snapshot at the head, and must hold the same rows.
 */
const CLEARING_TABLES = [
  'settlement_clearing_snapshot',
  'settlement_group_legs',
  'settlement_transfer_streams',
  'settlement_batches',
] as const;

export const settlementClearingProjection: ProjectionSource = {
  store: 'settlement',
  async open({ dataDir, store, env }) {
    // The engine as the service builds it, offline: no routes served, no feeds or sweepers started.
    const settlement = await createSettlement({
      store,
      readModels: store.database,
      coopDirectory: new InMemoryCoopDirectory(),
      logger: createLogger({ level: 'silent' }),
      clock: () => new Date(),
      dataDir,
      env,
    });
    const { core } = settlement;
    return {
      projections: [
        {
          name: 'settlement-clearing',
          tables: CLEARING_TABLES,
          catchUp() {
            // createSettlement restored the engine from its snapshot and the tail of the log.
            core.snapshot();
            return Promise.resolve();
          },
          async rebuild() {
            store.database
              .transaction(() => {
                core.tables.reset();
                store.database.exec('DELETE FROM settlement_batches');
              })
              .immediate();
            await core.restore();
            core.snapshot();
          },
        },
      ],
      close: () => settlement.instance.close?.(),
    };
  },
};
