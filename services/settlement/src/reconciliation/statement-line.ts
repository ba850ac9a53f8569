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

/**
 * An amount as banks print it, in whole units of the currency: `1.500.000,00`, `1,500,000.00`,
 * `-250000`. The separator used last with one or two digits after it is the decimal one; the
 * fraction must be zero (rupiah have no minor units in use).
 */
export function parseAmount(text: string, decimal: '.' | ','): bigint | string {
  const trimmed = text.trim().replace(/\s/g, '');
  const negative = /^-|^\(.*\)$|-$/.test(trimmed);
  const digits = trimmed.replace(/^[-+(]|[-)]$/g, '');
  if (!/^[0-9.,]{1,30}$/.test(digits)) return `not an amount: ${JSON.stringify(text.slice(0, 40))}`;
  const parts = digits.split(decimal);
  if (parts.length > 2)
    return `more than one decimal separator in ${JSON.stringify(text.slice(0, 40))}`;
  const whole = parts[0]!.replace(/[.,]/g, '');
  const fraction = parts[1] ?? '';
  if (whole === '' || !/^\d+$/.test(whole) || !/^\d{0,2}$/.test(fraction))
    return `not an amount: ${JSON.stringify(text.slice(0, 40))}`;
  if (/[1-9]/.test(fraction)) return `a fraction of a rupiah: ${JSON.stringify(text.slice(0, 40))}`;
  if (whole.length > 18) return 'more than 18 digits';
  const value = BigInt(whole);
  return negative ? -value : value;
}

/** Compares references as banks mangle them: case, spaces and punctuation ignored. */
export const normalise = (text: string): string => text.toUpperCase().replace(/[^A-Z0-9]/g, '');
