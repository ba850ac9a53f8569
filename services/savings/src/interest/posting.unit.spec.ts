import { MICRO } from './accrual';
import { roundForPosting } from './posting';

describe('posting rounds half-up to whole rupiah and carries the residue', () => {
  it.each([
    [4_718_413_590n, 0n, 4_718n, 413_590n],
    [4_718_413_590n, 600_000n, 4_719n, 13_590n],
    [2_500_000n, 0n, 3n, -500_000n],
    [2_499_999n, 0n, 2n, 499_999n],
    [0n, -400_000n, 0n, -400_000n],
  ])(
    'accrued %d µRp + carried %d µRp posts Rp%d and carries %d µRp',
    (accrued, carried, amount, carriedOut) => {
      expect(roundForPosting(accrued, carried)).toEqual({ amount, carriedOutMicro: carriedOut });
    },
  );

  it('pays over time exactly what accrued: 0.4 a month posts 0, 1, 0, 1, 0 …', () => {
    let carried = 0n;
    const posted: bigint[] = [];
    for (let month = 0; month < 10; month++) {
      const p = roundForPosting(400_000n, carried);
      posted.push(p.amount);
      carried = p.carriedOutMicro;
    }
    expect(posted).toEqual([0n, 1n, 0n, 1n, 0n, 0n, 1n, 0n, 1n, 0n]);
    expect(posted.reduce((a, b) => a + b, 0n) * MICRO + carried).toBe(4_000_000n);
  });
});
