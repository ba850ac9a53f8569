import request from 'supertest';
import { catalog } from '@kopfed/contracts';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, federation, memberItems, person } from '../testing/federation';

describe('member batches from a primary coop', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const batches = `/api/member/v1/coops/${COOP.A}/member-batches`;
  const post = (body: unknown) =>
    request(fixture.app)
      .post(batches)
      .set(f.auth(f.coopA))
      .send(body as object);
  const count = () =>
    (
      fixture.stores
        .get('member')!
        .database.prepare(
          'SELECT count(*) AS n FROM members WHERE coop_id = ? AND external_id IS NOT NULL',
        )
        .get(COOP.A) as {
        n: number;
      }
    ).n;

  const published: Array<{ name: string; data: unknown }> = [];
  const publishedAs = async (name: string, count: number) => {
    const deadline = Date.now() + 5_000;
    const named = () => published.filter((p) => p.name === name);
    while (named().length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    return named().map((p) => p.data);
  };

  beforeAll(async () => {
    fixture = await hostFixture([memberModule]);
    await fixture.bus.subscribe({
      topic: catalog.topicOf('member'),
      group: 'test.listener',
      handler: (m) => {
        const event = catalog.fromEnvelope(JSON.parse(m.value));
        published.push({ name: event.name, data: event.data });
      },
    });
    f = await federation(fixture);
  });
  afterAll(() => fixture.close());

  it('upserts each item on its own, rejecting bad ones with their problem', async () => {
    const items = [
      ...memberItems(1, 2),
      { ...memberItems(3, 1)[0], person: person(3, { nik: '1234' }) },
      { ...memberItems(4, 1)[0], person: person(4, { nik: '3374023208850001' }) },
      { externalId: 'AGT-5', memberNumber: 'S-5', kind: 'person', joinedOn: '2025-01-15' },
      memberItems(1, 1)[0],
    ];
    const res = await post({ sequence: 1, items }).expect(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'created',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(res.body.results[2].problem).toMatchObject({
      code: 'invalid_item',
      pointer: '/person/nik',
    });
    expect(res.body.results[3].problem).toMatchObject({
      code: 'nik_impossible_date',
      pointer: '/person/nik',
    });
    expect(res.body.results[4].problem.code).toBe('personal_data_required');
    expect(res.body.results[5].problem.code).toBe('duplicate_in_batch');
    expect(res.body.counts).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 4 });
  });

  it('changes nothing when a batch is sent again, and records what changed', async () => {
    const again = await post({ sequence: 1, items: memberItems(1, 2) }).expect(200);
    expect(again.body).toMatchObject({
      duplicateSequence: true,
      counts: { unchanged: 2, created: 0 },
    });
    const changed = memberItems(1, 2);
    changed[1] = { ...changed[1]!, memberNumber: 'S-2b' };
    changed[0] = { ...changed[0]!, person: person(1, { phone: '081234567890' }) };
    const res = await post({ sequence: 2, items: changed }).expect(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'updated',
      'updated',
    ]);
    expect(count()).toBe(2);
  });

  it('accepts sequence n+2 after n and reports n+1 as a gap until it comes', async () => {
    await post({ sequence: 4, items: memberItems(10, 1) }).expect(200);
    const status = await request(fixture.app)
      .get(`/api/member/v1/coops/${COOP.A}/sync-status`)
      .set(f.auth(f.coopA))
      .expect(200);
    expect(status.body).toEqual({
      lastSequence: 4,
      batchesReceived: 3,
      gaps: [{ from: 3, to: 3 }],
      missingCount: 1,
    });
    await post({ sequence: 3, items: memberItems(11, 1) }).expect(200);
    const filled = await request(fixture.app)
      .get(`/api/member/v1/coops/${COOP.A}/sync-status`)
      .set(f.auth(f.coopA))
      .expect(200);
    expect(filled.body).toMatchObject({ lastSequence: 4, gaps: [], missingCount: 0 });
  });

  it('records a departure reported by the coop', async () => {
    const leaving = {
      ...memberItems(10, 1)[0],
      left: { reason: 'resigned', leftOn: '2026-03-31' },
    };
    const res = await post({ sequence: 5, items: [leaving] }).expect(200);
    expect(res.body.results[0].status).toBe('updated');
    const found = await request(fixture.app)
      .get(`/api/member/v1/coops/${COOP.A}/members?externalId=AGT-10`)
      .set(f.auth(f.coopA))
      .expect(200);
    expect(found.body.items[0]).toMatchObject({ status: 'left', leftReason: 'resigned' });
  });

  it('gives back the NIK and member number of an item the decision refused', async () => {
    // Leaving before joining is refused only when the joining is decided, after the claims.
    const refused = {
      ...memberItems(30, 1)[0],
      left: { reason: 'resigned', leftOn: '2024-12-31' },
    };
    const res = await post({ sequence: 6, items: [refused] }).expect(200);
    expect(res.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'left_before_joined' },
    });
    // The coop corrects it under another external id: the same NIK and number are free.
    const corrected = { ...memberItems(30, 1)[0], externalId: 'AGT-30-fixed' };
    const again = await post({ sequence: 7, items: [corrected] }).expect(200);
    expect(again.body.results[0].status).toBe('created');
  });

  it("gives a renumbered member's old number back to the coop", async () => {
    await post({ sequence: 20, items: memberItems(80, 1) }).expect(200);
    const renumbered = { ...memberItems(80, 1)[0], memberNumber: 'S-80b' };
    const moved = await post({ sequence: 21, items: [renumbered] }).expect(200);
    expect(moved.body.results[0].status).toBe('updated');
    const newcomer = { ...memberItems(81, 1)[0], memberNumber: 'S-80' };
    const res = await post({ sequence: 22, items: [newcomer] }).expect(200);
    expect(res.body.results[0].status).toBe('created');
  });

  it('applies nothing when an earlier batch is sent again after a later one', async () => {
    const first = { sequence: 10, items: memberItems(50, 1) };
    await post(first).expect(200);
    const changed = memberItems(50, 1);
    changed[0] = {
      ...changed[0]!,
      memberNumber: 'S-50b',
      person: person(50, { phone: '081234567890' }),
    };
    const later = await post({ sequence: 11, items: changed }).expect(200);
    expect(later.body.results[0].status).toBe('updated');
    const resent = await post(first).expect(200);
    expect(resent.body).toMatchObject({
      duplicateSequence: true,
      results: [{ externalId: 'AGT-50', status: 'unchanged' }],
      counts: { unchanged: 1, updated: 0 },
    });
    const found = await request(fixture.app)
      .get(`/api/member/v1/coops/${COOP.A}/members?externalId=AGT-50`)
      .set(f.auth(f.coopA))
      .expect(200);
    expect(found.body.items[0]).toMatchObject({
      memberNumber: 'S-50b',
      personalData: { phone: '081234567890' },
    });
  });

  it('keeps what a later batch changed when an earlier batch fills its gap', async () => {
    const [joined] = memberItems(140, 1);
    await post({ sequence: 60, items: [joined] }).expect(200);
    // Batch 61 renumbers the member and is lost; batch 62 renumbers it again.
    const lost = {
      ...joined!,
      memberNumber: 'S-140a',
      person: person(140, { phone: '081200000140' }),
    };
    const latest = { ...joined!, memberNumber: 'S-140b' };
    await post({ sequence: 62, items: [latest] }).expect(200);
    const late = await post({ sequence: 61, items: [lost, ...memberItems(141, 1)] }).expect(200);
    expect(late.body).toMatchObject({
      duplicateSequence: false,
      results: [
        { externalId: 'AGT-140', status: 'unchanged' },
        { externalId: 'AGT-141', status: 'created' },
      ],
    });
    const found = await request(fixture.app)
      .get(`/api/member/v1/coops/${COOP.A}/members?externalId=AGT-140`)
      .set(f.auth(f.coopA))
      .expect(200);
    expect(found.body.items[0]).toMatchObject({ memberNumber: 'S-140b' });
    expect(found.body.items[0].personalData.phone).toBeUndefined();
    // The number the late item named was never taken from the coop.
    const other = { ...memberItems(142, 1)[0], memberNumber: 'S-140a' };
    const res = await post({ sequence: 63, items: [other] }).expect(200);
    expect(res.body.results[0].status).toBe('created');
  });

  it('answers a resent batch’s new items without creating them', async () => {
    const resent = await post({ sequence: 10, items: memberItems(51, 1) }).expect(200);
    expect(resent.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'batch_already_received' },
    });
    const found = await request(fixture.app)
      .get(`/api/member/v1/coops/${COOP.A}/members?externalId=AGT-51`)
      .set(f.auth(f.coopA))
      .expect(200);
    expect(found.body.items).toEqual([]);
  });

  it('refuses a batch for a coop that is not registered, and records no sequence', async () => {
    const res = await request(fixture.app)
      .post('/api/member/v1/coops/no-such-coop/member-batches')
      .set(f.auth(f.admin))
      .send({ sequence: 1, items: memberItems(60, 1) });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'coop_not_found' });
    const status = await request(fixture.app)
      .get('/api/member/v1/coops/no-such-coop/sync-status')
      .set(f.auth(f.admin))
      .expect(200);
    expect(status.body).toMatchObject({ lastSequence: null, batchesReceived: 0 });
  });

  it('refuses what a membership cannot change instead of calling it unchanged', async () => {
    const [joined, left, returning, kindChange, renumbered] = memberItems(70, 5);
    const departure = { reason: 'resigned', leftOn: '2026-03-31' };
    const first = await post({
      sequence: 12,
      items: [
        joined,
        { ...left, left: departure },
        { ...returning, left: departure },
        kindChange,
        renumbered,
      ],
    }).expect(200);
    expect(first.body.counts).toMatchObject({ created: 5 });
    const res = await post({
      sequence: 13,
      items: [
        { ...joined, joinedOn: '2025-02-01' },
        { ...left, left: { ...departure, reason: 'deceased' } },
        returning,
        { ...kindChange, kind: 'coop', person: undefined, memberCoopId: COOP.B },
        { ...renumbered, memberNumber: 'S-74b', joinedOn: '2025-02-01' },
      ],
    }).expect(200);
    expect(
      res.body.results.map((r: { status: string; problem?: { code: string } }) => [
        r.status,
        r.problem?.code,
      ]),
    ).toEqual([
      ['rejected', 'joined_on_changed'],
      ['rejected', 'left_changed'],
      ['rejected', 'member_left'],
      ['rejected', 'member_kind_changed'],
      ['rejected', 'joined_on_changed'],
    ]);
    const found = await request(fixture.app)
      .get(`/api/member/v1/coops/${COOP.A}/members?externalId=AGT-74`)
      .set(f.auth(f.coopA))
      .expect(200);
    expect(found.body.items[0]).toMatchObject({ memberNumber: 'S-74', joinedOn: '2025-01-15' });
  });

  it('refuses a member coop changed under the same external id', async () => {
    const coopP = await fixture.key('coop', COOP.P);
    const postP = (body: object) =>
      request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.P}/member-batches`)
        .set(f.auth(coopP))
        .send(body);
    const item = {
      externalId: 'MC-A',
      memberNumber: 'P-1',
      kind: 'coop',
      memberCoopId: COOP.A,
      joinedOn: '2026-02-01',
    };
    const first = await postP({ sequence: 1, items: [item] }).expect(200);
    expect(first.body.results[0].status).toBe('created');
    const moved = await postP({ sequence: 2, items: [{ ...item, memberCoopId: COOP.B }] });
    expect(moved.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'member_coop_changed', pointer: '/memberCoopId' },
    });
  });

  it('answers a coop member sent with personal data the same way every time', async () => {
    const coopP = await fixture.key('coop', COOP.P);
    const postP = (body: object) =>
      request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.P}/member-batches`)
        .set(f.auth(coopP))
        .send(body)
        .expect(200);
    const item = {
      externalId: 'MC-B',
      memberNumber: 'P-2',
      kind: 'coop',
      memberCoopId: COOP.B,
      joinedOn: '2026-02-01',
      person: person(150),
    };
    const first = await postP({ sequence: 20, items: [item] });
    const again = await postP({ sequence: 21, items: [item] });
    const outcome = (r: { body: { results: Array<{ status: string; problem?: object }> } }) =>
      r.body.results[0];
    expect(outcome(first)).toMatchObject({
      status: 'rejected',
      problem: { code: 'personal_data_not_allowed', pointer: '/person' },
    });
    expect(outcome(again)).toEqual(outcome(first));
    const stray = { ...memberItems(151, 1)[0], memberCoopId: COOP.B };
    const res = await post({ sequence: 70, items: [stray] }).expect(200);
    expect(res.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'member_coop_not_allowed', pointer: '/memberCoopId' },
    });
  });

  it('attaches the coop’s own external id to a person moved into it, never a second membership', async () => {
    const postB = (body: object) =>
      request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.B}/member-batches`)
        .set(f.auth(f.coopB))
        .send(body)
        .expect(200);
    const [mover, stayer] = memberItems(90, 2);
    const inA = await post({ sequence: 30, items: [mover, stayer] }).expect(200);
    const moved = await request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.A}/members/${inA.body.results[0].id}/move`)
      .set(f.auth(f.treasurerP))
      .send({ toCoopId: COOP.B, toMemberNumber: 'B-90', on: '2026-07-01' })
      .expect(200);
    const inB = moved.body.to.memberId as string;
    // Coop B's core knows the mover under its own id and number, and the stayer too.
    const mine = (n: number, memberNumber: string) => ({
      ...memberItems(n, 1)[0],
      externalId: `KM-${n}`,
      memberNumber,
      joinedOn: '2026-07-01',
    });
    const first = await postB({ sequence: 1, items: [mine(90, 'B-90'), mine(91, 'B-91')] });
    expect(first.body.results).toEqual([
      { externalId: 'KM-90', status: 'updated', id: inB },
      { externalId: 'KM-91', status: 'created', id: expect.any(String) },
    ]);
    // The stayer's membership of A is not taken over: B's item made a person of its own.
    const personOf = (memberId: string) =>
      (
        fixture.stores
          .get('member')!
          .database.prepare('SELECT person_id FROM members WHERE member_id = ?')
          .get(memberId) as { person_id: string }
      ).person_id;
    expect(personOf(first.body.results[1].id)).not.toBe(personOf(inA.body.results[1].id));
    const again = await postB({ sequence: 2, items: [mine(90, 'B-90a')] });
    expect(again.body.results).toEqual([{ externalId: 'KM-90', status: 'updated', id: inB }]);
    const same = await postB({ sequence: 3, items: [mine(90, 'B-90a')] });
    expect(same.body.results).toEqual([{ externalId: 'KM-90', status: 'unchanged', id: inB }]);
    const resent = await postB({ sequence: 1, items: [mine(90, 'B-90')] });
    expect(resent.body.results).toEqual([{ externalId: 'KM-90', status: 'unchanged', id: inB }]);
    // A second external id for the same person is refused: one membership per person.
    const other = await postB({
      sequence: 4,
      items: [{ ...mine(90, 'B-90x'), externalId: 'KM-X' }],
    });
    expect(other.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'duplicate_nik' },
    });
    const found = await request(fixture.app)
      .get(`/api/member/v1/coops/${COOP.B}/members?externalId=KM-90`)
      .set(f.auth(f.coopB))
      .expect(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({
        memberId: inB,
        memberNumber: 'B-90a',
        personId: moved.body.from.personId,
        status: 'active',
      }),
    ]);
    const memberships = fixture.stores
      .get('member')!
      .database.prepare('SELECT count(*) AS n FROM members WHERE coop_id = ? AND person_id = ?')
      .get(COOP.B, moved.body.from.personId);
    expect(memberships).toEqual({ n: 1 });
    // Savings and loan, which match B's synced savings and loans by B's id, are told it.
    expect(await publishedAs('ExternalIdAttached', 1)).toEqual([
      { coopId: COOP.B, memberId: inB, externalId: 'KM-90' },
    ]);
  });

  it('syncs a member who joined by hand under an existing person and the coop’s external id', async () => {
    const [inA] = memberItems(120, 1);
    const first = await post({ sequence: 40, items: [inA] }).expect(200);
    const personId = (
      await request(fixture.app)
        .get(`/api/member/v1/coops/${COOP.A}/members/${first.body.results[0].id}`)
        .set(f.auth(f.coopA))
        .expect(200)
    ).body.personId as string;
    // The person joins B too, by hand under B's own external id, keeping their person id.
    const joined = await request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.B}/members`)
      .set(f.auth(f.treasurerP))
      .send({
        kind: 'person',
        memberNumber: 'B-120',
        externalId: 'KM-120',
        joinedOn: '2026-02-01',
        person: person(120),
        personId,
      })
      .expect(201);
    const postB = (body: object) =>
      request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.B}/member-batches`)
        .set(f.auth(f.coopB))
        .send(body)
        .expect(200);
    const item = {
      externalId: 'KM-120',
      memberNumber: 'B-120',
      kind: 'person',
      joinedOn: '2026-02-01',
      person: person(120),
    };
    const same = await postB({ sequence: 10, items: [item] });
    expect(same.body.results).toEqual([
      { externalId: 'KM-120', status: 'unchanged', id: joined.body.memberId },
    ]);
    const phone = { ...item, person: person(120, { phone: '081200000120' }) };
    const changed = await postB({ sequence: 11, items: [phone] });
    expect(changed.body.results).toEqual([
      { externalId: 'KM-120', status: 'updated', id: joined.body.memberId },
    ]);
    const found = await request(fixture.app)
      .get(`/api/member/v1/coops/${COOP.B}/members/${joined.body.memberId}`)
      .set(f.auth(f.coopB))
      .expect(200);
    expect(found.body).toMatchObject({ personId, personalData: { phone: '081200000120' } });
  });

  it('takes a returning member back under a new external id, as the same person', async () => {
    const [joined] = memberItems(130, 1);
    const first = await post({ sequence: 50, items: [joined] }).expect(200);
    const departure = { reason: 'resigned', leftOn: '2026-03-31' };
    await post({ sequence: 51, items: [{ ...joined, left: departure }] }).expect(200);
    // As the refusal of the old id says: a returning member joins under a new external id.
    const returning = {
      ...joined,
      externalId: 'AGT-130-R',
      memberNumber: 'S-130-R',
      joinedOn: '2026-06-01',
    };
    // Joining again within the ended membership is no return: it would count them twice.
    const overlapping = { ...returning, joinedOn: '2026-03-01' };
    const early = await post({ sequence: 57, items: [overlapping] }).expect(200);
    expect(early.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'duplicate_nik' },
    });
    const res = await post({ sequence: 52, items: [returning] }).expect(200);
    expect(res.body.results[0]).toMatchObject({ externalId: 'AGT-130-R', status: 'created' });
    const memberOf = async (memberId: string) =>
      (
        await request(fixture.app)
          .get(`/api/member/v1/coops/${COOP.A}/members/${memberId}`)
          .set(f.auth(f.coopA))
          .expect(200)
      ).body as { personId: string; status: string; personalData: unknown };
    const before = await memberOf(first.body.results[0].id);
    const after = await memberOf(res.body.results[0].id);
    expect(before.status).toBe('left');
    expect(after).toMatchObject({
      personId: before.personId,
      status: 'active',
      personalData: { nik: joined!.person.nik },
    });
    const again = await post({ sequence: 53, items: [returning] }).expect(200);
    expect(again.body.results[0]).toMatchObject({
      status: 'unchanged',
      id: res.body.results[0].id,
    });
    // Still one active membership per person: a second new id for them is refused.
    const twice = await post({
      sequence: 54,
      items: [{ ...returning, externalId: 'AGT-130-R2', memberNumber: 'S-130-R2' }],
    }).expect(200);
    expect(twice.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'duplicate_nik' },
    });
    // A member who died does not come back.
    const [died] = memberItems(131, 1);
    await post({
      sequence: 55,
      items: [{ ...died, left: { reason: 'deceased', leftOn: '2026-04-02' } }],
    }).expect(200);
    const ghost = await post({
      sequence: 56,
      items: [{ ...died, externalId: 'AGT-131-R', memberNumber: 'S-131-R' }],
    }).expect(200);
    expect(ghost.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'member_deceased' },
    });
  });

  it('takes back no one who died as a member of another coop', async () => {
    const [mover] = memberItems(140, 1);
    const inA = await post({ sequence: 80, items: [mover] }).expect(200);
    const moved = await request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.A}/members/${inA.body.results[0].id}/move`)
      .set(f.auth(f.treasurerP))
      .send({ toCoopId: COOP.B, toMemberNumber: 'B-140', on: '2026-07-01' })
      .expect(200);
    await request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.B}/members/${moved.body.to.memberId}/departure`)
      .set(f.auth(f.coopB))
      .send({ reason: 'deceased', leftOn: '2026-08-01' })
      .expect(200);
    const ghost = await post({
      sequence: 81,
      items: [
        { ...mover, externalId: 'AGT-140-R', memberNumber: 'S-140-R', joinedOn: '2026-09-01' },
      ],
    }).expect(200);
    expect(ghost.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'member_deceased' },
    });
  });

  it('refuses a batch of more than 1,000 items and another coop’s key', async () => {
    expect((await post({ sequence: 8, items: memberItems(100, 1_001) })).status).toBe(400);
    expect(
      (
        await request(fixture.app)
          .post(batches)
          .set(f.auth(f.coopB))
          .send({ sequence: 8, items: memberItems(1, 1) })
      ).status,
    ).toBe(403);
  });
});

describe('member batch sequences on the Jakarta business date', () => {
  it('records a batch received at 00:30 WIB on that day, not on the UTC day before', async () => {
    const fixture = await hostFixture([memberModule], {
      clock: () => new Date('2026-06-30T17:30:00Z'),
    });
    try {
      const f = await federation(fixture);
      await request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.A}/member-batches`)
        .set(f.auth(f.coopA))
        .send({ sequence: 1, items: memberItems(1, 1) })
        .expect(200);
      const [received] = await fixture.stores.get('member')!.readStream(`membersync-${COOP.A}`);
      expect(received!.data).toMatchObject({ sequence: 1, receivedOn: '2026-07-01' });
    } finally {
      await fixture.close();
    }
  });
});
