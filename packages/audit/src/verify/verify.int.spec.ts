import { renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@kopfed/eventstore';
import {
  CHECKPOINT_EXPORT_FORMAT,
  exportStoreCheckpoints,
  type CheckpointExport,
} from '../checkpoints/checkpoint-export';
import { AUDIT_STORE, statementDigest, statementText } from '../checkpoints/checkpoint';
import { SealingLoop } from '../checkpoints/sealing-loop';
import { signingKeyFromSeed } from '../keys/ed25519';
import { StreamHeadsTree } from '../merkle/stream-heads';
import { AuditStore } from '../signers/audit-store';
import {
  alterOneByte,
  copyDataDir,
  deleteEvent,
  dropLastBatch,
  eventAt,
  insertForgedEvent,
  resealFrom,
  swapEvents,
  withStoreFile,
} from '../testing/tamper';
import { buildSampleStores, SAMPLE_SEED } from '../testing/sample-stores';
import { openReadOnly } from './store-files';
import { readAuditRecords, verifyDataDir } from './verify-data-dir';

let sample: string;
const copies: string[] = [];

beforeAll(async () => {
  ({ dataDir: sample } = await buildSampleStores());
});
afterAll(() => {
  for (const dir of [sample, ...copies]) rmSync(dir, { recursive: true, force: true });
});

/**
 * Tampers with a copy of the sample's ledger store and verifies the copy, on one thread and
 * split over two (see split-scan.ts): both must tell the same.
 */
async function tampered(tamper: (db: Database.Database) => void) {
  const copy = copyDataDir(sample);
  copies.push(copy);
  withStoreFile(join(copy, 'ledger.db'), tamper);
  const result = await verifyDataDir(copy, { split: 'never' });
  expect(await verifyDataDir(copy, { split: 'always' })).toEqual(result);
  return { result, ledger: result.stores.find((s) => s.store === 'ledger')!, copy };
}

const at = (position: number) => {
  const db = openReadOnly(join(sample, 'ledger.db'));
  try {
    const { stream, revision, id } = eventAt(db, position);
    return { position, stream, revision, eventId: id };
  } finally {
    db.close();
  }
};

describe('verify', () => {
  it('finds an untouched directory intact, with every store and checkpoint checked', async () => {
    const result = await verifyDataDir(sample);
    expect(result.intact).toBe(true);
    expect(result.stores.map((s) => [s.store, s.intact, s.checkpoints])).toEqual([
      ['audit', true, 2],
      ['ledger', true, 2],
    ]);
    expect(result.stores[1]).toMatchObject({ events: 101, head: 101, first: null, notes: [] });
  });

  // Batches of the sample: 1 | 2-3 | 4-6 | 7 | 8-9 | 10-12 | …; checkpoint 1 covers 1..79 (its event is 80).
  // A swap is named by the first position out of place and the event found there, which came from the other.
  const moved = (to: number, from: number) => ({ ...at(from), position: to });
  const forged = {
    position: 7,
    stream: 'account-forged',
    revision: 0,
    eventId: '00000000-0000-4000-8000-00000000f04d',
  };
  const cases: [string, (db: Database.Database) => void, string, () => object][] = [
    [
      'a changed byte in the middle of an append',
      (db) => alterOneByte(db, 5),
      'altered',
      () => at(5),
    ],
    [
      'a changed byte, every seal recomputed',
      (db) => (alterOneByte(db, 5), resealFrom(db, 1)),
      'altered',
      () => at(5),
    ],
    ['a changed byte after checkpoint 1', (db) => alterOneByte(db, 95), 'altered', () => at(95)],
    ['a deleted event', (db) => deleteEvent(db, 5), 'removed', () => ({ ...at(5), eventId: null })],
    [
      'a deleted single-event append',
      (db) => deleteEvent(db, 7),
      'removed',
      () => ({ ...at(7), eventId: null }),
    ],
    [
      'two events swapped by their positions only',
      (db) => swapEvents(db, 2, 7, false),
      'reordered',
      () => moved(2, 7),
    ],
    [
      'two events of one stream swapped and rewritten',
      (db) => swapEvents(db, 1, 10, true),
      'reordered',
      () => moved(1, 10),
    ],
    [
      'a forged event inserted, the rest moved and resealed',
      (db) => insertForgedEvent(db, 7, 'account-forged'),
      'inserted',
      () => forged,
    ],
  ];
  it.each(cases)('names the event for %s', async (_name, tamper, kind, expected) => {
    const { result, ledger } = await tampered(tamper);
    expect(result.intact).toBe(false);
    expect(ledger.first).toMatchObject({ kind, ...expected() });
  });

  it('names the checkpoint event when the last batch is dropped, and the append before it when two are', async () => {
    const one = await tampered((db) => void dropLastBatch(db));
    expect(one.ledger.first).toMatchObject({
      kind: 'removed',
      position: 101,
      stream: 'auditcheckpoints-ledger',
      revision: 1,
    });
    const two = await tampered((db) => (dropLastBatch(db), void dropLastBatch(db)));
    expect(two.ledger.first).toMatchObject({ kind: 'removed', ...at(99), eventId: null });
  });

  it('names an event appended after the last batch without a seal', async () => {
    const { ledger } = await tampered((db) => {
      const last = eventAt(db, 100);
      const body = last.body
        .replace('{"position":100,', '{"position":102,')
        .replace(last.id, '00000000-0000-4000-8000-0000000000ff');
      db.prepare(
        'INSERT INTO events SELECT 102, ?, stream, revision + 100, category, type, recorded_at, business_date, batch, ? FROM events WHERE position = 100',
      ).run('00000000-0000-4000-8000-0000000000ff', body);
    });
    expect(ledger.first).toMatchObject({
      kind: 'inserted',
      position: 102,
      detail: 'position 102 is in no sealed batch',
    });
  });

  describe('after the newest checkpoint, where only the seal chain and the stream index speak', () => {
    /** A copy with three single-event appends to a new stream, its revisions then rewritten. */
    async function lateStream(revisions: readonly [number, number, number]) {
      const copy = copyDataDir(sample);
      copies.push(copy);
      const store = new SqliteEventStore({ file: join(copy, 'ledger.db') });
      for (let n = 0; n < 3; n++)
        await store.append(
          'account-late',
          [
            {
              id: `00000000-0000-4000-8000-00000000a${String(n).padStart(3, '0')}`,
              type: 'SavingsDeposited',
              schemaVersion: 1,
              data: { n },
              recordedAt: '2026-08-03T03:00:00.000Z',
            },
          ],
          { expectedRevision: 'any' },
        );
      await store.close();
      const positions = withStoreFile(join(copy, 'ledger.db'), (db) => {
        const rows = db
          .prepare<[], { position: number; revision: number; body: string; batch: number }>(
            "SELECT position, revision, body, batch FROM events WHERE stream = 'account-late' ORDER BY position",
          )
          .all();
        // Out of the way first, as the (stream, revision) index is unique.
        db.prepare(
          "UPDATE events SET revision = -1 - revision WHERE stream = 'account-late'",
        ).run();
        rows.forEach((row, n) =>
          db
            .prepare('UPDATE events SET revision = ?, body = ? WHERE position = ?')
            .run(
              revisions[n],
              row.body.replace(`"revision":${row.revision},`, `"revision":${revisions[n]},`),
              row.position,
            ),
        );
        resealFrom(db, rows[0]!.batch);
        return rows.map((r) => r.position);
      });
      const result = await verifyDataDir(copy);
      return { ledger: result.stores.find((s) => s.store === 'ledger')!, positions };
    }

    it('finds nothing when the revisions are as appended', async () => {
      const { ledger } = await lateStream([0, 1, 2]);
      expect(ledger).toMatchObject({ intact: true, events: 104 });
    });

    it('names a revision gone from a stream', async () => {
      const { ledger, positions } = await lateStream([0, 1, 7]);
      expect(ledger.first).toMatchObject({
        kind: 'removed',
        position: positions[2],
        stream: 'account-late',
        revision: 2,
      });
    });

    it('names a revision placed before an earlier one', async () => {
      const { ledger, positions } = await lateStream([0, 2, 1]);
      expect(ledger.first).toMatchObject({
        kind: 'reordered',
        position: positions[1],
        stream: 'account-late',
        revision: 2,
        eventId: '00000000-0000-4000-8000-00000000a001',
      });
    });
  });

  it('catches a checkpoint whose signature no longer holds, and one signed by an unregistered key', async () => {
    const { ledger } = await tampered((db) => {
      const { body } = eventAt(db, 80);
      db.prepare('UPDATE events SET body = ? WHERE position = 80').run(
        body.replace('"sequence":1,', '"sequence":1 ,'),
      );
    });
    expect(ledger.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'altered', position: 80 })]),
    );
    const copy = copyDataDir(sample);
    copies.push(copy);
    unlinkSync(join(copy, 'audit.db'));
    const withoutAudit = await verifyDataDir(copy);
    expect(withoutAudit.stores[0]!.first).toMatchObject({
      kind: 'signature',
      position: 80,
      detail: expect.stringMatching(/not a registered node key/),
    });
  });

  it('catches a history rewritten and re-signed with the node key through witnesses, countersignatures and trusted exports', async () => {
    const copy = copyDataDir(sample);
    copies.push(copy);
    const db = openReadOnly(join(copy, 'ledger.db'));
    const trusted: CheckpointExport = {
      format: CHECKPOINT_EXPORT_FORMAT,
      exportedAt: '2026-08-02T00:00:00.000Z',
      stores: [{ store: 'ledger', checkpoints: exportStoreCheckpoints('ledger', db, undefined) }],
    };
    db.close();
    const auditor = signingKeyFromSeed(Buffer.alloc(32, 42));
    const audit = new SqliteEventStore({ file: join(copy, 'audit.db') });
    const records = new AuditStore(audit);
    await records.registerSigner({
      keyId: auditor.keyId,
      publicKey: auditor.publicKey,
      role: 'auditor',
      coopId: 'puskopdit',
      name: 'KAP Auditor',
      registeredBy: 'admin',
    });
    const statement = trusted.stores[0]!.checkpoints[0]!.checkpoint.statement;
    await records.countersign({
      store: 'ledger',
      sequence: 1,
      statementDigest: statementDigest(statement),
      signature: {
        keyId: auditor.keyId,
        publicKey: auditor.publicKey,
        value: auditor.sign(statementText(statement)),
      },
      countersignedBy: 'auditor-key',
    });
    await audit.close();
    expect((await verifyDataDir(copy, { trusted: [trusted] })).intact).toBe(true);
    expect(
      readAuditRecords({ name: 'audit', file: join(copy, 'audit.db') }).countersignatures.get(
        'ledger',
      ),
    ).toHaveLength(1);

    // The whole ledger store and its witnesses replaced by a rewritten history, re-signed by the node.
    unlinkSync(join(copy, 'ledger.db'));
    const rewrite = await buildSampleStores(41, 10);
    copies.push(rewrite.dataDir);
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(rewrite.dataDir, 'ledger.db'), join(copy, 'ledger.db'));
    const result = await verifyDataDir(copy, { trusted: [trusted] });
    const details = result.stores.find((s) => s.store === 'ledger')!.findings.map((f) => f.detail);
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/not the one its witness in the audit store saw/),
        expect.stringMatching(/not the one the trusted export of 2026-08-02T00:00:00.000Z saw/),
        expect.stringMatching(/not the checkpoint KAP Auditor countersigned/),
      ]),
    );
  });

  it('reads a node key registered while it runs, and the checkpoints signed with it, as registered', async () => {
    // A node started with a new key registers it in the audit store, then signs checkpoints
    // with it: here both land right after verify has read the audit store's records.
    const live = copyDataDir(sample);
    const next = copyDataDir(sample);
    copies.push(live, next);
    const ledger = new SqliteEventStore({ file: join(next, 'ledger.db') });
    const audit = new SqliteEventStore({ file: join(next, `${AUDIT_STORE}.db`) });
    const loop = new SealingLoop({
      stores: new Map([
        ['ledger', ledger],
        [AUDIT_STORE, audit],
      ]),
      audit: new AuditStore(audit),
      key: signingKeyFromSeed(Buffer.alloc(32, 9)),
      clock: () => new Date('2026-08-02T04:00:00.000Z'),
    });
    await ledger.append(
      'account-new',
      [{ id: crypto.randomUUID(), type: 'SavingsDeposited', schemaVersion: 1, data: { n: 1 } }],
      { expectedRevision: 'any' },
    );
    await loop.sealAll();
    await loop.stop();
    await ledger.close();
    await audit.close();
    const spy = afterFirstRead('SELECT body FROM events WHERE category IN', () => {
      for (const file of ['ledger.db', `${AUDIT_STORE}.db`])
        renameSync(join(next, file), join(live, file));
    });
    try {
      const result = await verifyDataDir(live);
      expect(result.stores.map((s) => [s.store, s.checkpoints, s.findings])).toEqual([
        ['audit', 3, []],
        ['ledger', 3, []],
      ]);
      expect(result.intact).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('catches a checkpoint that signed stream heads other than the log’s, the root over the log right', async () => {
    const copy = copyDataDir(sample);
    copies.push(copy);
    const ledger = new SqliteEventStore({ file: join(copy, 'ledger.db') });
    const audit = new SqliteEventStore({ file: join(copy, `${AUDIT_STORE}.db`) });
    await ledger.append(
      'account-1',
      [{ id: crypto.randomUUID(), type: 'SavingsWithdrawn', schemaVersion: 1, data: { n: 1 } }],
      { expectedRevision: 'any' },
    );
    // The sealer asks for the root twice: to check the heads it loaded, then to sign the next.
    const real = StreamHeadsTree.prototype.root;
    let calls = 0;
    const forged = jest.spyOn(StreamHeadsTree.prototype, 'root').mockImplementation(function (
      this: StreamHeadsTree,
    ) {
      calls += 1;
      return calls === 2 ? Buffer.alloc(32, 1) : real.call(this);
    });
    try {
      const loop = new SealingLoop({
        stores: new Map([['ledger', ledger]]),
        audit: new AuditStore(audit),
        key: signingKeyFromSeed(SAMPLE_SEED),
      });
      await loop.sealAll();
      await loop.stop();
    } finally {
      forged.mockRestore();
      await ledger.close();
      await audit.close();
    }
    expect(calls).toBe(2);
    const result = await verifyDataDir(copy, { split: 'never' });
    const { findings } = result.stores.find((s) => s.store === 'ledger')!;
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'altered',
        detail: expect.stringMatching(
          /^checkpoint 3 signed stream heads that are not those of positions 1\.\.\d+: a stream proof against it could hide a stream's last events$/,
        ),
      }),
    ]);
  });

  it('reports a store the audit store witnessed whose file is gone', async () => {
    const copy = copyDataDir(sample);
    copies.push(copy);
    unlinkSync(join(copy, 'ledger.db'));
    const result = await verifyDataDir(copy);
    expect(result.stores.find((s) => s.store === 'ledger')!.first).toMatchObject({
      kind: 'removed',
      detail: expect.stringMatching(/the store is gone/),
    });
  });

  it('reports a store whose seal table was dropped, instead of passing it over as no store', async () => {
    const copy = copyDataDir(sample);
    copies.push(copy);
    withStoreFile(join(copy, 'ledger.db'), (db) => db.exec('DROP TABLE batches'));
    unlinkSync(join(copy, `${AUDIT_STORE}.db`));
    const savings = new SqliteEventStore({ file: join(copy, 'savings.db') });
    await savings.append(
      'account-1',
      [{ id: crypto.randomUUID(), type: 'SavingsDeposited', schemaVersion: 1, data: { n: 1 } }],
      { expectedRevision: 'no_stream' },
    );
    await savings.close();

    const result = await verifyDataDir(copy);

    expect(result.intact).toBe(false);
    expect(result.stores.find((s) => s.store === 'ledger')).toMatchObject({
      intact: false,
      first: { detail: expect.stringMatching(/batches/) },
    });
  });

  it('reports a store file that holds another store’s checkpoints, the audit store gone', async () => {
    const copy = copyDataDir(sample);
    copies.push(copy);
    unlinkSync(join(copy, `${AUDIT_STORE}.db`));
    renameSync(join(copy, 'ledger.db'), join(copy, 'savings.db'));

    const result = await verifyDataDir(copy);

    expect(result.intact).toBe(false);
    expect(result.stores.find((s) => s.store === 'savings')!.first).toMatchObject({
      kind: 'altered',
      stream: 'auditcheckpoints-ledger',
      detail: expect.stringMatching(/checkpoint of ledger .* in savings\.db/),
    });
  });

  it('reports a store a trusted export names whose file is gone, with the audit store started anew', async () => {
    const copy = copyDataDir(sample);
    copies.push(copy);
    const db = openReadOnly(join(copy, 'ledger.db'));
    const trusted: CheckpointExport = {
      format: CHECKPOINT_EXPORT_FORMAT,
      exportedAt: '2026-08-02T00:00:00.000Z',
      stores: [{ store: 'ledger', checkpoints: exportStoreCheckpoints('ledger', db, undefined) }],
    };
    db.close();
    // The ledger gone, and the audit store that witnessed it replaced by an empty one.
    for (const file of ['ledger.db', `${AUDIT_STORE}.db`]) unlinkSync(join(copy, file));
    await new SqliteEventStore({ file: join(copy, `${AUDIT_STORE}.db`) }).close();

    const result = await verifyDataDir(copy, { trusted: [trusted] });

    expect(result.intact).toBe(false);
    expect(result.stores.find((s) => s.store === 'ledger')).toMatchObject({
      intact: false,
      checkpoints: trusted.stores[0]!.checkpoints.length,
      first: {
        kind: 'removed',
        detail: expect.stringMatching(/the store is gone, though the trusted export of 2026-08-02/),
      },
    });
  });
});

/** Runs `write` right after the first statement starting with `sql` has read its rows. */
function afterFirstRead(sql: string, write: () => void): jest.SpyInstance {
  const prepare = Database.prototype.prepare;
  let written = false;
  return jest.spyOn(Database.prototype, 'prepare').mockImplementation(function (
    this: Database.Database,
    text: string,
  ) {
    const statement = prepare.call(this, text);
    if (written || !text.startsWith(sql)) return statement;
    const all = statement.all.bind(statement) as (...params: unknown[]) => unknown[];
    statement.all = (...params: unknown[]) => {
      const rows = all(...params);
      written = true;
      write();
      return rows;
    };
    return statement;
  });
}
