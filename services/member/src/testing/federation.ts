import request from 'supertest';
import type { HostFixture } from '@kopfed/host/src/testing';
import { coopBody, person } from '../samples';

export { coopBody, person };

/** Sync batch items for persons `from` … `from + count - 1`, keyed AGT-n with member number S-n. */
export function memberItems(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    externalId: `AGT-${from + i}`,
    memberNumber: `S-${from + i}`,
    kind: 'person',
    joinedOn: '2025-01-15',
    person: person(from + i),
  }));
}

export const COOP = { P: 'puskopdit-jateng', A: 'ksp-sejahtera', B: 'ksp-makmur' } as const;

/** A secondary coop P with two active primary coops A and B, and keys for their people. */
export async function federation(fixture: HostFixture) {
  const admin = await fixture.key('admin', 'federation');
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  await request(fixture.app)
    .post('/api/member/v1/coops')
    .set(auth(admin))
    .send(coopBody(COOP.P, 'secondary', null))
    .expect(201);
  await request(fixture.app)
    .post(`/api/member/v1/coops/${COOP.P}/approval`)
    .set(auth(admin))
    .send({ on: '2026-01-06' })
    .expect(200);
  const treasurerP = await fixture.key('treasurer', COOP.P);
  for (const coop of [COOP.A, COOP.B]) {
    await request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.P}/member-coops`)
      .set(auth(treasurerP))
      .send(coopBody(coop, 'primary', COOP.P))
      .expect(201);
    await request(fixture.app)
      .post(`/api/member/v1/coops/${coop}/approval`)
      .set(auth(treasurerP))
      .send({ on: '2026-01-07' })
      .expect(200);
  }
  return {
    admin,
    treasurerP,
    coopA: await fixture.key('coop', COOP.A),
    coopB: await fixture.key('coop', COOP.B),
    auditorP: await fixture.key('auditor', COOP.P),
    auth,
  };
}
