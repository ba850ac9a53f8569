import request from 'supertest';
import type { HostFixture } from '@kopfed/host/src/testing';

/** People with valid NIKs for tests: the NIK's date and gender match the birth date and gender. */
export function person(n: number, overrides: Record<string, unknown> = {}) {
  const female = n % 2 === 0;
  const day = 1 + (n % 28);
  const month = 1 + (Math.floor(n / 28) % 12);
  const year = 1950 + (n % 50);
  const dd = String(day + (female ? 40 : 0)).padStart(2, '0');
  const mm = String(month).padStart(2, '0');
  const yy = String(year % 100).padStart(2, '0');
  const serial = String(1 + (n % 9999)).padStart(4, '0');
  return {
    name: `Anggota Nomor ${n}`,
    nik: `337402${dd}${mm}${yy}${serial}`,
    birthDate: `${year}-${mm}-${String(day).padStart(2, '0')}`,
    gender: female ? 'female' : 'male',
    address: { line: `Jl. Pemuda ${n}`, province: n % 3 === 0 ? '33' : '32' },
    ...overrides,
  };
}

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

export function coopBody(
  coopId: string,
  kind: 'primary' | 'secondary' | 'tertiary',
  parentCoopId: string | null,
) {
  return {
    coopId,
    kind,
    name: `Koperasi ${coopId}`,
    legalEntityNumber: `AHU-${coopId}`,
    nikKoperasi: { number: '3374010020190001', validUntil: '2030-12-31' },
    npwp: '012345678901234',
    address: { line: 'Jl. Pandanaran 1', province: '33' },
    parentCoopId,
    registeredOn: '2026-01-05',
  };
}

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
