import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { deterministicUuid, reserve } from '@kopfed/eventstore';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, coopBody, federation, memberItems, person } from '../testing/federation';

/** What is unique in a coop, and who may name an existing person: refusals change nothing. */
describe('members unique within a coop', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const api = (path: string) => `/api/member/v1${path}`;
  beforeAll(async () => {
    fixture = await hostFixture([memberModule], { clock: () => new Date('2026-08-01T03:00:00Z') });
    f = await federation(fixture);
  });
  afterAll(() => fixture.close());

  const join = (token: string, coopId: string, body: Record<string, unknown>) =>
    request(fixture.app)
      .post(api(`/coops/${coopId}/members`))
      .set(f.auth(token))
      .send(body);
  const joinPerson = (coopId: string, memberNumber: string, n: number, more = {}) =>
    join(coopId === COOP.A ? f.coopA : f.coopB, coopId, {
      kind: 'person',
      memberNumber,
      joinedOn: '2026-02-01',
      person: person(n),
      ...more,
    });
  const members = async (coopId: string, query: string) =>
    (
      await request(fixture.app)
        .get(api(`/coops/${coopId}/members?${query}`))
        .set(f.auth(f.treasurerP))
        .expect(200)
    ).body.items as Array<{ memberId: string; status: string; personalData: unknown }>;

  it('takes a person id only with the NIK recorded for that person, in a coop the caller reaches', async () => {
    const inB = await joinPerson(COOP.B, 'U-1', 201).expect(201);
    // Person ids are derived predictably: a sync's, from its external id.
    const syncedInB = deterministicUuid(
      'member',
      deterministicUuid('member', COOP.B, 'external', 'B-EXT-1'),
      'person',
    );
    for (const [personId, n] of [
      [inB.body.personId, 202],
      [inB.body.personId, 201],
      [syncedInB, 203],
    ] as const) {
      const hijack = await joinPerson(COOP.A, `U-${n}x`, n, { personId });
      expect(hijack.status).toBe(422);
      expect(hijack.body).toMatchObject({
        code: 'person_not_matched',
        errors: [{ pointer: '/personId' }],
      });
    }
    expect(await members(COOP.A, 'memberNumber=U-201x')).toEqual([]);
    // The parent's treasurer reaches both coops and knows the NIK: the same person joins A too.
    const inA = await join(f.treasurerP, COOP.A, {
      kind: 'person',
      memberNumber: 'U-1a',
      joinedOn: '2026-02-01',
      person: person(201),
      personId: inB.body.personId,
    }).expect(201);
    expect(inA.body.personId).toBe(inB.body.personId);
  });

  it('keeps a person to one active membership of a coop', async () => {
    const first = await joinPerson(COOP.A, 'U-10', 210).expect(201);
    const again = await joinPerson(COOP.A, 'U-10b', 210, { personId: first.body.personId });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('person_already_member');
    expect(await members(COOP.A, 'memberNumber=U-10b')).toEqual([]);
    // Once that membership ends, the person may join again under their own id, from that day.
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${first.body.memberId}/departure`))
      .set(f.auth(f.coopA))
      .send({ reason: 'resigned', leftOn: '2026-03-01' })
      .expect(200);
    const rejoined = await joinPerson(COOP.A, 'U-10c', 210, {
      personId: first.body.personId,
      joinedOn: '2026-03-01',
    });
    expect(rejoined.status).toBe(201);
  });

  it('keeps one external id to one member, the one a sync of that id finds', async () => {
    const first = await joinPerson(COOP.A, 'U-20', 220, { externalId: 'EXT-20' }).expect(201);
    const again = await joinPerson(COOP.A, 'U-21', 221, { externalId: 'EXT-20' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('duplicate_external_id');
    expect((await members(COOP.A, 'externalId=EXT-20')).map((m) => m.memberId)).toEqual([
      first.body.memberId,
    ]);
    // The refused joining claimed neither its NIK nor its number.
    await joinPerson(COOP.A, 'U-21', 221).expect(201);
    const synced = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/member-batches`))
      .set(f.auth(f.coopA))
      .send({
        sequence: 1,
        items: [
          {
            externalId: 'EXT-20',
            memberNumber: 'U-20',
            kind: 'person',
            joinedOn: '2026-02-01',
            person: person(220),
          },
        ],
      })
      .expect(200);
    expect(synced.body.results[0]).toMatchObject({ status: 'unchanged', id: first.body.memberId });
  });

  it('gives a corrected NIK back, and claims none for a write refused by If-Match', async () => {
    const typo = await joinPerson(COOP.A, 'U-30', 230).expect(201);
    const personalData = api(`/coops/${COOP.A}/members/${typo.body.memberId}/personal-data`);
    await request(fixture.app)
      .put(personalData)
      .set(f.auth(f.coopA))
      .set('If-Match', '"0"')
      .send(person(232, { name: person(230).name }))
      .expect(412);
    await request(fixture.app)
      .put(personalData)
      .set(f.auth(f.coopA))
      .send(person(234, { name: person(230).name }))
      .expect(200);
    // Neither the NIK of the stale write nor the one corrected away is held any longer.
    await joinPerson(COOP.A, 'U-32', 232).expect(201);
    await joinPerson(COOP.A, 'U-33', 230).expect(201);
    expect((await joinPerson(COOP.A, 'U-34', 234)).body.code).toBe('duplicate_nik');
  });

  it('keeps the member numbers of coops whose ids share a prefix apart', async () => {
    // COOP.A is 'ksp-sejahtera'; number 'sejahtera-0001' of coop 'ksp' once shared its claim.
    await request(fixture.app)
      .post(api(`/coops/${COOP.P}/member-coops`))
      .set(f.auth(f.treasurerP))
      .send(coopBody('ksp', 'primary', COOP.P))
      .expect(201);
    await request(fixture.app)
      .post(api('/coops/ksp/approval'))
      .set(f.auth(f.treasurerP))
      .send({ on: '2026-01-07' })
      .expect(200);
    await join(await fixture.key('coop', 'ksp'), 'ksp', {
      kind: 'person',
      memberNumber: 'sejahtera-0001',
      joinedOn: '2026-02-01',
      person: person(240),
    }).expect(201);
    await joinPerson(COOP.A, '0001', 241).expect(201);
    expect((await joinPerson(COOP.A, '0001', 242)).body.code).toBe('member_number_taken');
  });

  it('still honours a member number claimed in the form used before', async () => {
    const store = fixture.stores.get('member')!;
    const legacy = randomUUID();
    await store.append(
      `member-${legacy}`,
      [
        {
          id: randomUUID(),
          type: 'MemberJoined',
          schemaVersion: 1,
          data: {
            memberId: legacy,
            coopId: COOP.A,
            memberNumber: 'L-1',
            externalId: null,
            joinedOn: '2025-01-02',
            kind: 'person',
            personId: randomUUID(),
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    await reserve(store, `membernumber-${COOP.A}-L-1`, legacy);
    const taken = await joinPerson(COOP.A, 'L-1', 250);
    expect(taken.body.code).toBe('member_number_taken');
    const synced = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/member-batches`))
      .set(f.auth(f.coopA))
      .send({
        sequence: 2,
        items: [{ ...memberItems(251, 1)[0], memberNumber: 'L-1' }, ...memberItems(252, 1)],
      })
      .expect(200);
    expect(synced.body.results.map((r: { status: string }) => r.status)).toEqual([
      'rejected',
      'created',
    ]);
    expect(synced.body.results[0].problem.code).toBe('member_number_taken');
    // The refused joining gave back what it claimed: the same person joins under a free number.
    await joinPerson(COOP.A, 'L-2', 250).expect(201);
  });

  it('lets a member coop join a coop once', async () => {
    const coopMember = (memberNumber: string) =>
      join(f.treasurerP, COOP.P, {
        kind: 'coop',
        memberNumber,
        joinedOn: '2026-02-01',
        memberCoopId: COOP.B,
      });
    await coopMember('P-B1').expect(201);
    const twice = await coopMember('P-B2');
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('member_coop_already_member');
    const stats = await request(fixture.app)
      .get(api(`/coops/${COOP.P}/statistics`))
      .set(f.auth(f.auditorP))
      .expect(200);
    expect(stats.body.members.coops).toBe(1);
    // A membership from before the claim existed holds none: the directory still knows it.
    const legacy = randomUUID();
    await fixture.stores.get('member')!.append(
      `member-${legacy}`,
      [
        {
          id: randomUUID(),
          type: 'MemberJoined',
          schemaVersion: 1,
          data: {
            memberId: legacy,
            coopId: COOP.P,
            memberNumber: 'P-A0',
            externalId: null,
            joinedOn: '2025-01-02',
            kind: 'coop',
            memberCoopId: COOP.A,
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const alreadyIn = await join(f.treasurerP, COOP.P, {
      kind: 'coop',
      memberNumber: 'P-A1',
      joinedOn: '2026-02-01',
      memberCoopId: COOP.A,
    });
    expect(alreadyIn.body.code).toBe('member_coop_already_member');
  });
});
