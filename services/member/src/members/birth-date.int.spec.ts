import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, federation, person } from '../testing/federation';

/** A person born on 10 June 2025 (a girl: day + 40 in the NIK). */
const baby = (n: number) => ({
  ...person(n),
  birthDate: '2025-06-10',
  gender: 'female',
  nik: `3374025006250${String(n).padStart(3, '0')}`,
});

/** A membership begins within the person's lifetime: never before their birth date. */
describe('a person’s joining and birth date', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const api = (path: string) => `/api/member/v1${path}`;

  beforeAll(async () => {
    fixture = await hostFixture([memberModule], {
      clock: () => new Date('2026-08-01T03:00:00Z'),
    });
    f = await federation(fixture);
  });
  afterAll(() => fixture.close());

  const join = (body: Record<string, unknown>) =>
    request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send(body);
  const sync = async (sequence: number, items: unknown[]) =>
    (
      await request(fixture.app)
        .post(api(`/coops/${COOP.A}/member-batches`))
        .set(f.auth(f.coopA))
        .send({ sequence, items })
        .expect(200)
    ).body.results;
  const find = async (query: string) =>
    (
      await request(fixture.app)
        .get(api(`/coops/${COOP.A}/members?${query}`))
        .set(f.auth(f.coopA))
        .expect(200)
    ).body.items;

  it('refuses a joining before the birth date, naming /joinedOn and claiming nothing', async () => {
    const body = {
      kind: 'person',
      memberNumber: 'A-0001',
      externalId: 'AGT-1',
      joinedOn: '2025-06-09',
      person: baby(1),
    };
    const refused = await join(body).expect(422);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({
      code: 'joined_before_born',
      errors: [{ pointer: '/joinedOn' }],
    });
    expect(JSON.stringify(refused.body)).not.toContain('2025-06-10');
    expect(await find('externalId=AGT-1')).toEqual([]);
    // Nothing was claimed: another external id with the same NIK and number joins from the
    // birth date on (a claim kept for AGT-1 would refuse it as taken).
    await join({ ...body, externalId: 'AGT-1b', joinedOn: '2025-06-10' }).expect(201);
  });

  it('refuses a correction of the birth date to after the joining', async () => {
    const [member] = await find('externalId=AGT-1b');
    const corrected = await request(fixture.app)
      .put(api(`/coops/${COOP.A}/members/${member.memberId}/personal-data`))
      .set(f.auth(f.coopA))
      .send({ ...baby(1), birthDate: '2025-06-11', nik: '3374025106250001' });
    expect(corrected.status).toBe(422);
    expect(corrected.body).toMatchObject({
      code: 'joined_before_born',
      errors: [{ pointer: '/birthDate' }],
    });
    expect(JSON.stringify(corrected.body)).not.toContain('2025-06-11');
  });

  it('rejects a synced item joined before the birth date, and its correction later', async () => {
    const item = {
      externalId: 'AGT-2',
      memberNumber: 'A-0002',
      kind: 'person',
      joinedOn: '2025-01-15',
      person: baby(2),
    };
    const [early] = await sync(1, [item]);
    expect(early).toMatchObject({
      externalId: 'AGT-2',
      status: 'rejected',
      problem: { code: 'joined_before_born', pointer: '/joinedOn' },
    });
    expect(JSON.stringify(early)).not.toContain('2025-06-10');
    expect(await find('externalId=AGT-2')).toEqual([]);
    // Nothing was claimed: another external id with the same NIK and number goes through.
    const born = { ...item, externalId: 'AGT-2b', joinedOn: '2025-07-01' };
    expect((await sync(2, [born]))[0]).toMatchObject({ status: 'created' });
    const later = { ...born, person: { ...born.person, birthDate: '2025-07-02' } };
    later.person.nik = '3374024207250002';
    expect((await sync(3, [later]))[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'joined_before_born', pointer: '/person/birthDate' },
    });
  });
});
