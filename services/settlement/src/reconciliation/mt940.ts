import { isCalendarDate } from '@kopfed/eventstore';
import { MAX_LINES, ParseProblems, parseAmount, type StatementLine } from './statement-line';

/**
 * SWIFT MT940 customer statements: each `:61:` statement line gives value date, debit/credit
 * mark, amount and references; the `:86:` after it the narrative. Continuation lines belong
 * to the field above them.
 */
const LINE_61 =
  /^(?<date>\d{6})(?<entry>\d{4})?(?<mark>R?[CD])[A-Z]?(?<amount>\d{1,15},\d{0,2})(?<type>[A-Z][A-Z0-9]{3})(?<ref>[^/\n]*)(\/\/(?<bank>[^\n]*))?/;

interface Field {
  tag: string;
  value: string;
  line: number;
}

function fields(content: string): Field[] {
  const out: Field[] = [];
  content.split(/\r?\n/).forEach((text, i) => {
    const tagged = /^:(\d{2}[A-Z]?):(.*)$/.exec(text);
    if (tagged) out.push({ tag: tagged[1]!, value: tagged[2]!, line: i + 1 });
    else if (out.length > 0 && text !== '-' && text !== '-}' && !text.startsWith('{'))
      out[out.length - 1]!.value += `\n${text}`;
  });
  return out;
}

export function parseMt940(content: string): StatementLine[] {
  const problems = new ParseProblems();
  const lines: StatementLine[] = [];
  const all = fields(content);
  all.forEach((field, i) => {
    if (field.tag !== '61') return;
    if (lines.length >= MAX_LINES) return problems.add(field.line, `more than ${MAX_LINES} lines`);
    const g = LINE_61.exec(field.value)?.groups;
    if (!g) return problems.add(field.line, 'not an MT940 :61: statement line');
    const date = `20${g.date!.slice(0, 2)}-${g.date!.slice(2, 4)}-${g.date!.slice(4, 6)}`;
    if (!isCalendarDate(date)) return problems.add(field.line, `not a date: ${g.date}`);
    const amount = parseAmount(g.amount!, ',');
    if (typeof amount === 'string') return problems.add(field.line, amount);
    // C credits the account (money in), D debits it; RC / RD reverse them.
    const into = g.mark === 'C' || g.mark === 'RD';
    const next = all[i + 1];
    const narrative = next?.tag === '86' ? next.value.replace(/\n/g, ' ') : '';
    const reference = g.ref!.trim() === 'NONREF' ? '' : g.ref!.trim();
    lines.push({
      lineNo: field.line,
      valueDate: date,
      amountMinor: (into ? amount : -amount).toString(),
      reference: reference.slice(0, 140),
      description: `${narrative} ${g.bank ?? ''}`.trim().slice(0, 500),
    });
  });
  if (all.length === 0) problems.add(1, 'no MT940 fields (:20:, :61:, …)');
  problems.throwIfAny();
  return lines;
}

/** The currencies the statement's balances (`:60F:`, `:62F:`, …) are in: the account's. */
export function mt940Currencies(content: string): Set<string> {
  const currencies = new Set<string>();
  for (const field of fields(content)) {
    if (!/^6[02][FM]$|^64$|^65$/.test(field.tag)) continue;
    const currency = /^[CD]\d{6}(?<currency>[A-Z]{3})/.exec(field.value)?.groups?.currency;
    if (currency !== undefined) currencies.add(currency);
  }
  return currencies;
}
