import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import pino from 'pino';
import request from 'supertest';
import { SqliteEventStore } from '@kopfed/eventstore';
import { hostFixture } from '@kopfed/host/src/testing';
import { SqliteProjection } from '@kopfed/messaging';
import { randomBytes } from 'node:crypto';
import { memberModule } from '../module';
import { directoryProjection } from '../members/directory-projection';
import { COOP, federation, person } from '../testing/federation';
import { SqliteKeyStore } from './key-store';
import { PersonVault } from './person-vault';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('erasing a person', () => {
  // Removed once the test has read every file's bytes.
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('leaves neither name nor NIK in any file, reads "erased", and replays to the same read models', async () => {
    const masterKey = randomBytes(32).toString('base64');
    const logs: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-erasure-'));
    dirs.push(dataDir);
    const fixture = await hostFixture([memberModule], {
      env: { KOPFED_MASTER_KEY: masterKey },
      logger,
      dataDir,
    });
    const siti = person(7, { name: 'Siti Rahmawati Hapusdata', phone: '081298765432' });
    try {
      const f = await federation(fixture);

      const api = (path: string) => `/api/member/v1${path}`;
      const joined = await request(fixture.app)
        .post(api(`/coops/${COOP.A}/members`))
        .set(f.auth(f.coopA))
        .set('Idempotency-Key', 'join-siti')
        .send({ kind: 'person', memberNumber: 'A-0007', joinedOn: '2026-02-01', person: siti })
        .expect(201);
      const memberPath = api(`/coops/${COOP.A}/members/${joined.body.memberId}`);
      await request(fixture.app)
        .put(`${memberPath}/personal-data`)
        .set(f.auth(f.coopA))
        .send({ ...siti, phone: '081200000000' })
        .expect(200);
      // A second membership of the same person, in another coop.
      const moved = await request(fixture.app)
        .post(`${memberPath}/move`)
        .set(f.auth(f.treasurerP))
        .send({ toCoopId: COOP.B, toMemberNumber: 'B-0007', on: '2026-05-01' })
        .expect(200);
      expect(
        (await request(fixture.app).get(memberPath).set(f.auth(f.coopA)).expect(200)).body
          .personalData.name,
      ).toBe(siti.name);

      const erased = await request(fixture.app)
        .post(`${memberPath}/erasure`)
        .set(f.auth(f.coopA))
        .expect(200);
      expect(erased.body.memberIds.sort()).toEqual(
        [joined.body.memberId, moved.body.to.memberId].sort(),
      );
      expect(
        (await request(fixture.app).get(memberPath).set(f.auth(f.coopA)).expect(200)).body
          .personalData,
      ).toBe('erased');
      const inB = api(`/coops/${COOP.B}/members/${moved.body.to.memberId}`);
      expect(
        (await request(fixture.app).get(inB).set(f.auth(f.coopB)).expect(200)).body.personalData,
      ).toBe('erased');
      expect(
        (await request(fixture.app).post(`${memberPath}/erasure`).set(f.auth(f.coopA))).status,
      ).toBe(409);
      expect(
        (
          await request(fixture.app)
            .put(`${memberPath}/personal-data`)
            .set(f.auth(f.coopA))
            .send(siti)
        ).status,
      ).toBe(409);

      const store = fixture.stores.get('member')!;
      const snapshot = (table: string) =>
        JSON.stringify(store.database.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all());
      const before = { members: snapshot('members'), counts: snapshot('member_counts') };
      const stats = await request(fixture.app)
        .get(api(`/coops/${COOP.P}/statistics`))
        .set(f.auth(f.auditorP))
        .expect(200);
      expect(stats.body.members.byGender).toContainEqual({ key: 'unknown', count: 1 });
      const { database } = store;
      database.pragma('wal_checkpoint(TRUNCATE)');

      // Replaying the whole history into fresh read models gives the same tables.
      const replayStore = new SqliteEventStore({ file: join(dataDir, 'member.db') });
      const keys = new SqliteKeyStore(join(dataDir, 'member-keys.db'));
      const rebuilt = new SqliteProjection(
        replayStore,
        directoryProjection(new PersonVault(keys, Buffer.from(masterKey, 'base64'))),
      );
      await rebuilt.rebuild();
      await rebuilt.stop();
      expect(
        JSON.stringify(replayStore.database.prepare('SELECT * FROM members ORDER BY 1, 2').all()),
      ).toBe(before.members);
      expect(
        JSON.stringify(
          replayStore.database.prepare('SELECT * FROM member_counts ORDER BY 1, 2').all(),
        ),
      ).toBe(before.counts);
      keys.close();
      await replayStore.close();
    } finally {
      await fixture.close().catch(() => undefined);
    }
    const needles = [siti.name, siti.nik, 'Hapusdata', '081298765432'].map((s) =>
      Buffer.from(s, 'utf8'),
    );
    const files = filesUnder(dataDir);
    expect(files.some((file) => file.endsWith('member.db'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const needle of needles)
        expect({ file, found: bytes.includes(needle) }).toEqual({ file, found: false });
    }
    expect(logs.length).toBeGreaterThan(10);
    for (const needle of needles)
      expect(logs.join('\n').includes(needle.toString('utf8'))).toBe(false);
  });
});
