import { execFile } from 'node:child_process';
import { hash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type Database from 'better-sqlite3';
import { CommanderError } from 'commander';
import request from 'supertest';
import { ProofService, ReadOnlySqliteStore, type DataDirVerification } from '@kopfed/audit';
import {
  alterOneByte,
  buildSampleBooks,
  copyDataDir,
  deleteEvent,
  dropLastBatch,
  eventAt,
  insertForgedEvent,
  swapEvents,
  withStoreFile,
} from '@kopfed/audit/src/testing';
import { SqliteEventStore } from '@kopfed/eventstore';
import { hostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '@kopfed/member';
import { COOP, federation, person } from '@kopfed/member/src/testing/federation';
import { buildProgram } from '../program';
import { auditCommands } from './audit';

const CLI = join(__dirname, '..', '..', 'bin', 'kopfed.js');
const dirs: string[] = [];
let dataDir: string;

/** `kopfed …` in process: its stdout and its exit code. */
async function kopfed(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
  try {
    await buildProgram([auditCommands]).parseAsync(['node', 'kopfed', ...args]);
    return { code: 0, out };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode, out };
    throw error;
  } finally {
    spy.mockRestore();
  }
}

const probe = (n: number) => ({
  id: randomUUID(),
  type: 'AuditProbeRecorded',
  schemaVersion: 1,
  data: { n, note: `probe ${n}` },
});

/**
 * A real data directory: the member service hosted as the node hosts it, coops and members
 * joined over HTTP, appends of several events made directly, sealed, more appends, sealed again.
 */
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kopfed-audit-cli-'));
  dirs.push(dataDir);
  const fixture = await hostFixture([memberModule], {
    dataDir,
    clock: () => new Date('2026-08-01T03:00:00Z'),
  });
  const f = await federation(fixture);
  for (let n = 1; n <= 6; n++)
    await request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.A}/members`)
      .set(f.auth(f.coopA))
      .send({
        kind: 'person',
        memberNumber: `A-${n}`,
        externalId: `X-${n}`,
        joinedOn: '2026-02-01',
        person: person(n),
      })
      .expect(201);
  await fixture.stores
    .get('member')!
    .append('auditprobe-1', [probe(1), probe(2), probe(3)], { expectedRevision: 'no_stream' });
  await fixture.close();
  expect((await kopfed('audit', 'seal', '--data-dir', dataDir)).out).toMatch(
    /member: checkpoint 1 through position/,
  );
  const member = new SqliteEventStore({ file: join(dataDir, 'member.db') });
  for (let n = 4; n <= 6; n++)
    await member.append('auditprobe-1', [probe(n)], { expectedRevision: n - 2 });
  await member.append('auditprobe-2', [probe(7), probe(8)], { expectedRevision: 'no_stream' });
  await member.close();
  expect((await kopfed('audit', 'seal', '--data-dir', dataDir)).out).toMatch(
    /member: checkpoint 2 through position/,
  );
}, 120_000);
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Reads the untouched member store: which event is where. */
function inMember<T>(read: (db: Database.Database) => T): T {
  return withStoreFile(join(dataDir, 'member.db'), read);
}
const named = (position: number) =>
  inMember((db) => {
    const { stream, revision, id } = eventAt(db, position);
    return { position, stream, revision, eventId: id };
  });

async function verifyTampered(tamper: (db: Database.Database) => void) {
  const copy = copyDataDir(dataDir);
  dirs.push(copy);
  withStoreFile(join(copy, 'member.db'), tamper);
  const text = await kopfed('audit', 'verify', '--data-dir', copy);
  const json = await kopfed('audit', 'verify', '--data-dir', copy, '--json');
  const result = JSON.parse(json.out) as DataDirVerification;
  return {
    code: text.code,
    out: text.out,
    member: result.stores.find((s) => s.store === 'member')!,
  };
}

describe('kopfed audit verify on a copy of a real data directory', () => {
  it('exits 0 on the untouched copy, and the real binary does too', async () => {
    const copy = copyDataDir(dataDir);
    dirs.push(copy);
    const { code, out } = await kopfed('audit', 'verify', '--data-dir', copy);
    expect(code).toBe(0);
    expect(out).toMatch(/^member\.db +intact +\d+ events, \d+ batches, 2 checkpoints/m);
    expect(out).toMatch(/^access\.db +intact/m);
    const child = await promisify(execFile)(process.execPath, [
      CLI,
      'audit',
      'verify',
      '--data-dir',
      copy,
    ]);
    expect(child.stdout).toMatch(/\nintact\n$/);
  }, 60_000);

  it('names a changed byte in the middle of an append', async () => {
    const position = inMember((db) =>
      db
        .prepare<[], number>(
          'SELECT first_position + 1 FROM batches WHERE last_position > first_position + 1 ORDER BY batch LIMIT 1',
        )
        .pluck()
        .get()!,
    );
    const { code, out, member } = await verifyTampered((db) => alterOneByte(db, position));
    expect(code).toBe(1);
    const expected = named(position);
    expect(member.first).toMatchObject({ kind: 'altered', ...expected });
    expect(out).toContain(
      `member.db TAMPERED  altered: position ${position}, stream ${expected.stream}, revision ${expected.revision}`,
    );
  });

  it('names a deleted event by its stream and revision', async () => {
    const position = inMember((db) =>
      db
        .prepare<[], number>(
          "SELECT position FROM events WHERE stream = 'auditprobe-1' AND revision = 1",
        )
        .pluck()
        .get()!,
    );
    const { code, member } = await verifyTampered((db) => deleteEvent(db, position));
    expect(code).toBe(1);
    expect(member.first).toMatchObject({ kind: 'removed', ...named(position), eventId: null });
  });

  it('names the first of two swapped events', async () => {
    const [p, q] = inMember((db) =>
      db
        .prepare<[], number>(
          "SELECT position FROM events WHERE stream = 'auditprobe-1' AND revision IN (3, 5) ORDER BY revision",
        )
        .pluck()
        .all(),
    );
    const { code, member } = await verifyTampered((db) => swapEvents(db, p!, q!, true));
    expect(code).toBe(1);
    expect(member.first).toMatchObject({ kind: 'reordered', ...named(q!), position: p });
  });

  it('names a forged event inserted in the middle, even with every later seal recomputed', async () => {
    const position = inMember((db) =>
      db.prepare<[], number>('SELECT first_position FROM batches WHERE batch = 10').pluck().get()!,
    );
    const { code, member } = await verifyTampered((db) =>
      insertForgedEvent(db, position, 'account-forged'),
    );
    expect(code).toBe(1);
    expect(member.first).toMatchObject({
      kind: 'inserted',
      position,
      stream: 'account-forged',
      revision: 0,
    });
  });

  it('names the dropped last batch', async () => {
    const head = inMember((db) =>
      db.prepare<[], number>('SELECT max(position) FROM events').pluck().get()!,
    );
    const { code, member } = await verifyTampered((db) => void dropLastBatch(db));
    expect(code).toBe(1);
    expect(member.first).toMatchObject({
      kind: 'removed',
      position: head,
      stream: 'auditcheckpoints-member',
      revision: 1,
    });
  });

  it('exits 1 from the real binary on a tampered copy', async () => {
    const copy = copyDataDir(dataDir);
    dirs.push(copy);
    // An event of the probe stream, whose later revisions name it once it is gone (the member
    // service's own events at a fixed position move as the service changes).
    const position = inMember((db) =>
      db
        .prepare<[], number>(
          "SELECT position FROM events WHERE stream = 'auditprobe-1' AND revision = 1",
        )
        .pluck()
        .get()!,
    );
    withStoreFile(join(copy, 'member.db'), (db) => deleteEvent(db, position));
    const failure = await promisify(execFile)(process.execPath, [
      CLI,
      'audit',
      'verify',
      '--data-dir',
      copy,
    ]).catch((e: { code: number; stdout: string }) => e);
    expect(failure).toMatchObject({
      code: 1,
      stdout: expect.stringContaining(
        `member.db TAMPERED  removed: position ${position}, stream auditprobe-1, revision 1`,
      ),
    });
  }, 60_000);
});

/**
 * A copy of the stores as an auditor is handed one (VACUUM INTO: consistent, in rollback-journal
 * mode), the member store from before its by-category index: a command that only reads must
 * leave every byte, the journal mode and the schema as they are.
 */
function auditorsCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'kopfed-auditors-copy-'));
  dirs.push(copy);
  for (const name of readdirSync(dataDir).filter((n) => n.endsWith('.db'))) {
    const db = new BetterSqlite3(join(dataDir, name), { readonly: true });
    db.prepare('VACUUM INTO ?').run(join(copy, name));
    db.close();
  }
  const member = new BetterSqlite3(join(copy, 'member.db'));
  member.exec('DROP INDEX events_by_category');
  member.close();
  return copy;
}

/** Every store file's bytes, mtime, journal mode and schema. */
function fingerprint(dir: string) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.db'))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      const db = new BetterSqlite3(file, { readonly: true });
      try {
        return {
          name,
          sha256: hash('sha256', readFileSync(file), 'hex'),
          mtimeMs: fs.statSync(file).mtimeMs,
          journalMode: db.pragma('journal_mode', { simple: true }) as string,
          schema: db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
        };
      } finally {
        db.close();
      }
    });
}

describe('kopfed audit prove: the auditor’s command changes nothing', () => {
  it('proves an event from a copy of the stores and leaves every byte, mode and schema of it', async () => {
    const copy = auditorsCopy();
    const before = fingerprint(copy);
    expect(before.find((f) => f.name === 'member.db')?.journalMode).toBe('delete');
    const { code, out } = await kopfed(
      'audit',
      'prove',
      '--event',
      named(1).eventId,
      '--data-dir',
      copy,
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ store: 'member', position: 1 });
    expect(fingerprint(copy)).toEqual(before);
  });
});

describe('kopfed audit rebuild-check', () => {
  it('rebuilds every member projection from the log identically', async () => {
    const { code, out } = await kopfed('audit', 'rebuild-check', '--data-dir', dataDir);
    expect(out).toMatch(
      /member: member-coops-v2 +identical \d+ rows in coop_rats, coop_status_changes, coops/,
    );
    expect(out).toMatch(
      /member: member-directory-v1 +identical \d+ rows in member_counts, members/,
    );
    expect(out).toMatch(/member: member-agreements-v1 +identical 0 rows in agreements/);
    expect(code).toBe(0);
  }, 60_000);
});

describe('kopfed audit replay and export', () => {
  let books: string;
  beforeAll(async () => {
    books = await buildSampleBooks();
    dirs.push(books);
  });

  it('rebuilds the books from the events alone, identically each time', async () => {
    const text = await kopfed('audit', 'replay', '--as-of', '2026-06-30', '--data-dir', books);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/KSP-A: 4 entries/);
    expect(text.out).toMatch(
      /SHU 2026-01-01\.\.2026-06-30: income 550,000, expenses 200,000, result 350,000/,
    );
    expect(text.out).toMatch(/checkpoint 1 signed 2026-08-02T04:00:00.000Z/);
    const args = ['audit', 'replay', '--as-of', '2026-07-31T00:00:00Z', '--coop', 'KSP-A'];
    const first = await kopfed(...args, '--data-dir', books, '--json');
    const second = await kopfed(...args, '--data-dir', books, '--json');
    expect(second.out).toBe(first.out);
    expect(JSON.parse(first.out)).toMatchObject({
      asOf: { kind: 'instant', businessDate: '2026-07-31' },
      coops: [{ coopId: 'KSP-A', shuStatement: { resultMinor: '300000' } }],
    });
  });

  it('exports the same audit package twice, byte for byte', async () => {
    const out = [1, 2].map((n) => join(books, `export-${n}`));
    for (const dir of out) {
      const { code } = await kopfed(
        'audit',
        'export',
        '--coop',
        'KSP-A',
        '--year',
        '2026',
        '--data-dir',
        books,
        '--out',
        dir,
      );
      expect(code).toBe(0);
    }
    const files = readdirSync(out[0]!).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'journal.csv',
        'trial-balance.csv',
        'checkpoints.json',
        'manifest.json',
      ]),
    );
    for (const name of files)
      expect(readFileSync(join(out[1]!, name))).toEqual(readFileSync(join(out[0]!, name)));
  });

  it('refuses a coop with no books in the store, as export does, writing nothing', async () => {
    const reason = 'Coop KSP-TYPO has no books in the settlement store.';
    const out = join(books, 'replay-of-a-typo');
    const replay = ['audit', 'replay', '--as-of', '2026-12-31', '--coop', 'KSP-TYPO'];
    const exported = ['audit', 'export', '--year', '2026', '--coop', 'KSP-TYPO'];
    await expect(kopfed(...replay, '--data-dir', books, '--out', out)).rejects.toThrow(reason);
    await expect(kopfed(...exported, '--data-dir', books, '--out', out)).rejects.toThrow(reason);
    expect(readdirSync(books)).not.toContain('replay-of-a-typo');
    const binary = await kopfedBinary(...replay, '--data-dir', books);
    expect(binary).toMatchObject({ code: 1, stdout: '', stderr: `${reason}\n` });
  }, 60_000);

  it('still prints the books of a coop with a ledger but no entry yet as of the date', async () => {
    const replay = ['audit', 'replay', '--as-of', '2026-01-01', '--coop', 'KSP-B'];
    const { code, out } = await kopfed(...replay, '--data-dir', books);
    expect(code).toBe(0);
    expect(out).toMatch(/^KSP-B: 0 entries$/m);
  });

  it('refuses an as-of that is neither a date nor an instant, changing nothing', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { code } = await kopfed(
        'audit',
        'replay',
        '--as-of',
        '2026-13-01',
        '--data-dir',
        books,
      );
      expect(code).not.toBe(0);
    } finally {
      stderr.mockRestore();
    }
  });
});

/** The real binary: its exit code, stdout and stderr. */
async function kopfedBinary(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [CLI, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('kopfed audit on bad input: a one-line reason on stderr and exit 1, no stack', () => {
  let files: string;
  const file = (name: string, content: string) => {
    const path = join(files, name);
    writeFileSync(path, content);
    return path;
  };
  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'kopfed-bad-input-'));
    dirs.push(files);
    const out = join(files, 'member-checkpoints.json');
    expect((await kopfed('audit', 'checkpoints', '--data-dir', dataDir, '--out', out)).code).toBe(
      0,
    );
  });

  it.each<[string, () => string[], RegExp]>([
    [
      'a proof that does not hold',
      () => ['audit', 'check-proof', file('proof.json', '{"x":1}')],
      /^the proof does not hold: not an inclusion or stream proof$/,
    ],
    [
      'a proof file that is not JSON',
      () => ['audit', 'check-proof', file('proof.txt', 'nonsense')],
      /^.*proof\.txt: not JSON/,
    ],
    [
      'keygen over an existing file',
      () => ['audit', 'keygen', '--out', file('seed', 'kept\n')],
      /seed exists: not overwriting a key$/,
    ],
    [
      'verify of a directory without stores',
      () => ['audit', 'verify', '--data-dir', files],
      /^no event stores in .*kopfed-bad-input-\w+: nothing verified$/,
    ],
    [
      'rebuild-check of a directory without stores',
      () => ['audit', 'rebuild-check', '--data-dir', files],
      /^no store with projections \(member, savings, loan, settlement\) in .*kopfed-bad-input-\w+: nothing checked$/,
    ],
    [
      'rebuild-check of a directory that does not exist',
      () => ['audit', 'rebuild-check', '--data-dir', join(files, 'missing')],
      /^.*missing: no such directory$/,
    ],
    [
      'a trusted file that is not a checkpoint export',
      () => ['audit', 'verify', '--data-dir', dataDir, '--trusted', file('export.json', '{}')],
      /^.*export\.json: not a checkpoint export \(kopfed audit checkpoints\): format: /,
    ],
    [
      'seal of a directory without stores',
      () => ['audit', 'seal', '--data-dir', files],
      /^no event stores in .*kopfed-bad-input-\w+: nothing to seal$/,
    ],
    [
      'checkpoints of a directory without stores',
      () => ['audit', 'checkpoints', '--data-dir', files],
      /^no event stores in .*kopfed-bad-input-\w+$/,
    ],
    [
      'checkpoints of a store the directory does not hold',
      () => ['audit', 'checkpoints', '--data-dir', dataDir, '--store', 'savngs'],
      /^no savngs store in .*kopfed-audit-cli-\w+$/,
    ],
    [
      'a checkpoint number that is not a number',
      () => ['audit', 'prove', '--event', 'e', '--checkpoint', 'x', '--data-dir', dataDir],
      /'--checkpoint <n>' argument 'x' is invalid\. a checkpoint number is a whole number from 1$/m,
    ],
    [
      'a checkpoint sequence that is not a number',
      () => [
        'audit',
        'countersign',
        '--export',
        file(
          'checkpoints.json',
          '{"format":"kopfed-checkpoints-v1","exportedAt":"2026-08-01T00:00:00Z","stores":[]}',
        ),
        '--store',
        'member',
        '--sequence',
        'one',
        '--key-file',
        file('bad-seed', 'abc\n'),
      ],
      /'--sequence <n>' argument 'one' is invalid\. a checkpoint number is a whole number from 1$/m,
    ],
    [
      'a key file that holds no seed',
      () => [
        'audit',
        'countersign',
        '--export',
        join(files, 'member-checkpoints.json'),
        '--store',
        'member',
        '--sequence',
        '1',
        '--key-file',
        file('not-a-seed', 'abc\n'),
      ],
      /^.*not-a-seed: not a 32-byte Ed25519 seed in base64$/,
    ],
  ])(
    '%s',
    async (_case, args, reason) => {
      const { code, stderr } = await kopfedBinary(...args());
      expect(stderr.trimEnd()).toMatch(reason);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(code).toBe(1);
      // Nothing was made in the directory by the refusal (no audit store, no signing key).
      expect(readdirSync(files).filter((name) => /^audit/.test(name))).toEqual([]);
    },
    60_000,
  );

  it('holds a stream proof, not the same proof with its last event dropped, nor one signed by a key revoked by then', async () => {
    const member = new ReadOnlySqliteStore(join(dataDir, 'member.db'));
    const proof = await new ProofService(new Map([['member', member]]))
      .stream('member', 'auditprobe-1')
      .finally(() => member.close());
    expect(proof).toMatchObject({ complete: true, head: { lastRevision: 5 } });
    const whole = await kopfedBinary(
      'audit',
      'check-proof',
      file('stream.json', JSON.stringify(proof)),
    );
    expect(whole).toMatchObject({ code: 0, stdout: 'the proof holds\n' });
    const member2 = new ReadOnlySqliteStore(join(dataDir, 'member.db'));
    const page = await new ProofService(new Map([['member', member2]]))
      .stream('member', 'auditprobe-1', { fromRevision: 2 })
      .finally(() => member2.close());
    const partial = await kopfedBinary(
      'audit',
      'check-proof',
      file('page.json', JSON.stringify(page)),
    );
    expect(partial).toMatchObject({
      code: 0,
      stdout: 'the proof holds\nwarning: the proof starts at revision 2: not the whole stream\n',
    });
    // With the node's signer list: a key revoked by the time it signed makes the proof fail.
    const { keyId } = proof.checkpoint.signature;
    const signedAt = Date.parse(proof.checkpoint.statement.signedAt);
    const signers = (revokedAt: string | null) =>
      file(
        'signers.json',
        JSON.stringify({
          signers: [
            {
              keyId,
              publicKey: 'AAAA',
              role: 'node',
              coopId: null,
              name: 'the node',
              registeredBy: 'node',
              registeredAt: '2026-01-01T00:00:00.000Z',
              revokedAt,
              revokedBy: revokedAt === null ? null : 'admin',
              revocationReason: revokedAt === null ? null : 'seed leaked',
            },
          ],
        }),
      );
    const stream = file('stream-again.json', JSON.stringify(proof));
    const later = new Date(signedAt + 1).toISOString();
    expect(
      await kopfedBinary('audit', 'check-proof', stream, '--signers', signers(later)),
    ).toMatchObject({ code: 0, stdout: 'the proof holds\n' });
    const earlier = new Date(signedAt).toISOString();
    const revoked = await kopfedBinary(
      'audit',
      'check-proof',
      stream,
      '--signers',
      signers(earlier),
    );
    expect(revoked.code).toBe(1);
    expect(revoked.stderr.trimEnd()).toMatch(
      new RegExp(`revoked from ${earlier}: it does not count$`),
    );
    const notAList = await kopfedBinary('audit', 'check-proof', stream, '--signers', stream);
    expect(notAList.code).toBe(1);
    expect(notAList.stderr).toMatch(/not a signer list/);
    const shortened = { ...proof, events: proof.events.slice(0, -1) };
    const cut = await kopfedBinary(
      'audit',
      'check-proof',
      file('cut.json', JSON.stringify(shortened)),
    );
    expect(cut.code).toBe(1);
    expect(cut.stderr.trimEnd()).toBe(
      'the proof does not hold: the proof ends at revision 4, but auditprobe-1 reached revision 5 at checkpoint 2 of member: its last 1 event(s) are missing',
    );
  }, 60_000);
});

describe('kopfed audit --out /dev/stdout (a pipe here): written to, never replaced', () => {
  it('checkpoints --out /dev/stdout prints the export', async () => {
    const { code, stdout } = await kopfedBinary(
      'audit',
      'checkpoints',
      '--data-dir',
      dataDir,
      '--out',
      '/dev/stdout',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ format: 'kopfed-checkpoints-v1' });
  }, 60_000);

  it('keygen --out /dev/stdout prints the seed before the public key', async () => {
    const { code, stdout } = await kopfedBinary('audit', 'keygen', '--out', '/dev/stdout');
    expect(code).toBe(0);
    const [seed, ...rest] = stdout.split('\n');
    expect(Buffer.from(seed!, 'base64')).toHaveLength(32);
    expect(JSON.parse(rest.join('\n'))).toEqual({
      keyId: expect.any(String),
      publicKey: expect.any(String),
    });
  }, 60_000);
});

/**
 * The `failing`th file write (from 1) runs out of disk as a real one does: half the content
 * lands in the file, then ENOSPC. The other writes go through.
 */
function diskFullAtWrite(failing: number): jest.SpyInstance {
  const writeFileSync = fs.writeFileSync;
  let writes = 0;
  return jest
    .spyOn(fs, 'writeFileSync')
    .mockImplementation((file, data: string | NodeJS.ArrayBufferView, options) => {
      if (++writes !== failing) return writeFileSync(file, data, options);
      const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer);
      writeFileSync(file, bytes.subarray(0, bytes.length >> 1), options);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
}

async function failingToWrite(failing: number, ...args: string[]): Promise<void> {
  const spy = diskFullAtWrite(failing);
  try {
    await expect(kopfed(...args)).rejects.toThrow(/ENOSPC/);
  } finally {
    spy.mockRestore();
  }
}

describe('kopfed audit reports cut short by a full disk: what is left is whole', () => {
  let books: string;
  beforeAll(async () => {
    books = await buildSampleBooks();
    dirs.push(books);
  });
  const noTemporaryFiles = (dir: string) =>
    expect(readdirSync(dir).filter((name) => !/\.(csv|json)$/.test(name))).toEqual([]);

  it('checkpoints --out keeps the export it would replace', async () => {
    const out = join(books, 'trusted', 'checkpoints.json');
    fs.mkdirSync(join(books, 'trusted'));
    const args = ['audit', 'checkpoints', '--data-dir', dataDir, '--out', out];
    expect((await kopfed(...args)).code).toBe(0);
    const kept = readFileSync(out, 'utf8');
    await failingToWrite(1, ...args);
    expect(readFileSync(out, 'utf8')).toBe(kept);
    noTemporaryFiles(join(books, 'trusted'));
  });

  it('checkpoints --out refuses to replace an event store (a SQLite file) with the export', async () => {
    const store = join(books, 'settlement.db');
    const before = hash('sha256', readFileSync(store), 'hex');
    const { code } = await kopfed('audit', 'checkpoints', '--data-dir', books, '--out', store);
    expect(code).toBe(1);
    expect(hash('sha256', readFileSync(store), 'hex')).toBe(before);
  });

  it('export --out over an earlier package leaves no manifest that the files do not match', async () => {
    const out = join(books, 'package');
    const args = ['audit', 'export', '--year', '2026', '--data-dir', books, '--out', out];
    expect((await kopfed(...args, '--coop', 'KSP-A')).code).toBe(0);
    await failingToWrite(3, ...args, '--coop', 'KSP-B');
    noTemporaryFiles(out);
    if (readdirSync(out).includes('manifest.json')) {
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
        files: { name: string; sha256: string }[];
      };
      for (const { name, sha256 } of manifest.files)
        expect([name, hash('sha256', readFileSync(join(out, name)), 'hex')]).toEqual([
          name,
          sha256,
        ]);
    }
  });

  it('replay --out over an earlier replay leaves no replay.json cut short', async () => {
    const out = join(books, 'replay');
    const args = ['audit', 'replay', '--as-of', '2026-12-31', '--data-dir', books, '--out', out];
    expect((await kopfed(...args)).code).toBe(0);
    await failingToWrite(1, ...args, '--coop', 'KSP-B');
    noTemporaryFiles(out);
    if (readdirSync(out).includes('replay.json')) {
      const replay = JSON.parse(readFileSync(join(out, 'replay.json'), 'utf8')) as {
        coops: { coopId: string }[];
      };
      for (const { coopId } of replay.coops)
        expect(readdirSync(out)).toContain(`${coopId}.shu-statement.csv`);
    }
  });
});

describe('kopfed audit replay --out over an earlier replay', () => {
  let books: string;
  beforeAll(async () => {
    books = await buildSampleBooks();
    dirs.push(books);
  });

  it('leaves no statements of a coop the new replay.json does not hold, and no other file goes', async () => {
    const out = join(books, 'replay-again');
    const args = ['audit', 'replay', '--data-dir', books, '--out', out];
    expect((await kopfed(...args, '--as-of', '2026-06-30')).code).toBe(0);
    const first = readdirSync(out);
    expect(first).toEqual(
      expect.arrayContaining(['KSP-A.balance-sheet.csv', 'KSP-B.balance-sheet.csv']),
    );
    fs.writeFileSync(join(out, 'notes.txt'), 'the auditor’s own\n');

    expect((await kopfed(...args, '--as-of', '2026-12-31', '--coop', 'KSP-B')).code).toBe(0);

    expect(readdirSync(out).sort()).toEqual(
      [
        'KSP-B.balance-sheet.csv',
        'KSP-B.shu-statement.csv',
        'KSP-B.trial-balance.csv',
        'notes.txt',
        'replay.json',
      ].sort(),
    );
  });
});

describe('kopfed audit printing to a reader that is gone', () => {
  it('ends as the command would, without a stack, when its output is piped to a reader that quit', async () => {
    const copy = copyDataDir(dataDir);
    dirs.push(copy);
    // `| true` closes the pipe at once: every write of the report meets EPIPE.
    const run = (args: string) =>
      promisify(execFile)('bash', [
        '-c',
        `set -o pipefail; "${process.execPath}" "${CLI}" ${args} | true`,
      ]).then(
        ({ stderr }) => ({ code: 0, stderr }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    expect(await run(`audit verify --data-dir "${copy}"`)).toEqual({ code: 0, stderr: '' });
    withStoreFile(join(copy, 'member.db'), (db) => deleteEvent(db, 3));
    expect(await run(`audit verify --data-dir "${copy}"`)).toEqual({
      code: 1,
      stderr: 'verify found the history altered\n',
    });
  }, 60_000);
});
