import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, federation, person } from '../testing/federation';

/**
 * A NIK claim is the person's within the coop (reserveNik holds it by person id), shared by all
 * their memberships there: a person who came back has an ended membership and an active one.
 * A correction gives a NIK back only once no membership of the person in the coop has it.
 */
describe('the NIK claim of a person with two memberships of the coop', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const api = (path: string) => `/api/member/v1${path}`;
  const join = (body: object) =>
    request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send(body);
  const correct = (memberId: string, data: object) =>
    request(fixture.app)
      .put(api(`/coops/${COOP.A}/members/${memberId}/personal-data`))
      .set(f.auth(f.coopA))
      .send(data);
  /** Whether someone else may join with the NIK of person(n): 201, or the refusal's code. */
  const newcomerWithNikOf = async (n: number, memberNumber: string) => {
    const res = await join({
      kind: 'person',
      memberNumber,
      joinedOn: '2026-05-01',
      person: { ...person(n), name: 'Someone Else' },
    });
    return res.body.code ?? res.status;
  };
  /** Person 50 joined as A-1, resigned, and came back as A-2 keeping person id and NIK. */
  const cameBack = async () => {
    const first = await join({
      kind: 'person',
      memberNumber: 'A-1',
      joinedOn: '2026-02-01',
      person: person(50),
    }).expect(201);
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${first.body.memberId}/departure`))
      .set(f.auth(f.coopA))
      .send({ reason: 'resigned', leftOn: '2026-03-01' })
      .expect(200);
    const again = await join({
      kind: 'person',
      memberNumber: 'A-2',
      joinedOn: '2026-04-01',
      personId: first.body.personId,
      person: person(50),
    });
    expect(again.status).toBe(201);
    return { ended: first.body.memberId as string, active: again.body.memberId as string };
  };

  beforeEach(async () => {
    fixture = await hostFixture([memberModule], { clock: () => new Date('2026-08-01T03:00:00Z') });
    f = await federation(fixture);
  });
  afterEach(() => fixture.close());

  it('stays claimed while the active membership has that NIK', async () => {
    const { ended } = await cameBack();
    // Staff correct the data of the ended membership (a typo in its NIK, say).
    expect((await correct(ended, person(51))).status).toBe(200);
    // The active membership still has NIK 50: no one else may join with it.
    expect(await newcomerWithNikOf(50, 'A-3')).toBe('duplicate_nik');
  });

  it('is given back once no membership of the person has that NIK, and not before', async () => {
    const { ended, active } = await cameBack();
    expect((await correct(ended, person(51))).status).toBe(200);
    expect((await correct(active, person(52))).status).toBe(200);
    // NIK 50 is no membership's now; 51 and 52 are each one's.
    expect(await newcomerWithNikOf(51, 'A-3')).toBe('duplicate_nik');
    expect(await newcomerWithNikOf(52, 'A-4')).toBe('duplicate_nik');
    expect(await newcomerWithNikOf(50, 'A-5')).toBe(201);
  });
});
