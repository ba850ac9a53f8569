import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, federation } from '../testing/federation';

/** A member coop's exits are resigned or expelled: a coop neither dies nor moves. */
describe('a member coop’s departure', () => {
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

  const member = async (memberId: string) =>
    (
      await request(fixture.app)
        .get(api(`/coops/${COOP.P}/members/${memberId}`))
        .set(f.auth(f.treasurerP))
        .expect(200)
    ).body;

  it('refuses a member coop leaving as deceased, and changes nothing', async () => {
    const joined = await request(fixture.app)
      .post(api(`/coops/${COOP.P}/members`))
      .set(f.auth(f.treasurerP))
      .send({ kind: 'coop', memberNumber: 'P-1', joinedOn: '2026-02-01', memberCoopId: COOP.A })
      .expect(201);
    const { memberId } = joined.body as { memberId: string };
    const departure = (reason: string) =>
      request(fixture.app)
        .post(api(`/coops/${COOP.P}/members/${memberId}/departure`))
        .set(f.auth(f.treasurerP))
        .send({ reason, leftOn: '2026-03-01' });
    const died = await departure('deceased').expect(422);
    expect(died.body).toMatchObject({ code: 'coop_leave_reason' });
    expect(JSON.stringify(died.body)).toContain('/reason');
    expect(await member(memberId)).toMatchObject({ status: 'active' });
    await departure('resigned').expect(200);
    expect(await member(memberId)).toMatchObject({ status: 'left', leftReason: 'resigned' });
  });

  it('rejects a synced member coop leaving as deceased or moved, and takes the others', async () => {
    const coopP = await fixture.key('coop', COOP.P);
    const item = (externalId: string, memberCoopId: string, reason: string) => ({
      externalId,
      memberNumber: externalId,
      kind: 'coop',
      joinedOn: '2026-02-01',
      memberCoopId,
      left: { reason, leftOn: '2026-03-01' },
    });
    const sync = async (sequence: number, reason: string) =>
      (
        await request(fixture.app)
          .post(api(`/coops/${COOP.P}/member-batches`))
          .set(f.auth(coopP))
          .send({ sequence, items: [item(`PB-${sequence}`, COOP.B, reason)] })
          .expect(200)
      ).body.results[0];
    for (const [sequence, reason] of [
      [1, 'deceased'],
      [2, 'moved'],
    ] as const) {
      expect(await sync(sequence, reason)).toMatchObject({
        externalId: `PB-${sequence}`,
        status: 'rejected',
        problem: { code: 'coop_leave_reason', pointer: '/left/reason' },
      });
    }
    expect(await sync(3, 'expelled')).toMatchObject({ externalId: 'PB-3', status: 'created' });
  });
});
