import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kopfed/eventstore';
import { signingKeyFromSeed } from '../keys/ed25519';
import { leafHash, rootOf } from '../merkle/merkle-tree';
import { streamHeadText, StreamHeadsTree, type StreamHead } from '../merkle/stream-heads';
import { AuditStore } from '../signers/audit-store';
import { alterOneByte, withStoreFile } from '../testing/tamper';
import { AUDIT_STREAMS, CheckpointEventData, signatureHolds } from './checkpoint';
import { CheckpointIndex } from './checkpoint-index';
import { LogDamagedError, logSourceOf } from './log-source';
import { CheckpointSealer, SLICE_EVENTS } from './sealer';
import { SealingLoop, SigningKeyRevokedError } from './sealing-loop';

const key = signingKeyFromSeed(Buffer.alloc(32, 9));
let dir: string;
let ledger: SqliteEventStore;
let audit: SqliteEventStore;

const deposit = (n: number) => ({
  id: crypto.randomUUID(),
  type: 'SavingsDeposited',
  schemaVersion: 1,
  data: { n },
});
async function appendMany(count: number, perAppend = 3): Promise<void> {
  for (let i = 0; i < count; i += perAppend)
    await ledger.append(
      `account-${i % 7}`,
      Array.from({ length: Math.min(perAppend, count - i) }, (_, k) => deposit(i + k)),
      {
        expectedRevision: 'any',
      },
    );
}
const sealer = (maxEventsPerCheckpoint?: number) =>
  new CheckpointSealer({
    name: 'ledger',
    store: ledger,
    key,
    witness: new AuditStore(audit),
    ...(maxEventsPerCheckpoint ? { maxEventsPerCheckpoint } : {}),
  });
/** Counts the turns of the event loop (each a setImmediate) until stopped. */
function countTurns(): { count(): number; stop(): void } {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    count: () => turns,
    stop: () => {
      running = false;
    },
  };
}
/** The root of the whole log up to `through`, from scratch. */
const rootThrough = (through: number) =>
  rootOf(
    ledger.database
      .prepare<[number], string>('SELECT body FROM events WHERE position <= ? ORDER BY position')
      .pluck(true)
      .all(through)
      .map(leafHash),
  ).toString('hex');

/** The stream heads root at `through`, from scratch: each stream's last event, first seen first. */
const headsRootThrough = (through: number) =>
  rootOf(
    ledger.database
      .prepare<[number], { stream: string; lastRevision: number; lastPosition: number }>(
        'SELECT stream, MAX(revision) AS lastRevision, MAX(position) AS lastPosition FROM events WHERE position <= ? GROUP BY stream ORDER BY MIN(position)',
      )
      .all(through)
      .map((head) => leafHash(streamHeadText(head))),
  ).toString('hex');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kopfed-sealer-'));
  ledger = new SqliteEventStore({ file: join(dir, 'ledger.db') });
  audit = new SqliteEventStore({ file: join(dir, 'audit.db') });
});
afterEach(async () => {
  await ledger.close();
  await audit.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('checkpoint sealer', () => {
  it('signs the Merkle root of the whole log incrementally, across restarts, and witnesses each checkpoint', async () => {
    await appendMany(30);
    const [first] = await sealer().seal();
    expect(first!.statement).toMatchObject({
      sequence: 1,
      lastPosition: 30,
      previous: null,
      store: 'ledger',
    });
    expect(first!.statement.merkleRoot).toBe(rootThrough(30));
    expect(first!.statement.streamHeadsRoot).toBe(headsRootThrough(30));
    expect(signatureHolds(first!.statement, first!.signature)).toBe(true);

    await appendMany(20);
    // A new sealer resumes from the frontier stored in checkpoint 1, without rereading the log.
    const [second] = await sealer().seal();
    expect(second!.statement).toMatchObject({ sequence: 2, lastPosition: 51 });
    expect(second!.statement.merkleRoot).toBe(rootThrough(51));
    expect(second!.statement.streamHeadsRoot).toBe(headsRootThrough(51));
    const witnessed = await new AuditStore(audit).records();
    expect(witnessed.witnesses.get('ledger')!.map((w) => w.checkpointPosition)).toEqual([31, 52]);
  });

  it('gathers the stream heads range by range as from the whole log, and through the port too', async () => {
    await appendMany(60, 2);
    const fromScratch = headsRootThrough(55);
    for (const headsRange of [1, 7, 55, 1_000]) {
      const heads = await logSourceOf(ledger, { headsRange }).streamHeads(55);
      expect(StreamHeadsTree.of(heads).root().toString('hex')).toBe(fromScratch);
      expect((await StreamHeadsTree.built(heads)).root().toString('hex')).toBe(fromScratch);
    }
    const viaPort = {
      ...ledger,
      headPosition: () => ledger.headPosition(),
      readAll: (options: Parameters<typeof ledger.readAll>[0]) => ledger.readAll(options),
    } as unknown as SqliteEventStore;
    const heads = await logSourceOf(viaPort).streamHeads(55);
    expect(StreamHeadsTree.of(heads).root().toString('hex')).toBe(fromScratch);
  });

  it('reads no more batches than the events it was asked for, from the file and through the port', async () => {
    await appendMany(40, 1);
    const asked: number[] = [];
    const viaPort = {
      ...ledger,
      headPosition: () => ledger.headPosition(),
      readAll: (options: Parameters<typeof ledger.readAll>[0]) => ledger.readAll(options),
      readBatches: (options: Parameters<typeof ledger.readBatches>[0]) => {
        asked.push(options?.maxCount ?? Number.NaN);
        return ledger.readBatches(options);
      },
    } as unknown as SqliteEventStore;
    const fromFile = await logSourceOf(ledger).batchesAfter(3, 5);
    expect(fromFile.map((b) => b.batch.batch)).toEqual([4, 5, 6, 7, 8]);
    expect(await logSourceOf(viaPort).batchesAfter(3, 5)).toEqual(fromFile);
    expect(asked).toEqual([5]);
  });

  it('counts pending events without its own checkpoint, and signs nothing when nothing is new', async () => {
    await appendMany(9);
    const s = sealer();
    expect(await s.pendingEvents()).toBe(9);
    await s.seal();
    expect(await s.pendingEvents()).toBe(0);
    expect(await s.seal()).toEqual([]);
    await appendMany(2);
    expect(await s.pendingEvents()).toBe(2);
  });

  it('splits a long backlog into checkpoints of about maxEventsPerCheckpoint events, at batch boundaries', async () => {
    await appendMany(100, 4);
    const signed = await sealer(30).seal();
    // The checkpoints appended meanwhile (positions 101..103) are covered by the last one.
    expect(signed.map((c) => c.statement.lastPosition)).toEqual([28, 56, 84, 103]);
    const index = new CheckpointIndex(ledger, 'ledger');
    expect((await index.covering(29))!.data.statement.sequence).toBe(2);
    expect(await index.covering(104)).toBeUndefined();
    const data = CheckpointEventData.parse(
      (await ledger.readStream(AUDIT_STREAMS.checkpoints('ledger')))[1]!.data,
    );
    expect(Buffer.from(data.leafFingerprints, 'base64')).toHaveLength(28 * 8);
  });

  it('hands the event loop back between slices of a long checkpoint', async () => {
    /** Turns of the event loop while `work` runs. */
    const turnsDuring = async (work: () => Promise<unknown>) => {
      const turns = countTurns();
      await work();
      turns.stop();
      return turns.count();
    };
    const s = sealer();
    await appendMany(100, 100);
    const oneSlice = await turnsDuring(() => s.seal());
    await appendMany(4_900, 100);
    const fiveSlices = await turnsDuring(() => s.seal());
    // The same appends (a checkpoint and its witness) either way; four more turns between slices.
    expect(fiveSlices).toBeGreaterThanOrEqual(oneSlice + 4);
    const checkpoints = await ledger.readStream(AUDIT_STREAMS.checkpoints('ledger'));
    const last = CheckpointEventData.parse(checkpoints.at(-1)!.data).statement;
    expect(last).toMatchObject({ sequence: 2, lastPosition: 5_001 });
    expect(last.merkleRoot).toBe(rootThrough(5_001));
  });

  it('moves the stream heads a slice at a time, each stream once per slice', async () => {
    // 3,000 streams of one event each, then one stream moved by 1,000 appends of one event.
    for (let i = 0; i < 3_000; i++)
      await ledger.append(`account-${i}`, [deposit(i)], { expectedRevision: 'no_stream' });
    for (let i = 0; i < 1_000; i++)
      await ledger.append('account-busy', [deposit(i)], { expectedRevision: 'any' });
    const turns = countTurns();
    const setsPerTurn = new Map<number, number>();
    const busyHeads: number[] = [];
    const set = StreamHeadsTree.prototype.set;
    jest.spyOn(StreamHeadsTree.prototype, 'set').mockImplementation(function (
      this: StreamHeadsTree,
      head: StreamHead,
    ) {
      setsPerTurn.set(turns.count(), (setsPerTurn.get(turns.count()) ?? 0) + 1);
      if (head.stream === 'account-busy') busyHeads.push(head.lastRevision);
      set.call(this, head);
    });
    try {
      await sealer().seal();
    } finally {
      turns.stop();
      jest.restoreAllMocks();
    }
    // Before, the 4,000 heads were set at the end, in one turn, the busy stream's 1,000 times.
    expect(Math.max(...setsPerTurn.values())).toBeLessThanOrEqual(SLICE_EVENTS);
    const slices = 1_000 / SLICE_EVENTS;
    expect(busyHeads).toEqual(Array.from({ length: slices }, (_, i) => (i + 1) * SLICE_EVENTS - 1));
    const last = CheckpointEventData.parse(
      (await ledger.readStream(AUDIT_STREAMS.checkpoints('ledger'))).at(-1)!.data,
    ).statement;
    expect(last.lastPosition).toBe(4_000);
    expect(last.streamHeadsRoot).toBe(headsRootThrough(4_000));
  });

  it('keeps whole batches and the event limit across slices, batches larger than a slice included', async () => {
    await appendMany(3_000, 1_500);
    await appendMany(2_000, 400);
    const signed = await sealer(2_500).seal();
    // 1,500 | 1,500 + 400 + 400 (the next 400 would pass 2,500) | the rest and checkpoints 1–2.
    expect(signed.map((c) => c.statement.lastPosition)).toEqual([1_500, 3_800, 5_002]);
    expect(signed.at(-1)!.statement.merkleRoot).toBe(rootThrough(5_002));
    for (const maxEventsPerCheckpoint of [0, -1, 1.5, Number.NaN])
      expect(
        () => new CheckpointSealer({ name: 'ledger', store: ledger, key, maxEventsPerCheckpoint }),
      ).toThrow(RangeError);
  });

  it('refuses to sign a log whose batch no longer matches its seal', async () => {
    await appendMany(6);
    await ledger.close();
    withStoreFile(join(dir, 'ledger.db'), (db) => alterOneByte(db, 2));
    ledger = new SqliteEventStore({ file: join(dir, 'ledger.db') });
    await expect(sealer().seal()).rejects.toThrow(LogDamagedError);
    expect(await ledger.streamRevision(AUDIT_STREAMS.checkpoints('ledger'))).toBeUndefined();
  });

  it('checkpoints on its own once enough events wait, registering the node key once', async () => {
    const loop = new SealingLoop({
      stores: new Map([['ledger', ledger]]),
      audit: new AuditStore(audit),
      key,
      everyEvents: 5,
      intervalMs: 3_600_000,
      tickMs: 10,
    });
    const checkpoints = () => ledger.streamRevision(AUDIT_STREAMS.checkpoints('ledger'));
    const until = async (revision: number) => {
      const deadline = Date.now() + 5_000;
      while ((await checkpoints()) !== revision && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
    };
    await appendMany(3);
    await loop.start();
    // Never sealed before: the first tick seals at once.
    await until(0);
    await appendMany(3);
    await new Promise((r) => setTimeout(r, 100));
    expect(await checkpoints()).toBe(0);
    await appendMany(3);
    await until(1);
    await loop.stop();
    expect(await checkpoints()).toBe(1);
    const { signers } = await new AuditStore(audit).records();
    expect([...signers.values()]).toEqual([
      expect.objectContaining({ keyId: key.keyId, role: 'node' }),
    ]);
  });

  it('signs nothing with a revoked key, and counts an older revocation from when it was recorded', async () => {
    const witness = new AuditStore(audit);
    const loop = new SealingLoop({ stores: new Map([['ledger', ledger]]), audit: witness, key });
    await appendMany(3);
    await loop.sealAll();
    // A revocation written before revocations had an effective time.
    await audit.append(
      AUDIT_STREAMS.signer(key.keyId),
      [
        {
          id: crypto.randomUUID(),
          type: 'AuditSignerRevoked',
          schemaVersion: 1,
          data: { keyId: key.keyId, revokedBy: 'admin', reason: 'rotated' },
        },
      ],
      { expectedRevision: 0 },
    );
    const signer = await witness.signer(key.keyId);
    expect(signer).toMatchObject({ revocationReason: 'rotated', revokedBy: 'admin' });
    const recorded = (await audit.readStream(AUDIT_STREAMS.signer(key.keyId)))[1]!.recordedAt;
    expect(signer!.revokedAt).toBe(recorded);
    await appendMany(3);
    await expect(loop.sealAll()).rejects.toThrow(SigningKeyRevokedError);
    expect(await ledger.streamRevision(AUDIT_STREAMS.checkpoints('ledger'))).toBe(0);
    expect(
      await witness.revokeSigner({ keyId: key.keyId, revokedBy: 'admin', reason: 'again' }),
    ).toBe('not_revocable');
  });
});
