import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, coopBody, federation } from '../testing/federation';

describe('coops over HTTP, on the Jakarta business date', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  let now = new Date('2026-02-01T03:00:00Z');
  const api = (path: string) => `/api/member/v1${path}`;
  beforeAll(async () => {
    fixture = await hostFixture([memberModule], { clock: () => now });
    f = await federation(fixture);
  });
  afterAll(() => fixture.close());

  it('counts the RAT overdue from 1 July 00:00 WIB, while it is still 30 June in UTC', async () => {
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/rats`))
      .set(f.auth(f.coopA))
      .send({ financialYear: 2024, heldOn: '2025-03-01' })
      .expect(200);
    now = new Date('2026-06-30T16:59:00Z'); // 23:59 on 30 June in Jakarta
    const before = await request(fixture.app)
      .get(api(`/coops/${COOP.A}`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(before.body.ratOverdue).toBe(false);
    now = new Date('2026-06-30T17:30:00Z'); // 00:30 on 1 July in Jakarta
    const after = await request(fixture.app)
      .get(api(`/coops/${COOP.A}`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(after.body.ratOverdue).toBe(true);
  });

  it('refuses a RAT held after today, and takes one held today in Jakarta', async () => {
    now = new Date('2026-06-30T17:30:00Z'); // 1 July in Jakarta, 30 June in UTC
    const future = await request(fixture.app)
      .post(api(`/coops/${COOP.B}/rats`))
      .set(f.auth(f.coopB))
      .send({ financialYear: 2025, heldOn: '2026-07-02' });
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({ code: 'rat_in_future' });
    const coop = await request(fixture.app)
      .get(api(`/coops/${COOP.B}`))
      .set(f.auth(f.coopB))
      .expect(200);
    expect(coop.body).toMatchObject({ ratYears: [], ratOverdue: true });
    const held = await request(fixture.app)
      .post(api(`/coops/${COOP.B}/rats`))
      .set(f.auth(f.coopB))
      .send({ financialYear: 2025, heldOn: '2026-07-01' })
      .expect(200);
    expect(held.body).toMatchObject({ ratYears: [2025], ratOverdue: false });
  });

  it('refuses an exit dated before the suspension it follows', async () => {
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/suspension`))
      .set(f.auth(f.treasurerP))
      .send({ on: '2026-07-01', reason: 'rat_not_held' })
      .expect(200);
    const exit = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/exit`))
      .set(f.auth(f.treasurerP))
      .send({ on: '2026-03-01', reason: 'dissolved' });
    expect(exit.status).toBe(422);
    expect(exit.body).toMatchObject({ code: 'date_before_status_change' });
    const coop = await request(fixture.app)
      .get(api(`/coops/${COOP.A}`))
      .set(f.auth(f.coopA))
      .expect(200);
    expect(coop.body.status).toBe('suspended');
  });
  it('registers a legal entity once: a resend without a coop id is refused, not a second coop', async () => {
    const body = { ...coopBody('unused', 'primary', COOP.P), legalEntityNumber: 'AHU-0007.AH.01' };
    const { coopId: _, ...withoutId } = body;
    const first = await request(fixture.app)
      .post(api(`/coops/${COOP.P}/member-coops`))
      .set(f.auth(f.treasurerP))
      .send(withoutId)
      .expect(201);
    const resent = await request(fixture.app)
      .post(api(`/coops/${COOP.P}/member-coops`))
      .set(f.auth(f.treasurerP))
      .send({ ...withoutId, legalEntityNumber: ' ahu-0007.ah.01 ' });
    expect(resent.status).toBe(409);
    expect(resent.body).toMatchObject({ code: 'legal_entity_registered' });
    const listed = await request(fixture.app)
      .get(api(`/coops/${COOP.P}/member-coops`))
      .set(f.auth(f.treasurerP))
      .expect(200);
    const same = (listed.body.items as { legalEntityNumber: string }[]).filter((c) =>
      /0007/.test(c.legalEntityNumber),
    );
    expect(same).toHaveLength(1);
    // Once that coop has exited, the legal entity may join the federation again.
    await request(fixture.app)
      .post(api(`/coops/${first.body.coopId}/exit`))
      .set(f.auth(f.treasurerP))
      .send({ on: '2026-02-01', reason: 'members_resolution' })
      .expect(200);
    await request(fixture.app)
      .post(api(`/coops/${COOP.P}/member-coops`))
      .set(f.auth(f.treasurerP))
      .send(withoutId)
      .expect(201);
  });

  it('refuses a coop registered before its parent joined the federation, registering nothing', async () => {
    const early = await request(fixture.app)
      .post(api(`/coops/${COOP.P}/member-coops`))
      .set(f.auth(f.treasurerP))
      .send({ ...coopBody('ksp-dini', 'primary', COOP.P), registeredOn: '2026-01-04' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({
      code: 'registered_before_parent',
      errors: [{ pointer: '/registeredOn' }],
    });
    await request(fixture.app).get(api('/coops/ksp-dini')).set(f.auth(f.admin)).expect(404);
    // The refused registration held no claim on the legal entity.
    await request(fixture.app)
      .post(api(`/coops/${COOP.P}/member-coops`))
      .set(f.auth(f.treasurerP))
      .send({ ...coopBody('ksp-dini-2', 'primary', COOP.P), legalEntityNumber: 'AHU-ksp-dini' })
      .expect(201);
  });
  it('refuses a suspension dated after today in Jakarta, and takes one dated today', async () => {
    now = new Date('2026-07-31T17:30:00Z'); // 00:30 on 1 August in Jakarta
    const suspend = (on: string) =>
      request(fixture.app)
        .post(api(`/coops/${COOP.B}/suspension`))
        .set(f.auth(f.treasurerP))
        .send({ on, reason: 'rat_not_held' });
    const early = await suspend('2026-08-02');
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'date_in_future', errors: [{ pointer: '/on' }] });
    const coop = await request(fixture.app)
      .get(api(`/coops/${COOP.B}`))
      .set(f.auth(f.coopB))
      .expect(200);
    expect(coop.body.status).toBe('active');
    expect((await suspend('2026-08-01').expect(200)).body.status).toBe('suspended');
  });
});

describe("a coop's status, decided by its parent", () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const api = (path: string) => `/api/member/v1${path}`;
  const INDUK = 'inkopdit-nasional';
  const PUSKOP = 'puskopdit-jabar';
  const KSP = 'ksp-bandung';
  let treasurerInduk: string;
  beforeAll(async () => {
    fixture = await hostFixture([memberModule], { clock: () => new Date('2026-02-01T03:00:00Z') });
    f = await federation(fixture);
    await request(fixture.app)
      .post(api('/coops'))
      .set(f.auth(f.admin))
      .send(coopBody(INDUK, 'tertiary', null))
      .expect(201);
    await request(fixture.app)
      .post(api(`/coops/${INDUK}/approval`))
      .set(f.auth(f.admin))
      .send({ on: '2026-01-06' })
      .expect(200);
    treasurerInduk = await fixture.key('treasurer', INDUK);
    await request(fixture.app)
      .post(api(`/coops/${INDUK}/member-coops`))
      .set(f.auth(treasurerInduk))
      .send(coopBody(PUSKOP, 'secondary', INDUK))
      .expect(201);
    await request(fixture.app)
      .post(api(`/coops/${PUSKOP}/approval`))
      .set(f.auth(treasurerInduk))
      .send({ on: '2026-01-07' })
      .expect(200);
    const treasurerPuskop = await fixture.key('treasurer', PUSKOP);
    await request(fixture.app)
      .post(api(`/coops/${PUSKOP}/member-coops`))
      .set(f.auth(treasurerPuskop))
      .send(coopBody(KSP, 'primary', PUSKOP))
      .expect(201);
  });
  afterAll(() => fixture.close());

  it.each(['approval', 'suspension', 'exit'])(
    'refuses the %s by the treasurer of the parent’s parent, changing nothing',
    async (path) => {
      const res = await request(fixture.app)
        .post(api(`/coops/${KSP}/${path}`))
        .set(f.auth(treasurerInduk))
        .send({ on: '2026-01-08' });
      expect(res.status).toBe(403);
      const coop = await request(fixture.app)
        .get(api(`/coops/${KSP}`))
        .set(f.auth(treasurerInduk))
        .expect(200);
      expect(coop.body.status).toBe('applied');
    },
  );

  it('refuses a sibling’s treasurer and takes the parent’s', async () => {
    const sibling = await request(fixture.app)
      .post(api(`/coops/${KSP}/approval`))
      .set(f.auth(f.treasurerP))
      .send({ on: '2026-01-08' });
    expect(sibling.status).toBe(403);
    const treasurerPuskop = await fixture.key('treasurer', PUSKOP);
    const approved = await request(fixture.app)
      .post(api(`/coops/${KSP}/approval`))
      .set(f.auth(treasurerPuskop))
      .send({ on: '2026-01-08' })
      .expect(200);
    expect(approved.body.status).toBe('active');
  });

  it('refuses to approve a coop once its parent has exited, changing nothing', async () => {
    const treasurerPuskop = await fixture.key('treasurer', PUSKOP);
    await request(fixture.app)
      .post(api(`/coops/${PUSKOP}/member-coops`))
      .set(f.auth(treasurerPuskop))
      .send(coopBody('ksp-cimahi', 'primary', PUSKOP))
      .expect(201);
    await request(fixture.app)
      .post(api(`/coops/${PUSKOP}/exit`))
      .set(f.auth(treasurerInduk))
      .send({ on: '2026-01-20', reason: 'merged' })
      .expect(200);
    const approval = await request(fixture.app)
      .post(api('/coops/ksp-cimahi/approval'))
      .set(f.auth(treasurerPuskop))
      .send({ on: '2026-01-21' });
    expect(approval.status).toBe(409);
    expect(approval.body).toMatchObject({ code: 'parent_not_active' });
    const coop = await request(fixture.app)
      .get(api('/coops/ksp-cimahi'))
      .set(f.auth(f.admin))
      .expect(200);
    expect(coop.body.status).toBe('applied');
  });
});
