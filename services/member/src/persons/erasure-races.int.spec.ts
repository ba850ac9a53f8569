import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberIdForExternalId } from '../members/member-ids';
import { memberModule } from '../module';
import { streams } from '../stream-ids';
import { COOP, federation, memberItems, person } from '../testing/federation';
import { holdAppend } from '../testing/hold-append';

/** How long the erasure is given to overtake the held joining (it waits for it instead). */
const HOLD_MS = 1_000;

/**
 * An erasure and a joining of the same person under a new member id (a move, a join naming
 * the person, a sync's rejoin) come at once. The joining has checked the person is not erased
 * and is about to append; the erasure must neither let it record the person's data after the
 * erasure nor leave out the membership it makes.
 */
describe('an erasure while a joining of the person under a new member id is applied', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const api = (path: string) => `/api/member/v1${path}`;
  const store = () => fixture.stores.get('member')!;
  const sync = (sequence: number, items: unknown[]) =>
    request(fixture.app)
      .post(api(`/coops/${COOP.A}/member-batches`))
      .set(f.auth(f.coopA))
      .send({ sequence, items });
  const joinA = (body: object) =>
    request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send(body);

  /** A membership of a person in coop A, and the joining of that person that races its erasure. */
  interface Race {
    memberId: string;
    personId: string;
    joining: () => Promise<request.Response>;
  }

  const races: Record<string, () => Promise<Race>> = {
    'a move to another coop': async () => {
      const a = await joinA({
        kind: 'person',
        memberNumber: 'A-1',
        joinedOn: '2026-02-03',
        person: person(40),
      }).expect(201);
      const memberId = a.body.memberId as string;
      return {
        memberId,
        personId: a.body.personId as string,
        joining: () =>
          request(fixture.app)
            .post(api(`/coops/${COOP.A}/members/${memberId}/move`))
            .set(f.auth(f.treasurerP))
            .send({ toCoopId: COOP.B, toMemberNumber: 'B-1', on: '2026-07-01' })
            .then((res) => res),
      };
    },
    'a join naming the person': async () => {
      const a = await joinA({
        kind: 'person',
        memberNumber: 'A-1',
        joinedOn: '2026-02-03',
        person: person(40),
      }).expect(201);
      await request(fixture.app)
        .post(api(`/coops/${COOP.A}/members/${a.body.memberId}/departure`))
        .set(f.auth(f.coopA))
        .send({ reason: 'resigned', leftOn: '2026-03-01' })
        .expect(200);
      const personId = a.body.personId as string;
      return {
        memberId: a.body.memberId as string,
        personId,
        joining: () =>
          joinA({
            kind: 'person',
            memberNumber: 'A-2',
            joinedOn: '2026-04-01',
            personId,
            person: person(40),
          }).then((res) => res),
      };
    },
    'a sync’s rejoin': async () => {
      const [joined] = memberItems(130, 1);
      const first = await sync(1, [joined]).expect(200);
      await sync(2, [{ ...joined, left: { reason: 'resigned', leftOn: '2026-03-31' } }]).expect(
        200,
      );
      const memberId = first.body.results[0].id as string;
      const old = await request(fixture.app)
        .get(api(`/coops/${COOP.A}/members/${memberId}`))
        .set(f.auth(f.coopA))
        .expect(200);
      const returning = {
        ...joined,
        externalId: 'AGT-130-R',
        memberNumber: 'S-130-R',
        joinedOn: '2026-06-01',
      };
      return {
        memberId,
        personId: old.body.personId as string,
        joining: () => sync(3, [returning]).then((res) => res),
      };
    },
  };

  beforeEach(async () => {
    fixture = await hostFixture([memberModule], { clock: () => new Date('2026-08-01T03:00:00Z') });
    f = await federation(fixture);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await fixture.close();
  });

  it.each(Object.keys(races))(
    'records nothing of the person after the erasure, and lists every membership it erased: %s',
    async (race) => {
      const { memberId, personId, joining } = await races[race]!();
      // The joining has checked the person is not erased, claimed and sealed; it is held.
      const hold = holdAppend(
        store(),
        (stream, events) =>
          stream.startsWith(streams.member('')) &&
          stream !== streams.member(memberId) &&
          events[0]?.type === 'MemberJoined',
      );
      const joined = joining();
      await hold.reached;
      const erasure = request(fixture.app)
        .post(api(`/coops/${COOP.A}/members/${memberId}/erasure`))
        .set(f.auth(f.coopA))
        .then((res) => res);
      await Promise.race([erasure, new Promise((r) => setTimeout(r, HOLD_MS))]);
      hold.release();
      const joiningAnswer = await joined;
      const erased = await erasure;
      expect(erased.status).toBe(200);
      const newMemberId = hold.stream().slice(streams.member('').length);
      const newMember = await store().readStream(streams.member(newMemberId));
      const [erasedEvent] = await store().readStream(streams.person(personId));
      const recordedAfter = newMember.filter(
        (e) => e.type === 'PersonalDataRecorded' && e.position > erasedEvent!.position,
      );
      // The joining went first (it held the person's turn), so its membership is erased too.
      expect({
        joining: joiningAnswer.status,
        joined: newMember.some((e) => e.type === 'MemberJoined'),
        recordedAfterErasure: recordedAfter.length,
        erasureListed: erased.body.memberIds,
      }).toEqual({
        joining: expect.any(Number),
        joined: true,
        recordedAfterErasure: 0,
        erasureListed: expect.arrayContaining([memberId, newMemberId]),
      });
    },
  );

  it('refuses a sync’s rejoin of a person erased after it found them returning', async () => {
    const { memberId, personId, joining } = await races['a sync’s rejoin']!();
    // Hold the batch in returningPerson, which found the person not erased ...
    const readStream = store().readStream.bind(store());
    let reached!: () => void;
    let release!: () => void;
    const whenReached = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    let armed = true;
    jest.spyOn(store(), 'readStream').mockImplementation(async (stream, options) => {
      const result = await readStream(stream, options);
      if (armed && stream === streams.person(personId)) {
        armed = false;
        reached();
        await released;
      }
      return result;
    });
    const batch = joining();
    await whenReached;
    // ... while the person is erased.
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${memberId}/erasure`))
      .set(f.auth(f.coopA))
      .expect(200);
    release();
    expect((await batch).body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'person_erased' },
    });
    // Nothing of theirs recorded under the member id the rejoin derives.
    const rejoinId = memberIdForExternalId(COOP.A, 'AGT-130-R');
    expect(await store().readStream(streams.member(rejoinId))).toEqual([]);
  });
});
