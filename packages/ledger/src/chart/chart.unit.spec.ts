import { DomainError } from '@kopfed/domain';
import { money } from '@kopfed/money';
import { code } from '../testing/fixtures';
import { accountCode, compareCodes, normalSide, typeOfCode, type Account } from './account';
import { ancestorsOf, applyChartChanges, chartProblems, DEFAULT_CHART } from './chart';
import { DEFAULT_ACCOUNTS } from './default-chart';

const subAccount: Account = {
  code: code('1-120.01'),
  name: 'Bank BRI',
  gloss: 'Bank account at BRI',
  type: 'asset',
  contra: false,
  parent: code('1-100'),
  postable: true,
  balanceRule: { kind: 'floor', floor: money(-1_000_000n) },
};

describe('chart of accounts', () => {
  it('has a valid default chart of a koperasi simpan pinjam', () => {
    expect(chartProblems(DEFAULT_ACCOUNTS, DEFAULT_CHART.roles)).toEqual([]);
    const name = (c: string) => DEFAULT_CHART.accounts.get(code(c))?.name;
    expect([name('1-110'), name('1-141'), name('2-110'), name('3-100'), name('3-500')]).toEqual([
      'Kas',
      'Penyisihan Penghapusan Piutang (PPAP)',
      'Simpanan Sukarela',
      'Simpanan Pokok',
      'SHU Tahun Berjalan',
    ]);
  });

  it('reads SAK EP-style codes: the group digit is the type; sub-accounts sort after their base', () => {
    expect(typeOfCode(code('4-110'))).toBe('income');
    expect(() => accountCode('6-100')).toThrow(RangeError);
    expect(() => accountCode('1110')).toThrow(RangeError);
    const codes = ['1-120', '1-110.10', '1-110.2', '1-110'].map(code).sort(compareCodes);
    expect(codes).toEqual(['1-110', '1-110.2', '1-110.10', '1-120']);
  });

  it('puts every type on its normal side, a contra account on the other', () => {
    const side = (c: string) => normalSide(DEFAULT_CHART.accounts.get(code(c))!);
    expect([
      side('1-110'),
      side('1-141'),
      side('2-110'),
      side('3-300'),
      side('4-110'),
      side('5-110'),
    ]).toEqual(['debit', 'credit', 'credit', 'credit', 'credit', 'debit']);
  });

  it('is the default plus a coop changes: added, replaced, removed', () => {
    const chart = applyChartChanges(DEFAULT_CHART, {
      upsert: [subAccount, { ...DEFAULT_CHART.accounts.get(code('1-110'))!, name: 'Kas Besar' }],
      remove: [code('1-211')],
    });
    expect(chart.accounts.get(code('1-120.01'))?.balanceRule).toEqual(subAccount.balanceRule);
    expect(chart.accounts.get(code('1-110'))?.name).toBe('Kas Besar');
    expect(chart.accounts.has(code('1-211'))).toBe(false);
    expect(ancestorsOf(chart, code('1-120.01')).map((a) => a.code)).toEqual(['1-100', '1-000']);
  });

  it.each<[string, Partial<Account>, RegExp]>([
    ['type against code', { type: 'liability' }, /code for asset accounts, not liability/],
    ['unknown parent', { parent: code('1-900') }, /unknown 1-900/],
    ['postable parent', { parent: code('1-110') }, /not a header/],
    ['parent of another type', { parent: code('2-100') }, /rolls up into 2-100/],
    ['empty name', { name: ' ' }, /needs a name/],
    ['rule on a header', { postable: false }, /is a header/],
  ])('refuses a bad account: %s', (_what, change, message) => {
    try {
      applyChartChanges(DEFAULT_CHART, { upsert: [{ ...subAccount, ...change }] });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('chart-invalid');
      expect((error as DomainError).message).toMatch(message);
    }
  });

  it('refuses roles that are not postable equity accounts, or the same account twice', () => {
    expect(
      chartProblems(DEFAULT_ACCOUNTS, {
        currentYearShu: code('4-110'),
        retainedShu: code('3-400'),
      }),
    ).toEqual(['role currentYearShu must be a postable equity account, not 4-110']);
    expect(
      chartProblems(DEFAULT_ACCOUNTS, {
        currentYearShu: code('3-400'),
        retainedShu: code('3-400'),
      }),
    ).toHaveLength(1);
  });
});
