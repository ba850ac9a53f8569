import request from 'supertest';
import type { NewEvent } from '@kopfed/eventstore';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { streams } from '../stream-ids';
import { COOP, federation, memberItems, person } from '../testing/federation';
import { holdAppend } from '../testing/hold-append';

/**
 * How long a held write waits for the request sent against it. The buggy interleaving needs
 * that request to finish meanwhile (a few milliseconds); a writer that instead waits for the
 * held one must not wait for ever.
 */
const HOLD_MS = 1_000;

/** Waits for the other request's answer, or HOLD_MS when it waits for the held write instead. */
const settledOrWaiting = (pending: Promise<unknown>) =>
  Promise.race([pending, new Promise((resolve) => setTimeout(resolve, HOLD_MS))]);

/**
 * A person's NIK is claimed within the coop once, by the person who holds it: whichever of two
 * writers of that person's membership runs first, the NIK they end with is claimed and the
 * ones they left are free for someone else.
 */
describe('NIK claims of a member written by two requests at once', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const api = (path: string) => `/api/member/v1${path}`;
  const store = () => fixture.stores.get('member')!;
  const sync = (sequence: number, items: unknown[]) =>
    request(fixture.app)
      .post(api(`/coops/${COOP.A}/member-batches`))
      .set(f.auth(f.coopA))
      .send({ sequence, items });
  const putPersonalData = (memberId: string, data: object) =>
    request(fixture.app)
      .put(api(`/coops/${COOP.A}/members/${memberId}/personal-data`))
      .set(f.auth(f.coopA))
      .send(data);
  const currentNik = async (memberId: string) =>
    (
      await request(fixture.app)
        .get(api(`/coops/${COOP.A}/members/${memberId}`))
        .set(f.auth(f.coopA))
        .expect(200)
    ).body.personalData.nik as string;
  /** Whether a new person may join the coop with the NIK of person(n): 201, or the refusal. */
  const newcomerWithNikOf = async (n: number) => {
    const res = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send({
        kind: 'person',
        memberNumber: `NEW-${n}`,
        joinedOn: '2026-02-01',
        person: person(n),
      });
    return res.status === 201 ? 'joined' : (res.body.code as string);
  };
  /** The member's NIK is claimed, and the NIKs it had or was about to have are not. */
  const expectClaimedOnly = async (held: number, others: number[]) => {
    expect(await newcomerWithNikOf(held)).toBe('duplicate_nik');
    for (const n of others) expect(await newcomerWithNikOf(n)).toBe('joined');
  };
  /** Person(1) joined by the coop's sync as AGT-1; its member id. */
  const syncedMember = async () => {
    const res = await sync(1, memberItems(1, 1)).expect(200);
    expect(res.body.results[0].status).toBe('created');
    return res.body.results[0].id as string;
  };
  const item = (n: number) => ({ ...memberItems(1, 1)[0], person: person(n) });
  const personalDataOf = (memberId: string) => (stream: string, events: readonly NewEvent[]) =>
    stream === streams.member(memberId) && events[0]?.type === 'PersonalDataRecorded';

  beforeEach(async () => {
    fixture = await hostFixture([memberModule]);
    f = await federation(fixture);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await fixture.close();
  });

  it('claims only the NIK a correction by hand and a batch changing it at once end with', async () => {
    const memberId = await syncedMember();
    // The batch read the member with NIK 1 and is about to record NIK 2 ...
    const hold = holdAppend(store(), personalDataOf(memberId));
    const batch = sync(2, [item(2)]).then((res) => res);
    await hold.reached;
    // ... while staff correct it to NIK 3.
    const put = putPersonalData(memberId, person(3)).then((res) => res);
    await settledOrWaiting(put);
    hold.release();
    expect((await batch).status).toBe(200);
    expect((await batch).body.results[0].status).toBe('updated');
    expect((await put).status).toBe(200);
    const nik = await currentNik(memberId);
    const held = nik === person(2).nik ? 2 : 3;
    expect(nik).toBe(person(held).nik);
    await expectClaimedOnly(
      held,
      [1, 2, 3].filter((n) => n !== held),
    );
  });

  it('keeps the claim of a NIK a batch sets back while a correction by hand gives it up', async () => {
    const memberId = await syncedMember();
    // Staff correct NIK 1 to NIK 2, and are about to give NIK 1 back ...
    const hold = holdAppend(
      store(),
      (stream, events) => stream.startsWith('reservation-nik-') && events[0]?.type === 'Released',
    );
    const put = putPersonalData(memberId, person(2)).then((res) => res);
    await hold.reached;
    // ... while the coop's system, not yet told, sends the member with NIK 1 again.
    const batch = sync(2, [item(1)]).then((res) => res);
    await settledOrWaiting(batch);
    hold.release();
    expect((await put).status).toBe(200);
    expect((await batch).status).toBe(200);
    expect((await batch).body.results[0].status).toBe('updated');
    expect(await currentNik(memberId)).toBe(person(1).nik);
    await expectClaimedOnly(1, [2]);
  });

  it('claims only the NIK the later of two corrections by hand at once ends with', async () => {
    const memberId = await syncedMember();
    const hold = holdAppend(store(), personalDataOf(memberId));
    const first = putPersonalData(memberId, person(2)).then((res) => res);
    await hold.reached;
    const second = putPersonalData(memberId, person(3)).then((res) => res);
    await settledOrWaiting(second);
    hold.release();
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
    const nik = await currentNik(memberId);
    const held = nik === person(2).nik ? 2 : 3;
    expect(nik).toBe(person(held).nik);
    await expectClaimedOnly(
      held,
      [1, 2, 3].filter((n) => n !== held),
    );
  });

  it('keeps the claim of a NIK a batch joins with while a refused joining of that external id gives it back', async () => {
    await sync(1, memberItems(9, 1)).expect(200);
    // Staff join AGT-1 under a number AGT-9 has: refused after its NIK was claimed, it is
    // about to give the NIK back ...
    const hold = holdAppend(
      store(),
      (stream, events) => stream.startsWith('reservation-nik-') && events[0]?.type === 'Released',
    );
    const join = request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send({ ...memberItems(1, 1)[0], memberNumber: 'S-9' })
      .then((res) => res);
    await hold.reached;
    // ... while the coop's sync joins AGT-1 with that NIK.
    const batch = sync(2, memberItems(1, 1)).then((res) => res);
    await settledOrWaiting(batch);
    hold.release();
    expect((await join).body.code).toBe('member_number_taken');
    expect((await batch).body.results[0].status).toBe('created');
    expect(await currentNik((await batch).body.results[0].id as string)).toBe(person(1).nik);
    await expectClaimedOnly(1, []);
  });

  it('records nothing of a person after their erasure, whatever a batch at once was about to record', async () => {
    const memberId = await syncedMember();
    const hold = holdAppend(store(), personalDataOf(memberId));
    const batch = sync(2, [item(2)]).then((res) => res);
    await hold.reached;
    const erasure = request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${memberId}/erasure`))
      .set(f.auth(f.coopA))
      .then((res) => res);
    await settledOrWaiting(erasure);
    hold.release();
    expect((await erasure).status).toBe(200);
    const [result] = (await batch).body.results;
    // The batch came first, or was refused: an erased person is never recorded again.
    const batchFirst = result.status === 'updated';
    if (!batchFirst) expect(result.problem.code).toBe('person_erased');
    // Counted once, as unknown: neither by its old data nor twice.
    const stats = (
      await request(fixture.app)
        .get(api(`/coops/${COOP.A}/statistics`))
        .set(f.auth(f.coopA))
        .expect(200)
    ).body.members as { persons: number; byGender: Array<{ key: string; count: number }> };
    expect(stats.persons).toBe(1);
    expect(stats.byGender).toEqual([{ key: 'unknown', count: 1 }]);
    const events = await store().readStream(streams.member(memberId));
    const { personId } = events[0]!.data as { personId: string };
    const [erased] = await store().readStream(streams.person(personId));
    const recordedAfter = events.filter(
      (e) => e.type === 'PersonalDataRecorded' && e.position > erased!.position,
    );
    expect(recordedAfter).toEqual([]);
    // The erased person keeps the NIK their membership holds; the other is free.
    await expectClaimedOnly(batchFirst ? 2 : 1, [batchFirst ? 1 : 2]);
  });
});
