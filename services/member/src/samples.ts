/**
 * Sample request bodies with valid data, for the demo federation (`npm run demo`), the
 * benchmarks and the tests. Production code may use them (the demo runs in the node's image),
 * so this module imports nothing a production install lacks; testing/federation.ts adds the
 * HTTP helpers the tests need.
 */

/** Person `n`, with a valid NIK: its date and gender match the birth date and gender. */
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

/** Coop `coopId`'s registration, with a valid NIK koperasi and NPWP. */
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
