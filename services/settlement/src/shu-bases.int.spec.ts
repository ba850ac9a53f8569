import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { catalog } from '@kopfed/contracts';
import { SqliteEventStore } from '@kopfed/eventstore';
import { MemberActivityBook } from '@kopfed/year-end';
import { shuBasesConsumers } from './shu-bases';

const DELIVERIES = 50;
/** A WAL frame: its 24-byte header and one 4 KiB page (SQLite's default page size). */
const WAL_FRAME_BYTES = 24 + 4_096;

const wajibDeposit = (memberId: string) => {
  const envelope = catalog.toEnvelope('SavingsDeposited', {
    id: uuidv7(),
    subject: `acc-${memberId}`,
    time: '2026-11-27T03:00:00.000Z',
    businessDate: '2026-11-27',
    data: {
      coopId: 'coop-a',
      accountId: `acc-${memberId}`,
      memberId,
      memberKind: 'person',
      memberCoopId: null,
      product: { code: 'WAJIB', kind: 'wajib', classification: 'equity' },
      amount: { amount: '50000', currency: 'IDR' },
      via: 'cash',
      businessDate: '2026-11-27',
      externalId: null,
    },
  });
  return { key: `acc-${memberId}`, value: JSON.stringify(envelope), headers: {}, attempt: 1 };
};

describe('the SHU bases consumers', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-shu-bases-'));
    store = new SqliteEventStore({ file: join(dir, 'settlement.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const deliver = async (consumers: ReturnType<typeof shuBasesConsumers>, count: number) => {
    const savings = consumers.find((c) => c.topic === catalog.topicOf('savings'))!;
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        await savings.handler({ topic: savings.topic, ...wajibDeposit(`m-${i}`) });
      }),
    );
  };

  it('records deliveries in the store’s group commit, not a commit of their own each', async () => {
    const book = new MemberActivityBook(store.database);
    const consumers = shuBasesConsumers(book, store, store.database);
    const walFrames = () => statSync(join(dir, 'settlement.db-wal')).size / WAL_FRAME_BYTES;
    const before = walFrames();

    await deliver(consumers, DELIVERIES);

    // A commit per delivery writes at least a table page and an index page each (≥ 100 frames).
    expect(walFrames() - before).toBeLessThan(10);
    const bases = await book.basesFor('coop-a', 2026);
    expect(bases).toHaveLength(DELIVERIES);
  });

  it('records at once into a book kept outside the store’s file', async () => {
    const own = new Database(join(dir, 'read-models.db'));
    const book = new MemberActivityBook(own);
    const commitWith = jest.spyOn(store, 'commitWith');

    await deliver(shuBasesConsumers(book, store, own), 3);

    expect(commitWith).not.toHaveBeenCalled();
    expect(await book.basesFor('coop-a', 2026)).toHaveLength(3);
    own.close();
  });
});
