import { CoopId, EventId, MemberId } from './ids';
import { PROVINCE_CODES, ProvinceCode } from './province';
import { IsoDate, IsoInstant } from './time';

describe('IsoDate', () => {
  it.each(['2026-01-31', '2024-02-29', '2000-02-29'])('accepts the real date %s', (date) => {
    expect(IsoDate.safeParse(date).success).toBe(true);
  });
  it.each(['2026-02-30', '2023-02-29', '1900-02-29', '2026-13-01', '2026-1-01', '20260101'])(
    'refuses %s',
    (date) => {
      expect(IsoDate.safeParse(date).success).toBe(false);
    },
  );
});

describe('IsoInstant', () => {
  it('accepts UTC instants with Z, with or without fractions', () => {
    expect(IsoInstant.safeParse('2026-11-28T03:15:00.000Z').success).toBe(true);
    expect(IsoInstant.safeParse('2026-11-28T03:15:00Z').success).toBe(true);
  });
  it.each([
    '2026-11-28T10:15:00+07:00',
    '2026-11-28T03:15:00',
    '2026-02-30T00:00:00Z',
    '2026-11-28',
  ])('refuses %s', (instant) => {
    expect(IsoInstant.safeParse(instant).success).toBe(false);
  });
});

describe('entity ids', () => {
  it('accept UUIDs and a coop system’s own ids, up to 64 URL-safe characters', () => {
    for (const id of ['0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01', 'KSP_SEJAHTERA-01', 'x'.repeat(64)]) {
      expect(CoopId.safeParse(id).success).toBe(true);
    }
  });
  it('refuse empty, long, and path- or key-unsafe ids', () => {
    for (const id of ['', 'x'.repeat(65), 'a/b', 'a b', 'a.b', 'ü']) {
      expect(MemberId.safeParse(id).success).toBe(false);
    }
  });
  it('event ids are UUIDs', () => {
    expect(EventId.safeParse('0193a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f').success).toBe(true);
    expect(EventId.safeParse('evt-1').success).toBe(false);
  });
});

describe('ProvinceCode', () => {
  it('has the 38 provinces, including the Papua provinces of 2022', () => {
    expect(PROVINCE_CODES).toHaveLength(38);
    expect(ProvinceCode.safeParse('96').success).toBe(true);
    expect(ProvinceCode.safeParse('20').success).toBe(false);
  });
});
