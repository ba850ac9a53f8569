import { rejected } from '@kopfed/domain';

/** One line of the parent's bank statement, money into the account positive. */
export interface StatementLine {
  lineNo: number;
  valueDate: string;
  amountMinor: string;
  reference: string;
  description: string;
}

export const MAX_LINES = 20_000;
const MAX_PROBLEMS = 20;

/** Collects parse problems by line, and refuses the statement with all of them at once. */
export class ParseProblems {
  private readonly problems: { line: number; detail: string }[] = [];

  add(line: number, detail: string): void {
    this.problems.push({ line, detail });
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const shown = this.problems.slice(0, MAX_PROBLEMS);
    throw rejected(
      'statement-unreadable',
      `The statement has ${this.problems.length} unreadable line(s); first: line ${shown[0]!.line}: ${shown[0]!.detail}.`,
      '/content',
      { problems: shown },
    );
  }
}

/** Whole units ungrouped, or grouped by threes with the separator that is not the decimal one. */
const WHOLE: Record<'.' | ',', RegExp> = {
  '.': /^(\d+|\d{1,3}(,\d{3})+)$/,
  ',': /^(\d+|\d{1,3}(\.\d{3})+)$/,
};

/**
 * An amount as banks print it, in whole units of the currency: `1.500.000,00`, `1,500,000.00`,
 * `-250000`, with the layout's decimal separator; the other one may only group thousands, so
 * `250,00` under a `.` layout is refused rather than read as 25000. The fraction must be zero
 * (rupiah have no minor units in use).
 */
export function parseAmount(text: string, decimal: '.' | ','): bigint | string {
  const trimmed = text.trim().replace(/\s/g, '');
  const negative = /^-|^\(.*\)$|-$/.test(trimmed);
  const digits = trimmed.replace(/^[-+(]|[-)]$/g, '');
  if (!/^[0-9.,]{1,30}$/.test(digits)) return `not an amount: ${JSON.stringify(text.slice(0, 40))}`;
  const parts = digits.split(decimal);
  if (parts.length > 2)
    return `more than one decimal separator in ${JSON.stringify(text.slice(0, 40))}`;
  const fraction = parts[1] ?? '';
  if (!WHOLE[decimal].test(parts[0]!) || !/^\d{0,2}$/.test(fraction))
    return `not an amount: ${JSON.stringify(text.slice(0, 40))}`;
  const whole = parts[0]!.replace(/[.,]/g, '');
  if (/[1-9]/.test(fraction)) return `a fraction of a rupiah: ${JSON.stringify(text.slice(0, 40))}`;
  if (whole.length > 18) return 'more than 18 digits';
  const value = BigInt(whole);
  return negative ? -value : value;
}

/** Compares references as banks mangle them: case, spaces and punctuation ignored. */
export const normalise = (text: string): string => text.toUpperCase().replace(/[^A-Z0-9]/g, '');
