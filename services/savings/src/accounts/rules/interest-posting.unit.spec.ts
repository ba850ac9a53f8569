import type { AccountCommand } from '../account-commands';
import type { AccountEvent } from '../account-events';
import { openCommand, PRODUCTS, then, when } from '../account-fixtures';
import { MemberMonths } from '../../interest/member-months';
import { monthsAfter } from '../../close-of-business/member-tax';
import type { MemberMonth } from '../../interest/withholding-tax';
import type { Product } from '../../products/product';

/**
 * An account under its interest minimum earns nothing in March, yet takes the member's March
 * tax still owed (PP 15/2009): another account posted Rp300,000 (Rp30,000 due) but could only
 * withhold Rp20,000. What it withholds must count as March's, or it is withheld again.
 */
const sukarela = PRODUCTS.sukarela;
const underMinimum: Product = {
  ...sukarela,
  versions: [{ ...sukarela.versions[0]!, minimumBalanceForInterest: 1_000_000n }],
};
const opened = (accountId: string) =>
  when(
    [],
    openCommand(underMinimum, {
      accountId,
      on: '2026-03-01',
      today: '2026-03-01',
      initialDeposit: { amount: 500_000n, via: 'cash' },
    }),
  );
const monthEnd = (memberInterest: readonly MemberMonth[]): AccountCommand => ({
  type: 'CloseBusinessDay',
  date: '2026-03-31',
  product: underMinimum,
  memberLeftOn: null,
  memberInterest,
});
const posted = (events: readonly AccountEvent[]) =>
  events.filter((e) => e.type === 'InterestPosted' || e.type === 'InterestTaxWithheld');
const short = {
  accountId: 'short',
  posted: [{ month: '2026-03', gross: 300_000n, tax: 20_000n }],
  posting: [],
};

describe('a posting that earns nothing but withholds the month’s tax still owed', () => {
  it('records that tax against its month', () => {
    const events = when(opened('a-1'), monthEnd([{ ...short.posted[0]!, alongside: 0n }]));
    expect(posted(events)).toEqual([
      expect.objectContaining({
        type: 'InterestPosted',
        data: expect.objectContaining({
          amount: '0',
          months: [{ month: '2026-03', gross: '0', tax: '10000' }],
        }),
      }),
      expect.objectContaining({
        type: 'InterestTaxWithheld',
        data: expect.objectContaining({ amount: '10000' }),
      }),
    ]);
  });

  it('so the member’s next account posting in the month does not withhold it again', () => {
    const months = new MemberMonths([
      short,
      { accountId: 'a-1', posted: [], posting: [] },
      { accountId: 'a-2', posted: [], posting: [] },
    ]);
    const first = then(opened('a-1'), monthEnd(months.for('a-1')));
    months.done('a-1', monthsAfter([], first));
    const second = when(opened('a-2'), monthEnd(months.for('a-2')));
    expect(second.filter((e) => e.type === 'InterestTaxWithheld')).toEqual([]);
  });
});
