import { normalise } from './statement-line';

/** A settlement instruction as the parent's records and books have it. */
export interface ParentItem {
  coopId: string;
  batchId: string;
  reference: string;
  direction: 'pay' | 'receive';
  amountMinor: bigint;
  currency: string;
  /** The bank value date confirmed, or the day the settlement was committed. */
  expectedDate: string;
  confirmed: boolean;
  /** Whether the parent's ledger holds the settlement's entry. */
  booked: boolean;
  bankReference: string | null;
}

/** What the coop's own system says it paid or received (synced to kopfed). */
export interface CoopRecord {
  coopId: string;
  recordId: string;
  reference: string;
  direction: 'paid' | 'received';
  amountMinor: bigint;
  currency: string;
  date: string;
}

/** A line of the parent's bank statement: money into the parent's account positive. */
export interface BankLine {
  statementId: string;
  lineNo: number;
  valueDate: string;
  amountMinor: bigint;
  /** The statement's: a bank account is kept in one currency. */
  currency: string;
  reference: string;
  description: string;
}

export type Source = 'bank' | 'coop' | 'parent_books';
export type Cause =
  'missing' | 'duplicated' | 'amount_differs' | 'date_differs' | 'reference_differs';

export interface Mismatch {
  source: Source;
  cause: Cause;
  expected: string | null;
  actual: string | null;
}

export interface ReconciledItem {
  parent: ParentItem;
  coop: CoopRecord[];
  bank: BankLine[];
  mismatches: Mismatch[];
}

export interface CoopReconciliation {
  coopId: string;
  items: ReconciledItem[];
  /** The coop's records that match no settlement of the parent's. */
  unmatchedCoopRecords: CoopRecord[];
}

export interface ThreeWayReport {
  coops: CoopReconciliation[];
  /** Statement lines that match no settlement: in the bank, not in the parent's books. */
  unmatchedBankLines: BankLine[];
}

/** How much a bank line or a coop record should show for a settlement. */
const bankAmount = (p: ParentItem): bigint =>
  p.direction === 'pay' ? p.amountMinor : -p.amountMinor;
const coopDirection = (p: ParentItem): CoopRecord['direction'] =>
  p.direction === 'pay' ? 'paid' : 'received';

function compare(
  source: Source,
  found: readonly { amount: bigint; date: string }[],
  expectedAmount: bigint,
  expectedDate: string,
): Mismatch[] {
  if (found.length === 0)
    return [{ source, cause: 'missing', expected: expectedAmount.toString(), actual: null }];
  if (found.length > 1)
    return [{ source, cause: 'duplicated', expected: '1', actual: String(found.length) }];
  const [one] = found as [{ amount: bigint; date: string }];
  const mismatches: Mismatch[] = [];
  if (one.amount !== expectedAmount)
    mismatches.push({
      source,
      cause: 'amount_differs',
      expected: expectedAmount.toString(),
      actual: one.amount.toString(),
    });
  if (one.date !== expectedDate)
    mismatches.push({ source, cause: 'date_differs', expected: expectedDate, actual: one.date });
  return mismatches;
}

const kind = (char: string): string => (/\d/.test(char) ? '0-9' : 'A-Z');

/**
 * A reference as a whole of a bank line's text, however the bank cased, spaced or punctuated
 * it: `STL-H-100` is in `TRF stlh100`, `STL-H-10 0` and `?20STL-H-100`, not in `STL-H-1000`.
 * The text may not go on with a digit where the reference starts or ends with one (nor a
 * letter where it has a letter), so one reference is never found inside a longer one.
 */
function referencePattern(reference: string): RegExp | null {
  const chars = [...normalise(reference)];
  if (chars.length === 0) return null;
  const [first, last] = [kind(chars[0]!), kind(chars[chars.length - 1]!)];
  return new RegExp(`(?<![${first}])${chars.join('[^A-Z0-9]*')}(?![${last}])`);
}

const quotes = (line: BankLine, pattern: RegExp | null): boolean =>
  pattern !== null && pattern.test(`${line.reference} ${line.description}`.toUpperCase());

const carriesBankReference = (line: BankLine, item: ParentItem): boolean =>
  item.bankReference !== null && normalise(line.reference) === normalise(item.bankReference);

/**
 * The settlements a bank line is for. A quoted instruction reference names one; the bank
 * reference a coop was confirmed with is shared by all its instructions in the batch (gross
 * and bilateral give it several). A line that quotes an instruction and carries the bank
 * reference of the same coop's settlements is for that instruction; one that quotes an
 * instruction but carries another settlement's bank reference says two things, so it matches
 * neither here (the amount and date decide later, as for a mis-keyed reference). A line with
 * only a bank reference shared by several picks by amount, else by direction. Not exactly
 * one: the line is unmatched.
 */
function settlementsOf(
  line: BankLine,
  parent: readonly ParentItem[],
  patterns: ReadonlyMap<ParentItem, RegExp | null>,
): ParentItem[] {
  const candidates = parent.filter((p) => p.currency === line.currency);
  const quoted = candidates.filter((p) => quotes(line, patterns.get(p)!));
  const confirmed = candidates.filter((p) => carriesBankReference(line, p));
  if (quoted.length > 0 && confirmed.length > 0) {
    const both = quoted.filter((p) => confirmed.includes(p));
    return both.length > 0 ? both : [...new Set([...quoted, ...confirmed])];
  }
  if (quoted.length > 0) return quoted;
  if (confirmed.length <= 1) return confirmed;
  const sameAmount = confirmed.filter((p) => bankAmount(p) === line.amountMinor);
  if (sameAmount.length > 0) return sameAmount;
  const direction = line.amountMinor > 0n ? 'pay' : 'receive';
  return confirmed.filter((p) => p.direction === direction);
}

/**
 * Matches the parent's settlements, the coops' own records and the bank statement by
 * reference (an instruction's before a coop's bank reference), then — for a settlement the
 * bank shows under no reference — by amount and date (a mis-keyed reference). Only amounts
 * in the settlement's currency match it: 150000 in a rupiah account is not a settlement of
 * 150000 US cents. Every difference is listed with its cause.
 */
export function reconcile(
  parent: readonly ParentItem[],
  records: readonly CoopRecord[],
  lines: readonly BankLine[],
): ThreeWayReport {
  const unmatchedLines = new Set(lines);
  const bankFor = new Map<ParentItem, BankLine[]>(parent.map((p) => [p, []]));
  const patterns = new Map(parent.map((p) => [p, referencePattern(p.reference)]));
  for (const line of lines) {
    const hits = settlementsOf(line, parent, patterns);
    if (hits.length !== 1) continue;
    bankFor.get(hits[0]!)!.push(line);
    unmatchedLines.delete(line);
  }
  const rekeyed = new Set<ParentItem>();
  for (const item of parent) {
    if (bankFor.get(item)!.length > 0 || !item.confirmed) continue;
    const guess = [...unmatchedLines].find(
      (l) =>
        l.currency === item.currency &&
        l.amountMinor === bankAmount(item) &&
        l.valueDate === item.expectedDate,
    );
    if (!guess) continue;
    bankFor.get(item)!.push(guess);
    unmatchedLines.delete(guess);
    rekeyed.add(item);
  }
  const unmatchedRecords = new Set(records);
  const byCoop = new Map<string, ReconciledItem[]>();
  for (const item of parent) {
    const coop = records.filter(
      (r) =>
        r.coopId === item.coopId &&
        r.currency === item.currency &&
        normalise(r.reference) === normalise(item.reference),
    );
    coop.forEach((r) => unmatchedRecords.delete(r));
    const bank = bankFor.get(item)!;
    const mismatches: Mismatch[] = [];
    if (item.confirmed || bank.length > 0) {
      mismatches.push(
        ...compare(
          'bank',
          bank.map((l) => ({ amount: l.amountMinor, date: l.valueDate })),
          bankAmount(item),
          item.expectedDate,
        ),
      );
    }
    if (rekeyed.has(item))
      mismatches.push({
        source: 'bank',
        cause: 'reference_differs',
        expected: item.reference,
        actual: bank[0]!.reference,
      });
    const signed = coop.map((r) => ({
      amount: r.direction === coopDirection(item) ? r.amountMinor : -r.amountMinor,
      date: r.date,
    }));
    if (item.confirmed || coop.length > 0)
      mismatches.push(...compare('coop', signed, item.amountMinor, item.expectedDate));
    if (item.confirmed && !item.booked)
      mismatches.push({
        source: 'parent_books',
        cause: 'missing',
        expected: item.amountMinor.toString(),
        actual: null,
      });
    byCoop.set(item.coopId, [
      ...(byCoop.get(item.coopId) ?? []),
      { parent: item, coop, bank, mismatches },
    ]);
  }
  const coopIds = [
    ...new Set([...byCoop.keys(), ...[...unmatchedRecords].map((r) => r.coopId)]),
  ].sort();
  return {
    coops: coopIds.map((coopId) => ({
      coopId,
      items: byCoop.get(coopId) ?? [],
      unmatchedCoopRecords: [...unmatchedRecords].filter((r) => r.coopId === coopId),
    })),
    unmatchedBankLines: [...unmatchedLines],
  };
}
