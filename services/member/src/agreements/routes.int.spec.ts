import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, federation } from '../testing/federation';

describe('cooperation agreements over HTTP, on the Jakarta business date', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  let now = new Date('2026-02-01T03:00:00Z');
  const api = (path: string) => `/api/member/v1${path}`;
  beforeAll(async () => {
    fixture = await hostFixture([memberModule], { clock: () => now });
    f = await federation(fixture);
  });
  afterAll(() => fixture.close());

  it('is recorded only by a credential that reaches both coops', async () => {
    const body = { partnerCoopId: COOP.B, validFrom: '2026-01-01', validUntil: '2026-12-31' };
    const sign = (token: string) =>
      request(fixture.app)
        .post(api(`/coops/${COOP.A}/cooperation-agreements`))
        .set(f.auth(token))
        .send(body);
    // Coop A alone cannot bind coop B, whose transfers and loans the agreement opens.
    const alone = await sign(f.coopA);
    expect(alone.status).toBe(403);
    const listed = await request(fixture.app)
      .get(api(`/coops/${COOP.B}/cooperation-agreements`))
      .set(f.auth(f.coopB))
      .expect(200);
    expect(listed.body.items).toEqual([]);
    const signed = await sign(f.treasurerP).expect(201);
    expect(signed.body).toMatchObject({ coopId: COOP.A, partnerCoopId: COOP.B });
  });

  it('ends an agreement valid until 30 June at 00:00 WIB on 1 July, not at 07:00', async () => {
    const signed = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/cooperation-agreements`))
      .set(f.auth(f.treasurerP))
      .send({ partnerCoopId: COOP.B, validFrom: '2026-01-01', validUntil: '2026-06-30' })
      .expect(201);
    const inForce = async () => {
      const list = await request(fixture.app)
        .get(api(`/coops/${COOP.B}/cooperation-agreements`))
        .set(f.auth(f.coopB))
        .expect(200);
      return (list.body.items as { agreementId: string; inForce: boolean }[]).find(
        (a) => a.agreementId === signed.body.agreementId,
      )!.inForce;
    };
    now = new Date('2026-06-30T16:59:00Z'); // 23:59 on 30 June in Jakarta
    expect(await inForce()).toBe(true);
    now = new Date('2026-06-30T17:30:00Z'); // 00:30 on 1 July in Jakarta
    expect(await inForce()).toBe(false);
  });
});
