import request from 'supertest';
import { reservationHolder, reserve } from '@kopfed/eventstore';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { streams } from '../stream-ids';
import { COOP, federation, memberItems, person } from '../testing/federation';

/** The claim that keeps a person to one active membership of a coop (members/claims.ts). */
const personClaimScope = (coopId: string, personId: string) => `personmember:${coopId}:${personId}`;

/**
 * A person whose memberships of the coop have all ended comes back through the sync under a
 * new external id (member-upsert.ts `rejoin`). The rejoin claims that the person is a member
 * here; a rejoin that then fails gives that claim back unless the member it made relies on it.
 */
describe('a returning person’s claim to one membership of the coop', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const api = (path: string) => `/api/member/v1${path}`;
  const store = () => fixture.stores.get('member')!;
  const sync = (sequence: number, items: unknown[]) =>
    request(fixture.app)
      .post(api(`/coops/${COOP.A}/member-batches`))
      .set(f.auth(f.coopA))
      .send({ sequence, items });
  const comeBack = (personId: string) =>
    request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send({
        kind: 'person',
        memberNumber: 'S-130-B',
        joinedOn: '2026-07-01',
        personId,
        person: person(130),
      });
  /** Person 130 joined by the sync as AGT-130 and resigned; their person id. */
  const formerMember = async (): Promise<string> => {
    const [joined] = memberItems(130, 1);
    const first = await sync(1, [joined]).expect(200);
    await sync(2, [{ ...joined, left: { reason: 'resigned', leftOn: '2026-03-31' } }]).expect(200);
    const old = await request(fixture.app)
      .get(api(`/coops/${COOP.A}/members/${first.body.results[0].id}`))
      .set(f.auth(f.coopA))
      .expect(200);
    return old.body.personId as string;
  };

  beforeEach(async () => {
    fixture = await hostFixture([memberModule]);
    f = await federation(fixture);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await fixture.close();
  });

  it('is given back when someone else joined under the rejoin’s external id meanwhile', async () => {
    const personId = await formerMember();
    // Hold the batch in returningPerson (its read of the person's stream) ...
    const readStream = store().readStream.bind(store());
    let reached!: () => void;
    let release!: () => void;
    const whenReached = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    let armed = true;
    jest.spyOn(store(), 'readStream').mockImplementation(async (stream, options) => {
      if (armed && stream === streams.person(personId)) {
        armed = false;
        reached();
        await released;
      }
      return readStream(stream, options);
    });
    const returning = {
      ...memberItems(130, 1)[0],
      externalId: 'AGT-130-R',
      memberNumber: 'S-130-R',
      joinedOn: '2026-06-01',
    };
    const batch = sync(3, [returning]).then((res) => res);
    await whenReached;
    // ... while staff join someone else under that external id.
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send({ ...memberItems(7, 1)[0], externalId: 'AGT-130-R', joinedOn: '2026-06-01' })
      .expect(201);
    release();
    // The item is decided on that member, someone else's: NIK 130 is not theirs to take.
    expect((await batch).status).toBe(200);
    expect((await batch).body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'duplicate_nik' },
    });
    // The returning person is an active member of no membership here: no claim says so ...
    expect(await reservationHolder(store(), personClaimScope(COOP.A, personId))).toBeUndefined();
    // ... and they may come back.
    const back = await comeBack(personId);
    expect(back.body.code ?? back.status).toBe(201);
  });

  it('is taken over from a member of someone else that kept it', async () => {
    const personId = await formerMember();
    // Someone else's active membership holds the person's claim (as a failed rejoin kept it).
    const other = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send({ ...memberItems(7, 1)[0], joinedOn: '2026-06-01' })
      .expect(201);
    const scope = personClaimScope(COOP.A, personId);
    expect(await reserve(store(), scope, other.body.memberId as string)).toMatchObject({
      reserved: true,
    });
    const back = await comeBack(personId);
    expect(back.body.code ?? back.status).toBe(201);
    expect(await reservationHolder(store(), scope)).toBe(back.body.memberId);
    // The claim does its work still: the person has one active membership here.
    const twice = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send({
        kind: 'person',
        memberNumber: 'S-130-C',
        joinedOn: '2026-07-02',
        personId,
        person: person(130),
      });
    expect(twice.body.code).toBe('person_already_member');
  });
});
