import { money } from '@kopfed/money';
import { accountCode } from '../chart/account';
import {
  applyLines,
  balanceOf,
  balancesToRecord,
  combine,
  NO_BALANCES,
  type Balances,
} from './balances';
import { credit, debit } from './entry';

const KAS = accountCode('1-110');
const BANK = accountCode('1-120');
const SUKARELA = accountCode('2-110');
const idr = (n: number) => money(BigInt(n), 'IDR');
const usd = (n: number) => money(BigInt(n), 'USD');

describe('balances', () => {
  const funded = applyLines(NO_BALANCES, [debit(KAS, idr(100)), credit(SUKARELA, idr(100))]);

  it('adds lines per account and currency, debit-positive, and drops what nets to zero', () => {
    const next = applyLines(funded, [
      debit(BANK, usd(5)),
      credit(KAS, usd(5)),
      debit(SUKARELA, idr(100)),
      credit(KAS, idr(100)),
    ]);
    expect(balancesToRecord(next)).toEqual({ '1-110': { USD: '-5' }, '1-120': { USD: '5' } });
    expect(next.has(SUKARELA)).toBe(false);
    expect(next.size).toBe(2);
  });

  it('leaves the balances it started from as they were', () => {
    const before = balancesToRecord(funded);
    const next = applyLines(funded, [debit(KAS, idr(40)), credit(SUKARELA, idr(40))]);
    expect(balancesToRecord(funded)).toEqual(before);
    expect(balanceOf(funded, KAS, 'IDR')).toBe(100n);
    expect(balanceOf(next, KAS, 'IDR')).toBe(140n);
    // An untouched account's map is shared, a touched one's is not.
    const wider = applyLines(next, [debit(BANK, idr(1)), credit(SUKARELA, idr(1))]);
    expect(wider.get(KAS)).toBe(next.get(KAS));
    expect(wider.get(SUKARELA)).not.toBe(next.get(SUKARELA));
  });

  it('reads as a Map does: every account once, by each of its iterators and forEach', () => {
    const many = Array.from({ length: 300 }, (_, i) => accountCode(`1-160.${String(i + 1)}`));
    let balances: Balances = NO_BALANCES;
    for (const code of many)
      balances = applyLines(balances, [debit(code, idr(1)), credit(KAS, idr(1))]);
    const expected = [...many, KAS].sort();
    expect([...balances.keys()].sort()).toEqual(expected);
    expect([...balances].map(([code]) => code).sort()).toEqual(expected);
    expect([...balances.entries()].map(([code]) => code).sort()).toEqual(expected);
    expect([...balances.values()].length).toBe(301);
    expect(new Map(balances).get(KAS)?.get('IDR')).toBe(-300n);
    // A callback returning false does not stop a Map's forEach.
    const seen: string[] = [];
    balances.forEach((_, code, map) => {
      seen.push(code);
      expect(map).toBe(balances);
      return false;
    });
    expect(seen.sort()).toEqual(expected);
  });

  it('combines balances of any ReadonlyMap, account by account, with either sign', () => {
    const plain: Balances = new Map([[KAS, new Map([['IDR', 30n]])]]);
    expect(balancesToRecord(combine(funded, plain))).toEqual({
      '1-110': { IDR: '130' },
      '2-110': { IDR: '-100' },
    });
    expect(balancesToRecord(combine(plain, funded, -1n))).toEqual({
      '1-110': { IDR: '-70' },
      '2-110': { IDR: '100' },
    });
    expect(combine(funded, funded, -1n).size).toBe(0);
    expect(balancesToRecord(applyLines(plain, [debit(BANK, idr(2)), credit(KAS, idr(2))]))).toEqual(
      {
        '1-110': { IDR: '28' },
        '1-120': { IDR: '2' },
      },
    );
  });
});
