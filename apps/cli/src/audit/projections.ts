import { join } from 'node:path';
import { auditableSqliteProjection, type ProjectionSource } from '@kopfed/audit';
import { SqliteProjection } from '@kopfed/messaging';
// The member service does not export its projection definitions from its index yet; until it
// does (see the audit package's README), they are reached by path.
import { agreementProjection } from '@kopfed/member/src/agreements/agreement-projection';
import { loadMasterKey } from '@kopfed/member/src/config';
import { coopProjection } from '@kopfed/member/src/coops/coop-projection';
import { directoryProjection } from '@kopfed/member/src/members/directory-projection';
import { SqliteKeyStore } from '@kopfed/member/src/persons/key-store';
import { PersonVault } from '@kopfed/member/src/persons/person-vault';

/** The member service's read models, over a copy of its store and its key files. */
const memberProjections: ProjectionSource = {
  store: 'member',
  open({ dataDir, store, env }) {
    const keys = new SqliteKeyStore(join(dataDir, 'member-keys.db'));
    const vault = new PersonVault(keys, loadMasterKey(env, join(dataDir, 'member-master.key')));
    return {
      projections: [coopProjection, directoryProjection(vault), agreementProjection].map(
        (definition) => auditableSqliteProjection(new SqliteProjection(store, definition)),
      ),
      close: () => keys.close(),
    };
  },
};

/** Every service's projections `kopfed audit rebuild-check` checks: one line per service. */
export const PROJECTION_SOURCES: readonly ProjectionSource[] = [memberProjections];
