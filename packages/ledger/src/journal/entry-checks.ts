import { rejected } from '@kopfed/domain';
import { MAX_AMOUNT_MINOR } from '@kopfed/money';
import type { Chart } from '../chart/chart';
import { isBusinessDate, isInstant } from '../period';
import { amountOf, totalsByCurrency, type JournalEntry } from './entry';

export const MAX_LINES_PER_ENTRY = 500;
const MAX_DESCRIPTION = 500;
const MAX_MEMO = 200;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * Refuses, with a DomainError naming the problem and the field, an entry that must never be
 * posted: fewer than two lines, a line with both or neither side, a non-positive amount or one
 * of more than 18 digits (the stored event could not be read back), an
 * account not in the chart or not postable, or debits that do not equal credits in some
 * currency (Σ debit = Σ credit per currency, BRIEF §4).
 */
export function assertPostable(entry: JournalEntry, chart: Chart): void {
  if (!isBusinessDate(entry.businessDate)) {
    throw rejected(
      'entry-date-invalid',
      'businessDate must be a date YYYY-MM-DD.',
      '/businessDate',
    );
  }
  if (!isInstant(entry.recordedAt)) {
    throw rejected('entry-instant-invalid', 'recordedAt must be a UTC instant.', '/recordedAt');
  }
  const description = entry.description.trim();
  if (description === '' || entry.description.length > MAX_DESCRIPTION) {
    throw rejected(
      'entry-description-invalid',
      `An entry needs a description of 1 to ${MAX_DESCRIPTION} characters.`,
      '/description',
    );
  }
  if (entry.lines.length < 2 || entry.lines.length > MAX_LINES_PER_ENTRY) {
    throw rejected(
      'entry-line-count',
      `An entry has 2 to ${MAX_LINES_PER_ENTRY} lines; this one has ${entry.lines.length}.`,
      '/lines',
    );
  }
  entry.lines.forEach((line, index) => {
    const at = `/lines/${index}`;
    if ((line.debit === undefined) === (line.credit === undefined)) {
      throw rejected('line-side-invalid', `Line ${index} must be either a debit or a credit.`, at);
    }
    const side = line.debit !== undefined ? 'debit' : 'credit';
    const amount = amountOf(line);
    if (typeof amount.amountMinor !== 'bigint' || amount.amountMinor <= 0n) {
      throw rejected('line-amount-not-positive', `Line ${index}: the amount must be > 0.`, at);
    }
    if (amount.amountMinor > MAX_AMOUNT_MINOR) {
      throw rejected(
        'line-amount-too-large',
        `Line ${index}: the amount has more than 18 digits; split it over several lines.`,
        `${at}/${side}`,
      );
    }
    if (!CURRENCY.test(amount.currency)) {
      throw rejected(
        'line-currency-invalid',
        `Line ${index}: not a currency code.`,
        `${at}/${side}`,
      );
    }
    if (line.memo !== undefined && line.memo.length > MAX_MEMO) {
      throw rejected('line-memo-too-long', `Line ${index}: memo over ${MAX_MEMO}.`, `${at}/memo`);
    }
    const account = chart.accounts.get(line.account);
    if (!account) {
      throw rejected(
        'account-unknown',
        `Line ${index}: no account ${line.account}.`,
        `${at}/account`,
      );
    }
    if (!account.postable) {
      throw rejected(
        'account-not-postable',
        `Line ${index}: ${line.account} ${account.name} is a header; post to an account under it.`,
        `${at}/account`,
      );
    }
  });
  for (const [currency, { debitMinor, creditMinor }] of totalsByCurrency(entry.lines)) {
    if (debitMinor !== creditMinor) {
      throw rejected(
        'entry-unbalanced',
        `Debits (${debitMinor}) do not equal credits (${creditMinor}) in ${currency}.`,
        '/lines',
        { currency, debit: debitMinor.toString(), credit: creditMinor.toString() },
      );
    }
  }
}
