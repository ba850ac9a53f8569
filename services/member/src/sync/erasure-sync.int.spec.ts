import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { SqliteEventStore } from '@kopfed/eventstore';
import { hostFixture } from '@kopfed/host/src/testing';
import { SqliteProjection } from '@kopfed/messaging';
import { memberModule } from '../module';
import { COOP, federation, memberItems, person } from '../testing/federation';
import { batchMentionProjection } from './batch-mentions';
import { directoryProjection } from '../members/directory-projection';
import { SqliteKeyStore } from '../persons/key-store';
import { PersonVault } from '../persons/person-vault';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('erasing a person synced by batches', () => {
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const made: string[] = [];

  it('leaves the name, NIK and phones in no file or log, the batch answers and mentions included, and both projections rebuild the same', async () => {
    const masterKey = randomBytes(32).toString('base64');
    const logs: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-member-erasure-sync-'));
    made.push(dataDir);
    const fixture = await hostFixture([memberModule], {
      env: { KOPFED_MASTER_KEY: masterKey },
      logger,
      dataDir,
    });
    const siti = person(7, { name: 'Siti Rahmawati Hapusdata', phone: '081298765432' });
    try {
      const f = await federation(fixture);
      const post = (body: unknown) =>
        request(fixture.app)
          .post(`/api/member/v1/coops/${COOP.A}/member-batches`)
          .set(f.auth(f.coopA))
          .send(body as object)
          .expect(200);
      const item = {
        externalId: 'AGT-S',
        memberNumber: 'S-S',
        kind: 'person',
        joinedOn: '2025-01-15',
        person: siti,
      };
      const created = (await post({ sequence: 1, items: [item] })).body.results[0];
      expect(created.status).toBe('created');
      const batch3 = {
        sequence: 3,
        items: [
          { ...item, person: { ...siti, phone: '081200000000' } },
          // Siti's NIK under another external id: rejected, problem recorded in the answers.
          { ...memberItems(900, 1)[0]!, person: { ...person(900), nik: siti.nik } },
          // Siti's data with a birth date the NIK does not match.
          { ...memberItems(901, 1)[0]!, person: { ...siti, birthDate: '1961-01-01' } },
        ],
      };
      const third = (await post(batch3)).body.results;
      expect(third.map((r: { status: string }) => r.status)).toEqual([
        'updated',
        'rejected',
        'rejected',
      ]);
      await post(batch3); // resend
      const late = (await post({ sequence: 2, items: [item] })).body.results[0];
      expect(late.status).toBe('unchanged');

      await request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.A}/members/${created.id}/erasure`)
        .set(f.auth(f.coopA))
        .expect(200);
      const store = fixture.stores.get('member')!;
      const before = store.database.prepare('SELECT * FROM member_batch_mentions ORDER BY 1').all();
      expect(before.length).toBeGreaterThan(0);
      const dir = (db: typeof store.database) =>
        JSON.stringify([
          db.prepare('SELECT * FROM members ORDER BY 1, 2').all(),
          db.prepare('SELECT * FROM member_counts ORDER BY 1, 2').all(),
        ]);
      const dirBefore = dir(store.database);
      store.database.pragma('wal_checkpoint(TRUNCATE)');
      await fixture.close();
      const replay = new SqliteEventStore({ file: join(dataDir, 'member.db') });
      const rebuilt = new SqliteProjection(replay, batchMentionProjection);
      await rebuilt.rebuild();
      await rebuilt.stop();
      const keys = new SqliteKeyStore(join(dataDir, 'member-keys.db'));
      const d = new SqliteProjection(
        replay,
        directoryProjection(new PersonVault(keys, Buffer.from(masterKey, 'base64'))),
      );
      await d.rebuild();
      await d.stop();
      keys.close();
      expect(dir(replay.database)).toBe(dirBefore);
      expect(
        replay.database.prepare('SELECT * FROM member_batch_mentions ORDER BY 1').all(),
      ).toEqual(before);
      const answered = replay.database
        .prepare("SELECT count(*) AS n FROM events WHERE type = 'MemberBatchAnswered'")
        .get() as { n: number };
      expect(answered.n).toBe(3);
      await replay.close();
    } finally {
      await fixture.close().catch(() => undefined);
    }
    // Every file the service wrote: events, projections, keys, logs.
    const needles = [siti.name, siti.nik, 'Hapusdata', '081298765432', '081200000000'].map((s) =>
      Buffer.from(s, 'utf8'),
    );
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const needle of needles)
        expect({ file, needle: needle.toString(), found: bytes.includes(needle) }).toEqual({
          file,
          needle: needle.toString(),
          found: false,
        });
    }
    for (const needle of needles)
      expect(logs.join('\n').includes(needle.toString('utf8'))).toBe(false);
  });
});
