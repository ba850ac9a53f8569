import request from 'supertest';
import { catalog } from '@kopfed/contracts';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, federation, person } from '../testing/federation';

describe('member service over HTTP', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const published: Array<{ name: string; data: unknown }> = [];
  const api = (path: string) => `/api/member/v1${path}`;

  beforeAll(async () => {
    fixture = await hostFixture([memberModule], {
      clock: () => new Date('2026-08-01T03:00:00Z'),
      ...(process.env.DEBUG_LOG
        ? { logger: (await import('@kopfed/service-kit')).createLogger({ level: 'error' }) }
        : {}),
    });
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

  /** The MemberLeft published for a member, once the relay has published it. */
  const publishedLeft = async (memberId: string) => {
    const deadline = Date.now() + 5_000;
    const find = () =>
      published.find(
        (p) => p.name === 'MemberLeft' && (p.data as { memberId: string }).memberId === memberId,
      );
    while (!find() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return find()?.data;
  };
  const join = (token: string, coopId: string, body: Record<string, unknown>) =>
    request(fixture.app)
      .post(api(`/coops/${coopId}/members`))
      .set(f.auth(token))
      .send(body);

  it('lets a person join; the response and the public event carry no personal data', async () => {
    const siti = person(1);
    const res = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0001',
      externalId: 'AGT-1',
      joinedOn: '2026-02-01',
      person: siti,
    }).expect(201);
    expect(res.body).toMatchObject({ coopId: COOP.A, memberNumber: 'A-0001', status: 'active' });
    expect(JSON.stringify(res.body)).not.toContain(siti.nik);
    expect(res.headers.etag).toBe('"1"');
    const deadline = Date.now() + 5_000;
    while (!published.some((p) => p.name === 'MemberJoined') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const joined = published.find((p) => p.name === 'MemberJoined')!;
    expect(joined.data).toMatchObject({
      coopId: COOP.A,
      memberNumber: 'A-0001',
      memberKind: 'person',
      externalId: 'AGT-1',
    });
    expect(JSON.stringify(published)).not.toContain(siti.name);
  });

  it('shows personal data to the coop’s own staff only', async () => {
    const res = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0002',
      joinedOn: '2026-02-02',
      person: person(2),
    }).expect(201);
    const path = api(`/coops/${COOP.A}/members/${res.body.memberId}`);
    expect(
      (await request(fixture.app).get(path).set(f.auth(f.coopA)).expect(200)).body.personalData,
    ).toMatchObject({ name: 'Anggota Nomor 2' });
    expect(
      (await request(fixture.app).get(path).set(f.auth(f.treasurerP)).expect(200)).body
        .personalData,
    ).toBe('withheld');
    expect(
      (await request(fixture.app).get(path).set(f.auth(f.auditorP)).expect(200)).body.personalData,
    ).toBe('withheld');
    expect((await request(fixture.app).get(path).set(f.auth(f.coopB))).status).toBe(403);
  });

  it.each([
    ['an invalid NIK', { nik: '3374023208850001' }, 422, 'nik_impossible_date'],
    [
      'a NIK not matching the birth date',
      { birthDate: '1951-01-01' },
      422,
      'nik_birth_date_mismatch',
    ],
  ])('refuses %s, naming the field', async (_, change, status, code) => {
    const res = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: `A-9${code.length}`,
      joinedOn: '2026-02-03',
      person: person(3, change),
    });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code, errors: [{ in: 'body', pointer: '/person/nik' }] });
  });

  it('refuses a second member with the same NIK in one coop, and a taken member number', async () => {
    await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0010',
      joinedOn: '2026-02-03',
      person: person(10),
    }).expect(201);
    const dup = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0011',
      joinedOn: '2026-02-03',
      person: person(10),
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('duplicate_nik');
    const taken = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0010',
      joinedOn: '2026-02-03',
      person: person(11),
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('member_number_taken');
    // The refused joining left no claim on the NIK behind: the person joins under a free number.
    await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0012',
      joinedOn: '2026-02-03',
      person: person(11),
    }).expect(201);
    // The same NIK in another coop is a different membership, and allowed.
    await join(f.coopB, COOP.B, {
      kind: 'person',
      memberNumber: 'B-0010',
      joinedOn: '2026-02-03',
      person: person(10),
    }).expect(201);
  });

  it('refuses people at a secondary coop (closed loop) and takes member coops there', async () => {
    const res = await join(f.treasurerP, COOP.P, {
      kind: 'person',
      memberNumber: 'P-1',
      joinedOn: '2026-02-03',
      person: person(20),
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('person_in_secondary');
    await join(f.treasurerP, COOP.P, {
      kind: 'coop',
      memberNumber: 'P-A',
      joinedOn: '2026-02-03',
      memberCoopId: COOP.A,
    }).expect(201);
  });

  it('takes a member coop back only from the day its last membership ended', async () => {
    const joinP = (memberNumber: string, joinedOn: string) =>
      join(f.treasurerP, COOP.P, { kind: 'coop', memberNumber, joinedOn, memberCoopId: COOP.B });
    const first = await joinP('P-B', '2026-02-03').expect(201);
    await request(fixture.app)
      .post(api(`/coops/${COOP.P}/members/${first.body.memberId}/departure`))
      .set(f.auth(f.treasurerP))
      .send({ reason: 'resigned', leftOn: '2026-06-30' })
      .expect(200);
    const overlapping = await joinP('P-B2', '2026-03-01');
    expect(overlapping.status).toBe(409);
    expect(overlapping.body).toMatchObject({ code: 'membership_overlaps' });
    await joinP('P-B2', '2026-06-30').expect(201);
  });

  it('makes a retried join with the same Idempotency-Key land on the same member', async () => {
    const body = {
      kind: 'person',
      memberNumber: 'A-0030',
      joinedOn: '2026-02-03',
      person: person(30),
    };
    const first = await join(f.coopA, COOP.A, body).set('Idempotency-Key', 'join-30').expect(201);
    const again = await join(f.coopA, COOP.A, body).set('Idempotency-Key', 'join-30').expect(201);
    expect(again.body.memberId).toBe(first.body.memberId);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('pages the directory and finds members by number and external id', async () => {
    const all = await request(fixture.app)
      .get(api(`/coops/${COOP.A}/members?limit=2`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(all.body.items).toHaveLength(2);
    const next = await request(fixture.app)
      .get(api(`/coops/${COOP.A}/members?limit=2&cursor=${all.body.nextCursor}`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(next.body.items[0].memberId > all.body.items[1].memberId).toBe(true);
    const byExternal = await request(fixture.app)
      .get(api(`/coops/${COOP.A}/members?externalId=AGT-1`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(byExternal.body.items.map((m: { memberNumber: string }) => m.memberNumber)).toEqual([
      'A-0001',
    ]);
  });

  it('records a departure, and moves a person to another coop keeping their person id', async () => {
    const a = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0040',
      joinedOn: '2026-02-03',
      person: person(40),
    }).expect(201);
    const moved = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${a.body.memberId}/move`))
      .set(f.auth(f.treasurerP))
      .send({ toCoopId: COOP.B, toMemberNumber: 'B-0040', on: '2026-07-01' })
      .expect(200);
    expect(moved.body.from).toMatchObject({ status: 'left', personId: a.body.personId });
    expect(moved.body.to).toMatchObject({
      coopId: COOP.B,
      status: 'active',
      personId: a.body.personId,
    });
    // Consumers tell the move from a resignation by where the member went.
    expect(await publishedLeft(a.body.memberId)).toEqual({
      coopId: COOP.A,
      memberId: a.body.memberId,
      reason: 'moved',
      leftOn: '2026-07-01',
      movedToCoopId: COOP.B,
      movedToMemberId: moved.body.to.memberId,
    });
    const b = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0041',
      joinedOn: '2026-02-03',
      person: person(41),
    }).expect(201);
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${b.body.memberId}/departure`))
      .set(f.auth(f.coopA))
      .send({ reason: 'resigned', leftOn: '2026-06-30' })
      .expect(200);
    const again = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${b.body.memberId}/departure`))
      .set(f.auth(f.coopA))
      .send({ reason: 'resigned', leftOn: '2026-06-30' });
    expect(again.status).toBe(409);
    expect(await publishedLeft(b.body.memberId)).toEqual({
      coopId: COOP.A,
      memberId: b.body.memberId,
      reason: 'resigned',
      leftOn: '2026-06-30',
    });
  });

  it('refuses a move before joining or after leaving, joining no one to the other coop', async () => {
    const move = (memberId: string, toMemberNumber: string, on: string) =>
      request(fixture.app)
        .post(api(`/coops/${COOP.A}/members/${memberId}/move`))
        .set(f.auth(f.treasurerP))
        .send({ toCoopId: COOP.B, toMemberNumber, on });
    const inB = async (memberNumber: string) =>
      (
        await request(fixture.app)
          .get(api(`/coops/${COOP.B}/members?memberNumber=${memberNumber}`))
          .set(f.auth(f.treasurerP))
          .expect(200)
      ).body.items;
    const a = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0050',
      joinedOn: '2026-05-01',
      person: person(50),
    }).expect(201);
    const early = await move(a.body.memberId, 'B-0050', '2026-03-01');
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({
      code: 'moved_before_joined',
      errors: [{ pointer: '/on' }],
    });
    expect(await inB('B-0050')).toEqual([]);
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${a.body.memberId}/departure`))
      .set(f.auth(f.coopA))
      .send({ reason: 'deceased', leftOn: '2026-06-01' })
      .expect(200);
    // Today is 1 August in Jakarta: a move or a departure on a day to come is not yet recorded.
    const planned = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0052',
      joinedOn: '2026-02-01',
      person: person(52),
    }).expect(201);
    const ahead = await move(planned.body.memberId, 'B-0052', '2026-08-02');
    expect(ahead.status).toBe(422);
    expect(ahead.body).toMatchObject({ code: 'moved_in_future', errors: [{ pointer: '/on' }] });
    expect(await inB('B-0052')).toEqual([]);
    const leaving = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${planned.body.memberId}/departure`))
      .set(f.auth(f.coopA))
      .send({ reason: 'resigned', leftOn: '2026-08-31' });
    expect(leaving.status).toBe(422);
    expect(leaving.body.code).toBe('left_in_future');
    const still = await request(fixture.app)
      .get(api(`/coops/${COOP.A}/members/${planned.body.memberId}`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(still.body.status).toBe('active');
    const late = await move(a.body.memberId, 'B-0050', '2026-07-01');
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('member_left');
    expect(await inB('B-0050')).toEqual([]);
    // A move already made, sent again, finishes rather than failing or doubling.
    const b = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0051',
      joinedOn: '2026-02-01',
      person: person(51),
    }).expect(201);
    const first = await move(b.body.memberId, 'B-0051', '2026-07-01').expect(200);
    const again = await move(b.body.memberId, 'B-0051', '2026-07-01').expect(200);
    expect(again.body.to.memberId).toBe(first.body.to.memberId);
    expect(await inB('B-0051')).toHaveLength(1);
  });

  it('takes a person back by hand only from the day their last membership there ended', async () => {
    const siti = person(60);
    const first = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0060',
      joinedOn: '2026-02-01',
      person: siti,
    }).expect(201);
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${first.body.memberId}/departure`))
      .set(f.auth(f.coopA))
      .send({ reason: 'resigned', leftOn: '2026-05-31' })
      .expect(200);
    const back = (memberNumber: string, joinedOn: string) =>
      join(f.coopA, COOP.A, {
        kind: 'person',
        memberNumber,
        joinedOn,
        personId: first.body.personId,
        person: siti,
      });
    const overlapping = await back('A-0061', '2026-03-01');
    expect(overlapping.status).toBe(409);
    expect(overlapping.body).toMatchObject({ code: 'membership_overlaps' });
    const listed = await request(fixture.app)
      .get(api(`/coops/${COOP.A}/members?memberNumber=A-0061`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(listed.body.items).toEqual([]);
    const returned = await back('A-0061', '2026-05-31').expect(201);
    expect(returned.body).toMatchObject({ personId: first.body.personId, status: 'active' });
  });

  it('moves no one into a coop within a membership of theirs there that has ended', async () => {
    const rina = person(65);
    const inA = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0065',
      joinedOn: '2026-02-01',
      person: rina,
    }).expect(201);
    const inB = await join(f.treasurerP, COOP.B, {
      kind: 'person',
      memberNumber: 'B-0065',
      joinedOn: '2026-02-01',
      personId: inA.body.personId,
      person: rina,
    }).expect(201);
    await request(fixture.app)
      .post(api(`/coops/${COOP.B}/members/${inB.body.memberId}/departure`))
      .set(f.auth(f.coopB))
      .send({ reason: 'resigned', leftOn: '2026-06-30' })
      .expect(200);
    const move = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${inA.body.memberId}/move`))
      .set(f.auth(f.treasurerP))
      .send({ toCoopId: COOP.B, toMemberNumber: 'B-0066', on: '2026-04-01' });
    expect(move.status).toBe(409);
    expect(move.body).toMatchObject({ code: 'membership_overlaps' });
    const stillInA = await request(fixture.app)
      .get(api(`/coops/${COOP.A}/members/${inA.body.memberId}`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(stillInA.body.status).toBe('active');
  });

  it('joins no coop by hand a person who left a coop as deceased', async () => {
    const budi = person(63);
    const died = await join(f.coopA, COOP.A, {
      kind: 'person',
      memberNumber: 'A-0063',
      joinedOn: '2026-02-01',
      person: budi,
    }).expect(201);
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members/${died.body.memberId}/departure`))
      .set(f.auth(f.coopA))
      .send({ reason: 'deceased', leftOn: '2026-04-01' })
      .expect(200);
    const joined = await join(f.treasurerP, COOP.B, {
      kind: 'person',
      memberNumber: 'B-0063',
      joinedOn: '2026-06-01',
      personId: died.body.personId,
      person: budi,
    });
    expect(joined.status).toBe(409);
    expect(joined.body).toMatchObject({ code: 'member_deceased' });
  });

  it('counts coops and members for the command center, consolidated under the parent', async () => {
    const stats = await request(fixture.app)
      .get(api(`/coops/${COOP.P}/statistics`))
      .set(f.auth(f.auditorP))
      .expect(200);
    expect(stats.body.coops).toMatchObject({ total: 3 });
    expect(stats.body.coops.byKind).toEqual([
      { key: 'primary', count: 2 },
      { key: 'secondary', count: 1 },
    ]);
    expect(stats.body.members.persons).toBeGreaterThan(0);
    const byGender = Object.fromEntries(
      stats.body.members.byGender.map((g: { key: string; count: number }) => [g.key, g.count]),
    );
    expect((byGender.female ?? 0) + (byGender.male ?? 0) + (byGender.unknown ?? 0)).toBe(
      stats.body.members.persons,
    );
    expect(stats.body.rat).toMatchObject({ activeCoops: 3, overdue: 3 });
    const publicStats = await request(fixture.app).get(api('/public/statistics')).expect(200);
    expect(publicStats.body.members.total).toBe(stats.body.members.total);
  });

  it('records RATs and agreements', async () => {
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/rats`))
      .set(f.auth(f.coopA))
      .send({ financialYear: 2025, heldOn: '2026-03-15' })
      .expect(200);
    const coop = await request(fixture.app)
      .get(api(`/coops/${COOP.A}`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(coop.body).toMatchObject({ ratYears: [2025], ratOverdue: false });
    const signed = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/cooperation-agreements`))
      .set(f.auth(f.treasurerP))
      .send({ partnerCoopId: COOP.B, validFrom: '2026-01-01', validUntil: '2026-12-31' })
      .expect(201);
    expect(signed.body.inForce).toBe(true);
    const listed = await request(fixture.app)
      .get(api(`/coops/${COOP.B}/cooperation-agreements`))
      .set(f.auth(f.coopB))
      .expect(200);
    expect(listed.body.items).toHaveLength(1);
  });

  it('keeps a coop from approving itself', async () => {
    const treasurerA = await fixture.key('treasurer', COOP.A);
    const res = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/suspension`))
      .set(f.auth(treasurerA))
      .send({ on: '2026-07-02' });
    expect(res.status).toBe(403);
  });

  it('lists the coop directory publicly: legal identity and RAT standing, paged, nothing personal', async () => {
    const page = await request(fixture.app).get(api('/public/coops?limit=2')).expect(200);
    expect(page.body.coops.map((c: { coopId: string }) => c.coopId)).toEqual(
      [COOP.P, COOP.A, COOP.B].sort().slice(0, 2),
    );
    const rest = await request(fixture.app)
      .get(api(`/public/coops?limit=2&cursor=${page.body.nextCursor as string}`))
      .expect(200);
    expect(rest.body.nextCursor).toBeNull();
    const all = [...page.body.coops, ...rest.body.coops] as {
      coopId: string;
      legalEntityNumber: string;
      rat: { lastYear: number | null; overdue: boolean };
    }[];
    expect(all).toHaveLength(3);
    const a = all.find((c) => c.coopId === COOP.A)!;
    // A held its 2025 RAT (recorded above); the others have none, and on 1 August it is overdue.
    expect(a).toMatchObject({
      legalEntityNumber: `AHU-${COOP.A}`,
      rat: { lastYear: 2025, overdue: false },
    });
    expect(all.find((c) => c.coopId === COOP.B)!.rat).toEqual({ lastYear: null, overdue: true });
    const text = JSON.stringify([page.body, rest.body]);
    expect(text).not.toMatch(/\d{16}|birthDate|memberNumber/);
  });

  it('claims no NIK or member number for a joining the closed-loop rules refuse', async () => {
    const status = (path: string, on: string) =>
      request(fixture.app)
        .post(api(`/coops/${COOP.B}/${path}`))
        .set(f.auth(f.treasurerP))
        .send({ on })
        .expect(200);
    const body = {
      kind: 'person',
      memberNumber: 'B-0090',
      joinedOn: '2026-03-02',
      person: person(90),
    };
    await status('suspension', '2026-03-01');
    const refused = await join(f.coopB, COOP.B, body);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('coop_not_active');
    await status('reinstatement', '2026-03-02');
    // Without an Idempotency-Key each request is a new member and person: a claim left by
    // the refused one would make this a duplicate NIK or a taken number.
    const joined = await join(f.coopB, COOP.B, body);
    expect(joined.body).toMatchObject({ memberNumber: 'B-0090' });
    expect(joined.status).toBe(201);
  });

  it('refuses a joining or a birth dated after today in Jakarta, claiming nothing', async () => {
    // Today is 1 August 2026 in Jakarta.
    const body = { kind: 'person', memberNumber: 'B-0095', person: person(95) };
    const early = await join(f.coopB, COOP.B, { ...body, joinedOn: '2026-08-02' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({
      code: 'joined_in_future',
      errors: [{ pointer: '/joinedOn' }],
    });
    const unborn = {
      ...person(96),
      birthDate: '2026-08-02',
      nik: '3374024208260001',
      gender: 'female',
    };
    const baby = await join(f.coopB, COOP.B, {
      ...body,
      memberNumber: 'B-0096',
      joinedOn: '2026-08-01',
      person: unborn,
    });
    expect(baby.status).toBe(422);
    expect(baby.body).toMatchObject({
      code: 'birth_date_in_future',
      errors: [{ pointer: '/person/birthDate' }],
    });
    const synced = await request(fixture.app)
      .post(api(`/coops/${COOP.B}/member-batches`))
      .set(f.auth(f.coopB))
      .send({ sequence: 1, items: [{ ...body, externalId: 'KM-95', joinedOn: '2026-08-02' }] })
      .expect(200);
    expect(synced.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'joined_in_future' },
    });
    await join(f.coopB, COOP.B, { ...body, joinedOn: '2026-08-01' }).expect(201);
  });
});
