import fc from 'fast-check';
import { DomainError } from '@kopfed/domain';
import { allocateShu, SHU_POOLS, type ShuAllocationPercents } from './allocation';

const BYLAWS: ShuAllocationPercents = {
  reserve: '25',
  memberCapital: '20',
  memberBusiness: '25',
  board: '10',
  staff: '5',
  education: '7.5',
  social: '7.5',
};

const ALL_TO_BUSINESS: ShuAllocationPercents = {
  reserve: '0',
  memberCapital: '0',
  memberBusiness: '100',
  board: '0',
  staff: '0',
  education: '0',
  social: '0',
};

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('allocateShu', () => {
  it('splits a worked example exactly as checked by hand', () => {
    // Pools of Rp10,000,001: 20% = 2,000,000.2 → 2,000,000; 25% = 2,500,000.25 → 2,500,000;
    // 10% → 1,000,000; 5% → 500,000; 7.5% = 750,000.075 → 750,000 (twice); reserve 25% →
    // 2,500,000 plus the 1 rupiah the floors left over.
    // Capital 2,000,000 by 1:2:3 → 333,333.33 / 666,666.67 / 1,000,000: the spare rupiah to the
    // largest remainder (.67). Business 2,500,000 in three equal parts → 833,333.33 each: the
    // spare rupiah to the lowest member number, 9 (numerically before 10 and 11).
    const result = allocateShu({
      surplusMinor: 10_000_001n,
      allocation: BYLAWS,
      bases: [
        { memberId: 'm-a', memberNumber: '10', capitalBasis: '1000000', businessBasis: '100' },
        { memberId: 'm-c', memberNumber: '11', capitalBasis: '3000000', businessBasis: '100' },
        { memberId: 'm-b', memberNumber: '9', capitalBasis: '2000000', businessBasis: '100' },
      ],
    });
    expect(result.pools).toEqual({
      reserve: 2_500_001n,
      memberCapital: 2_000_000n,
      memberBusiness: 2_500_000n,
      board: 1_000_000n,
      staff: 500_000n,
      education: 750_000n,
      social: 750_000n,
    });
    expect(result.members).toEqual([
      {
        memberId: 'm-b',
        capitalShareMinor: 666_667n,
        businessShareMinor: 833_334n,
        totalMinor: 1_500_001n,
      },
      {
        memberId: 'm-a',
        capitalShareMinor: 333_333n,
        businessShareMinor: 833_333n,
        totalMinor: 1_166_666n,
      },
      {
        memberId: 'm-c',
        capitalShareMinor: 1_000_000n,
        businessShareMinor: 833_333n,
        totalMinor: 1_833_333n,
      },
    ]);
  });

  it('gives a tied rupiah to the lower member number when numbers are zero-padded unevenly', () => {
    // 3 rupiah in four equal parts: 0 each and 3 spare, to the three lowest numbers 99, 100, 101.
    const result = allocateShu({
      surplusMinor: 3n,
      allocation: {
        ...BYLAWS,
        reserve: '0',
        memberCapital: '0',
        memberBusiness: '100',
        board: '0',
        staff: '0',
        education: '0',
        social: '0',
      },
      bases: [
        { memberId: 'm-102', memberNumber: '102', capitalBasis: '0', businessBasis: '1' },
        { memberId: 'm-101', memberNumber: '101', capitalBasis: '0', businessBasis: '1' },
        { memberId: 'm-100', memberNumber: '100', capitalBasis: '0', businessBasis: '1' },
        { memberId: 'm-99', memberNumber: '00099', capitalBasis: '0', businessBasis: '1' },
      ],
    });
    expect(result.members.map((m) => [m.memberId, m.businessShareMinor])).toEqual([
      ['m-99', 1n],
      ['m-100', 1n],
      ['m-101', 1n],
      ['m-102', 0n],
    ]);
  });

  it('gives a tied rupiah to the same member whatever order the members come in', () => {
    // 1 rupiah in three equal parts: digits-only numbers come first, by value, so 9 gets it.
    const members = [
      { memberId: 'm-9', memberNumber: '9', capitalBasis: '0', businessBasis: '1' },
      { memberId: 'm-10', memberNumber: '10', capitalBasis: '0', businessBasis: '1' },
      { memberId: 'm-1a', memberNumber: '1A', capitalBasis: '0', businessBasis: '1' },
    ];
    const [a, b, c] = members;
    const orders = [
      [a!, b!, c!],
      [a!, c!, b!],
      [b!, a!, c!],
      [b!, c!, a!],
      [c!, a!, b!],
      [c!, b!, a!],
    ];
    const winners = orders.map((bases) => {
      const result = allocateShu({ surplusMinor: 1n, allocation: ALL_TO_BUSINESS, bases });
      return result.members.filter((m) => m.businessShareMinor === 1n).map((m) => m.memberId);
    });
    expect(winners).toEqual(orders.map(() => ['m-9']));
  });

  it('lists and pays the members the same way whatever order they come in', () => {
    const numbered = fc.uniqueArray(
      fc.record({
        memberId: fc.uuid(),
        memberNumber: fc.option(fc.stringMatching(/^(0{0,2}[0-9]{1,3}|[0-9A-C]{1,3})$/), {
          nil: undefined,
        }),
        capitalBasis: fc.constant('0'),
        businessBasis: fc.constantFrom('1', '2'),
      }),
      { minLength: 1, maxLength: 12, selector: (b) => b.memberId },
    );
    fc.assert(
      fc.property(
        numbered.chain((bases) =>
          fc.tuple(
            fc.constant(bases),
            fc.shuffledSubarray(bases, {
              minLength: bases.length,
            }),
          ),
        ),
        fc.bigInt({ min: 0n, max: 50n }),
        ([bases, shuffled], surplus) => {
          const split = (b: typeof bases) =>
            allocateShu({ surplusMinor: surplus, allocation: ALL_TO_BUSINESS, bases: b }).members;
          expect(split(shuffled)).toEqual(split(bases));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses an allocation that does not sum to exactly 100, naming the field', () => {
    const error = refusal(() =>
      allocateShu({ surplusMinor: 1_000n, allocation: { ...BYLAWS, social: '7.4' }, bases: [] }),
    );
    expect(error).toMatchObject({
      code: 'shu-allocation-not-100',
      kind: 'rejected',
      pointer: '/allocation',
    });
    expect(error.message).toMatch(/99\.9/);
  });

  it('refuses a malformed percent or basis, naming it', () => {
    expect(
      refusal(() =>
        allocateShu({ surplusMinor: 1n, allocation: { ...BYLAWS, staff: '5%' }, bases: [] }),
      ),
    ).toMatchObject({ pointer: '/allocation/staff' });
    expect(
      refusal(() =>
        allocateShu({
          surplusMinor: 1n,
          allocation: BYLAWS,
          bases: [{ memberId: 'x', capitalBasis: '1', businessBasis: '-2' }],
        }),
      ),
    ).toMatchObject({ pointer: '/bases/0/businessBasis' });
    expect(
      refusal(() =>
        allocateShu({
          surplusMinor: 1n,
          allocation: BYLAWS,
          bases: [
            { memberId: 'x', capitalBasis: '1', businessBasis: '1' },
            { memberId: 'x', capitalBasis: '2', businessBasis: '2' },
          ],
        }),
      ),
    ).toMatchObject({ code: 'shu-member-duplicated', pointer: '/bases/1/memberId' });
  });

  it('refuses a member pool with nobody to share it', () => {
    expect(
      refusal(() => allocateShu({ surplusMinor: 1_000_000n, allocation: BYLAWS, bases: [] })),
    ).toMatchObject({ code: 'shu-no-basis', pointer: '/bases' });
  });

  // Seven percents in hundredths of a percent summing to 10,000 (= 100%).
  const percents = fc
    .array(fc.integer({ min: 0, max: 10_000 }), { minLength: 6, maxLength: 6 })
    .map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), 10_000];
      const parts = points.slice(1).map((p, i) => p - points[i]!);
      const text = (hundredths: number) =>
        `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
      return Object.fromEntries(
        SHU_POOLS.map((pool, i) => [pool, text(parts[i]!)]),
      ) as unknown as ShuAllocationPercents;
    });
  const basis = fc
    .tuple(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 0, max: 999_999 }))
    .map(([whole, fraction]) => `${whole}.${String(fraction).padStart(6, '0')}`);
  const bases = fc.uniqueArray(
    fc.record({
      memberId: fc.uuid(),
      memberNumber: fc.stringMatching(/^[0-9]{1,6}$/),
      capitalBasis: basis,
      businessBasis: basis,
    }),
    { minLength: 1, maxLength: 20, selector: (b) => b.memberId },
  );

  it('always splits the surplus into pools, and each member pool into shares, exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), percents, bases, (surplus, p, b) => {
        const result = allocateShu({ surplusMinor: surplus, allocation: p, bases: b });
        const sum = (xs: bigint[]) => xs.reduce((a, x) => a + x, 0n);
        expect(sum(SHU_POOLS.map((pool) => result.pools[pool]))).toBe(surplus);
        expect(sum(result.members.map((m) => m.capitalShareMinor))).toBe(
          result.pools.memberCapital,
        );
        expect(sum(result.members.map((m) => m.businessShareMinor))).toBe(
          result.pools.memberBusiness,
        );
        for (const m of result.members) {
          expect(m.capitalShareMinor).toBeGreaterThanOrEqual(0n);
          expect(m.totalMinor).toBe(m.capitalShareMinor + m.businessShareMinor);
        }
        // Only the reserve may get more than its floor, and by less than one rupiah per pool.
        for (const pool of SHU_POOLS.filter((x) => x !== 'reserve')) {
          const exactTimes100 = surplus * BigInt(Math.round(Number(p[pool]) * 100));
          expect(result.pools[pool]).toBe(exactTimes100 / 10_000n);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('gives a member no more than one rupiah above its exact proportional share', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), bases, (surplus, b) => {
        const result = allocateShu({ surplusMinor: surplus, allocation: BYLAWS, bases: b });
        const weight = (text: string) => BigInt(text.replace('.', ''));
        const total = b.reduce((a, m) => a + weight(m.capitalBasis), 0n);
        if (total === 0n) return;
        for (const share of result.members) {
          const basisOf = weight(b.find((m) => m.memberId === share.memberId)!.capitalBasis);
          const floor = (result.pools.memberCapital * basisOf) / total;
          expect(share.capitalShareMinor - floor).toBeGreaterThanOrEqual(0n);
          expect(share.capitalShareMinor - floor).toBeLessThanOrEqual(1n);
        }
      }),
      { numRuns: 60 },
    );
  });
});
