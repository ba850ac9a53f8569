import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openEventStore, type EventStore, type NewEvent } from '@kopfed/eventstore';
import { buildProgram } from '../program';
import { migrateCommand } from './migrate';
import { copyStore, MigrationError, MIGRATION_CHECKPOINT } from './migrate-copy';
import { planMigration } from './migrate-plan';
import { runMigration } from './migrate-run';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-migrate-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const event = (type: string, data: unknown, extra: Partial<NewEvent> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  data,
  metadata: { correlationId: randomUUID(), coopId: 'coop-a', note: 'ünïcødé ✓' },
  ...extra,
});

/** A store with many appends over several streams, some of several events, with old dates. */
async function seed(dir: string, service: string, appends: number, bigBatch = 0): Promise<void> {
  const store = openEventStore(`sqlite:${dir}`, { service });
  for (let i = 0; i < appends; i++) {
    const stream = `account-${i % 7}`;
    const events = Array.from({ length: 1 + (i % 3) }, (_, k) =>
      event(
        'SavingsDeposited',
        { amount: String(1_000 * (i + k)), nested: { i, k } },
        {
          recordedAt: new Date(Date.UTC(2024, 0, 1 + (i % 28), 17, 30)).toISOString(),
          businessDate: `2024-01-${String(2 + (i % 27)).padStart(2, '0')}`,
        },
      ),
    );
    await store.append(stream, events, { expectedRevision: 'any' });
  }
  if (bigBatch > 0) {
    const events = Array.from({ length: bigBatch }, (_, k) => event('MemberRegistered', { k }));
    await store.append('batch-import-1', events, { expectedRevision: 'no_stream' });
  }
  await store.close();
}

async function readAllOf(dir: string, service: string) {
  const store = openEventStore(`sqlite:${dir}`, { service });
  try {
    const events = [];
    for (let after = 0; ;) {
      const page = await store.readAll({ after, maxCount: 1_000 });
      events.push(...page);
      if (page.length < 1_000)
        return { events, seals: await store.readBatches({ maxCount: 100_000 }) };
      after = page[page.length - 1]!.position;
    }
  } finally {
    await store.close();
  }
}

/** A target that fails on its nth append, as a crash or a lost connection would. */
function failingAfter(target: EventStore, appends: number): EventStore {
  let count = 0;
  return new Proxy(target, {
    get(store, property, receiver) {
      if (property !== 'append') return Reflect.get(store, property, receiver) as unknown;
      return (...args: Parameters<EventStore['append']>) => {
        count += 1;
        if (count > appends) return Promise.reject(new Error('connection lost'));
        return store.append(...args);
      };
    },
  });
}

describe('kopfed migrate, SQLite to SQLite', () => {
  it('copies every store keeping ids, order, revisions, dates and metadata, and verifies it', async () => {
    const [from, to] = [freshDir(), freshDir()];
    await seed(from, 'member', 40);
    await seed(from, 'savings', 25);
    await seed(from, 'access', 3);
    const plan = planMigration({ from: `sqlite:${from}`, to: `sqlite:${to}` });
    expect(plan.stores).toEqual(['member', 'savings', 'access']);

    const outcomes = await runMigration(plan, { maxAppendEvents: 10_000, verifyOnly: false });

    expect(outcomes.map((o) => [o.store, o.verified])).toEqual([
      ['member', true],
      ['savings', true],
      ['access', true],
    ]);
    for (const store of plan.stores) {
      const [source, target] = [await readAllOf(from, store), await readAllOf(to, store)];
      // Same log, position for position, so the seal chain is the source's, seal for seal.
      expect(target.events).toEqual(source.events);
      expect(target.seals).toEqual(source.seals);
    }
    expect(outcomes[0]!.copy).toMatchObject({ copiedEvents: 79, appends: 40, resumedAfter: 0 });
  });

  it('reads the source stores and changes nothing in them: bytes, mtime, journal mode, schema', async () => {
    const [from, to] = [freshDir(), freshDir()];
    await seed(from, 'member', 12);
    // A source as a stopped node, or a copy of one, leaves it: out of WAL mode, and from
    // before the by-category index.
    const db = new Database(join(from, 'member.db'));
    db.pragma('journal_mode = DELETE');
    db.exec('DROP INDEX events_by_category');
    db.close();
    const fingerprint = () => {
      const file = join(from, 'member.db');
      const source = new Database(file, { readonly: true });
      try {
        return {
          sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
          mtimeMs: statSync(file).mtimeMs,
          journalMode: source.pragma('journal_mode', { simple: true }) as string,
          schema: source.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
        };
      } finally {
        source.close();
      }
    };
    const before = fingerprint();
    const plan = planMigration({ from: `sqlite:${from}`, to: `sqlite:${to}` });
    const [outcome] = await runMigration(plan, { maxAppendEvents: 10_000, verifyOnly: false });
    expect(outcome).toMatchObject({ store: 'member', verified: true });
    expect(fingerprint()).toEqual(before);
    expect(readdirSync(from)).toEqual(['member.db']);
  });

  it('is idempotent: a second run copies nothing and verifies again', async () => {
    const [from, to] = [freshDir(), freshDir()];
    await seed(from, 'member', 12);
    const plan = planMigration({ from: `sqlite:${from}`, to: `sqlite:${to}` });
    await runMigration(plan, { maxAppendEvents: 10_000, verifyOnly: false });
    const [again] = await runMigration(plan, { maxAppendEvents: 10_000, verifyOnly: false });
    expect(again!.copy).toMatchObject({ copiedEvents: 0, appends: 0 });
    expect(again!.verified).toBe(true);
    expect((await readAllOf(to, 'member')).events).toHaveLength(24);
  });

  it('resumes after an interruption without duplicating what was copied before it', async () => {
    const [from, to] = [freshDir(), freshDir()];
    await seed(from, 'savings', 260);
    const source = openEventStore(`sqlite:${from}`, { service: 'savings' });
    const target = openEventStore(`sqlite:${to}`, { service: 'savings' });
    // 150 appends land, the checkpoint is at 100: appends 101–150 are re-appended on resume.
    await expect(
      copyStore(source, failingAfter(target, 150), { maxAppendEvents: 10_000 }),
    ).rejects.toThrow('connection lost');
    const checkpoint = await target.checkpoints.get(MIGRATION_CHECKPOINT);
    await Promise.all([source.close(), target.close()]);
    expect(checkpoint).toBeGreaterThan(0);

    const plan = planMigration({ from: `sqlite:${from}`, to: `sqlite:${to}` });
    const [outcome] = await runMigration(plan, { maxAppendEvents: 10_000, verifyOnly: false });

    expect(outcome!.copy!.resumedAfter).toBe(checkpoint);
    expect(outcome!.verified).toBe(true);
    const [a, b] = [await readAllOf(from, 'savings'), await readAllOf(to, 'savings')];
    expect(b.events.map((e) => e.id)).toEqual(a.events.map((e) => e.id));
  });

  it('resumes after an interruption before its first checkpoint, instead of refusing its own copy', async () => {
    const [from, to] = [freshDir(), freshDir()];
    await seed(from, 'member', 5, 2_500);
    const source = openEventStore(`sqlite:${from}`, { service: 'member' });
    const target = openEventStore(`sqlite:${to}`, { service: 'member' });
    // The five small appends and the first part of the big batch land, then the link drops.
    await expect(
      copyStore(source, failingAfter(target, 6), { maxAppendEvents: 1_000 }),
    ).rejects.toThrow('connection lost');
    await Promise.all([source.close(), target.close()]);

    const plan = planMigration({ from: `sqlite:${from}`, to: `sqlite:${to}` });
    const [outcome] = await runMigration(plan, { maxAppendEvents: 1_000, verifyOnly: false });

    expect(outcome!.verified).toBe(true);
    const [a, b] = [await readAllOf(from, 'member'), await readAllOf(to, 'member')];
    expect(b.events.map((e) => e.id)).toEqual(a.events.map((e) => e.id));
  });

  it('splits a batch larger than --max-append-events and still verifies the new chain', async () => {
    const [from, to] = [freshDir(), freshDir()];
    await seed(from, 'member', 5, 2_500);
    const plan = planMigration({ from: `sqlite:${from}`, to: `sqlite:${to}` });
    const [outcome] = await runMigration(plan, { maxAppendEvents: 1_000, verifyOnly: false });
    expect(outcome!.verified).toBe(true);
    expect(outcome!.copy!.appends).toBe(5 + 3);
    expect(outcome!.targetChain.batches).toBe(outcome!.sourceChain.batches + 2);
    expect(outcome!.targetChain.lastSeal).not.toBe(outcome!.sourceChain.lastSeal);
  });

  it('refuses a target that holds events of its own', async () => {
    const [from, to] = [freshDir(), freshDir()];
    await seed(from, 'member', 3);
    await seed(to, 'member', 1);
    const plan = planMigration({ from: `sqlite:${from}`, to: `sqlite:${to}` });
    await expect(
      runMigration(plan, { maxAppendEvents: 10_000, verifyOnly: false }),
    ).rejects.toThrow(/refusing to mix two logs/);
  });

  it('finds an event altered in the target: the logs differ and the seal chain breaks', async () => {
    const [from, to] = [freshDir(), freshDir()];
    await seed(from, 'member', 10);
    const plan = planMigration({ from: `sqlite:${from}`, to: `sqlite:${to}` });
    await runMigration(plan, { maxAppendEvents: 10_000, verifyOnly: false });
    const db = new Database(join(to, 'member.db'));
    db.prepare(
      `UPDATE events SET body = replace(body, '"amount":"', '"amount":"9') WHERE position = 7`,
    ).run();
    db.close();

    const [outcome] = await runMigration(plan, { maxAppendEvents: 10_000, verifyOnly: true });

    expect(outcome!.verified).toBe(false);
    expect(outcome!.comparison.mismatch).toMatch(/differs in data/);
    expect(outcome!.targetChain.broken).toMatch(/seal of batch \d+ does not match/);
    expect(outcome!.sourceChain.broken).toBeUndefined();
  });
});

describe('planning a migration', () => {
  it('takes the named stores, refusing a missing one, the same directory, or a non-SQLite source', () => {
    const from = freshDir();
    writeFileSync(join(from, 'member.db'), '');
    writeFileSync(join(from, 'member-master.key'), 'x');
    const plan = planMigration({
      from: `sqlite:${from}`,
      to: 'kurrentdb://kdb-1:2113?tls=false',
      services: 'member',
    });
    expect(plan.stores).toEqual(['member']);
    expect(plan.notices.join('\n')).toMatch(/member-master\.key .*KOPFED_MASTER_KEY/);
    const refuse = (options: Parameters<typeof planMigration>[0]) => () => planMigration(options);
    expect(refuse({ from: `sqlite:${from}`, to: 'sqlite:/x', services: 'member,loan' })).toThrow(
      /loan\.db does not exist/,
    );
    expect(refuse({ from: `sqlite:${from}`, to: `sqlite:${from}/.` })).toThrow(/same directory/);
    expect(refuse({ from: 'kurrentdb://a:1', to: `sqlite:${from}` })).toThrow(MigrationError);
    expect(refuse({ from: `sqlite:${from}`, to: 'postgres://db' })).toThrow(/--to must be/);
  });

  it('says that a person key store left with a -wal by a node that did not stop cleanly goes with it', () => {
    const from = freshDir();
    writeFileSync(join(from, 'member.db'), '');
    writeFileSync(join(from, 'member-keys.db'), '');
    // The keys of the persons registered last may be only there.
    writeFileSync(join(from, 'member-keys.db-wal'), 'frames');
    const plan = planMigration({ from: `sqlite:${from}`, to: `sqlite:${freshDir()}` });
    expect(plan.notices.join('\n')).toMatch(
      /member-keys\.db .* with member-keys\.db-wal beside it, which holds keys not yet in the file/,
    );
  });
});

describe('kopfed migrate, the command', () => {
  /** Runs `kopfed migrate …` in process, capturing what it writes. */
  async function kopfed(...args: string[]) {
    const written = { stdout: '', stderr: '' };
    const capture = (stream: 'stdout' | 'stderr') =>
      jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
        written[stream] += String(chunk);
        return true;
      });
    const spies = [capture('stdout'), capture('stderr')];
    try {
      await buildProgram([migrateCommand]).parseAsync(['node', 'kopfed', 'migrate', ...args]);
      return written;
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  }

  it('migrates, prints what it verified, and fails naming a bad option', async () => {
    const [from, to] = [freshDir(), freshDir()];
    await seed(from, 'settlement', 6);
    const ok = await kopfed('--from', `sqlite:${from}`, '--to', `sqlite:${to}`);
    expect(ok.stdout).toMatch(
      /^settlement: verified — 12 events copied in 6 appends; 12\/12 events/m,
    );
    expect(ok.stderr).toMatch(/settlement .*100%/);

    await expect(kopfed('--from', 'sqlite::memory:', '--to', `sqlite:${to}`)).rejects.toThrow(
      /--from must be/,
    );
    await expect(
      kopfed('--from', `sqlite:${from}`, '--to', `sqlite:${to}`, '--max-append-events', '0'),
    ).rejects.toThrow(/--max-append-events: must be an integer/);
  });

  it('names the target that does not answer, instead of a bare UnavailableError', async () => {
    const from = freshDir();
    await seed(from, 'settlement', 1);
    const to = 'kurrentdb://127.0.0.1:1?tls=false';
    await expect(kopfed('--from', `sqlite:${from}`, '--to', to)).rejects.toThrow(
      /^--to kurrentdb:\/\/127\.0\.0\.1:1\?tls=false: no KurrentDB answers there \(UnavailableError\); is it running, and is tls= right\?$/,
    );
  }, 60_000);
});
