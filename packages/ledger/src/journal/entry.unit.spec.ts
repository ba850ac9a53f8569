import { money } from '@kopfed/money';
import { DEFAULT_CHART } from '../chart/chart';
import { entryId } from '../ids';
import { entry, idr, KAS, refusal, SUKARELA } from '../testing/fixtures';
import { credit, debit, reversalOf, totalsByCurrency, type JournalLine } from './entry';
import { assertPostable } from './entry-checks';

const check =
  (lines: JournalLine[], extra = {}) =>
  () =>
    assertPostable(entry('e', '2026-01-10', lines, extra), DEFAULT_CHART);

describe('journal entry', () => {
  it('takes any number of lines, balanced per currency', () => {
    const lines = [
      debit(KAS, idr(70)),
      debit(KAS, money(5n, 'USD')),
      credit(SUKARELA, idr(30)),
      credit(SUKARELA, idr(40)),
      credit(SUKARELA, money(5n, 'USD')),
    ];
    expect(refusal(check(lines))).toEqual(['none']);
    expect(totalsByCurrency(lines)).toEqual(
      new Map([
        ['IDR', { debitMinor: 70n, creditMinor: 70n }],
        ['USD', { debitMinor: 5n, creditMinor: 5n }],
      ]),
    );
  });

  it('names the problem of an entry it refuses', () => {
    const both = { account: KAS, debit: idr(1), credit: idr(1) } as unknown as JournalLine;
    expect(refusal(check([both, credit(SUKARELA, idr(1))]))).toEqual([
      'rejected',
      'line-side-invalid',
    ]);
    expect(refusal(check([debit(KAS, idr(-1)), credit(SUKARELA, idr(-1))]))).toEqual([
      'rejected',
      'line-amount-not-positive',
    ]);
    const ok = [debit(KAS, idr(1)), credit(SUKARELA, idr(1))];
    expect(refusal(check(ok, { businessDate: '2026-02-30' }))).toEqual([
      'rejected',
      'entry-date-invalid',
    ]);
    expect(refusal(check(ok, { recordedAt: '2026-01-10 03:00' }))).toEqual([
      'rejected',
      'entry-instant-invalid',
    ]);
    expect(refusal(check(ok, { description: '' }))).toEqual([
      'rejected',
      'entry-description-invalid',
    ]);
    expect(refusal(check(Array.from({ length: 501 }, () => debit(KAS, idr(1)))))).toEqual([
      'rejected',
      'entry-line-count',
    ]);
  });

  it('refuses an amount of more than 18 digits, which the stored event could not hold', () => {
    const largest = idr(999_999_999_999_999_999n);
    expect(refusal(check([debit(KAS, largest), credit(SUKARELA, largest)]))).toEqual(['none']);
    const over = idr(1_000_000_000_000_000_000n);
    expect(refusal(check([debit(KAS, over), credit(SUKARELA, over)]))).toEqual([
      'rejected',
      'line-amount-too-large',
    ]);
  });

  it('reports the unbalanced currency and amounts', () => {
    try {
      check([debit(KAS, idr(100)), credit(SUKARELA, idr(90))])();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'entry-unbalanced',
        pointer: '/lines',
        details: { currency: 'IDR', debit: '100', credit: '90' },
      });
      return;
    }
    throw new Error('accepted an unbalanced entry');
  });

  it('reverses by swapping every side, keeping the memos', () => {
    const original = entry('e', '2026-01-10', [
      debit(KAS, idr(5), 'teller 1'),
      credit(SUKARELA, idr(5)),
    ]);
    const reversal = reversalOf(original, {
      entryId: entryId('r'),
      businessDate: '2026-01-11',
      recordedAt: '2026-01-11T00:00:00.000Z',
      sourceEventId: 'req',
      reason: 'salah akun',
    });
    expect(reversal).toMatchObject({
      reverses: 'e',
      coopId: original.coopId,
      lines: [credit(KAS, idr(5), 'teller 1'), debit(SUKARELA, idr(5))],
      source: { eventId: 'req', type: 'EntryReversal' },
    });
  });
});
