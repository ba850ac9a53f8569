import type Database from 'better-sqlite3';
import { catalog } from '@kopfed/contracts';
import { integrationEventHandler, SqliteInbox } from '@kopfed/messaging';
import type { Consumption, InMemoryCoopDirectory } from '@kopfed/service-kit';

/**
 * Keeps a host's view of the federation tree (who is whose parent), which authorisation
 * consults: fed by the member service's CoopRegistered events, persisted so a restart does
 * not forget what the relay will not send again.
 */
export class CoopTree {
  private readonly inbox: SqliteInbox;
  private readonly insert;

  constructor(
    private readonly db: Database.Database,
    readonly directory: InMemoryCoopDirectory,
    group: string,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS coop_tree (
      coop_id TEXT PRIMARY KEY,
      parent_id TEXT NOT NULL
    ) WITHOUT ROWID`);
    this.inbox = new SqliteInbox(db, group);
    this.insert = db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO coop_tree (coop_id, parent_id) VALUES (?, ?)',
    );
    const rows = db
      .prepare<[], { coop_id: string; parent_id: string }>(
        'SELECT coop_id, parent_id FROM coop_tree',
      )
      .all();
    for (const row of rows) directory.setParent(row.coop_id, row.parent_id);
  }

  /** What the host subscribes, in consumer group `group`, to keep the tree. */
  consumption(group: string): Consumption {
    const onCoopEvent = integrationEventHandler(catalog, async (event) => {
      if (event.name !== 'CoopRegistered' || event.data.parentCoopId === null) return;
      const { coopId, parentCoopId } = event.data;
      const applied = await this.inbox.apply(
        event.envelope.id,
        () => void this.insert.run(coopId, parentCoopId),
      );
      if (applied) this.directory.setParent(coopId, parentCoopId);
    });
    return {
      topic: catalog.topicOf('member'),
      group,
      handler: async (message) => {
        // Most of the member topic is about members: skip them before parsing anything.
        const type = message.headers['ce-type'];
        if (type !== undefined && !type.startsWith('kopfed.member.CoopRegistered.')) return;
        await onCoopEvent(message);
      },
    };
  }
}
