/**
 * What a replay takes from a journal entry's stored JSON: its coop, dates, source type and
 * lines. `scanEntryData` reads them from the `data` text of an EntryPosted or EntryReversed
 * without JSON.parse, which builds two dozen objects and strings per event that a replay
 * throws away (a third of its time over a million events).
 *
 * It accepts only JSON it can read exactly: no backslash and no control character anywhere
 * (so every '"' delimits a string, taken verbatim), no whitespace, no numbers, booleans or
 * nulls, only the keys the ledger's codec writes (stored-events.ts), in any order. Anything
 * else returns false, and the caller parses the text as before: the fast way and JSON.parse
 * give the same values for every text the fast way accepts (entry-scan.unit.spec.ts).
 */
export interface ScannedEntry {
  coopId: string;
  businessDate: string;
  recordedAt: string;
  sourceType: string;
  /** Lines 0 … lineCount - 1; the arrays are reused from one entry to the next. */
  lineCount: number;
  /**
   * The account of a line with neither a debit nor a credit, which the replay refuses only if
   * its as-of takes the entry (the scan declines such an entry; readEntry records it).
   */
  lineWithoutAmount: string | null;
  accounts: string[];
  debits: boolean[];
  amounts: string[];
  currencies: string[];
}

export const emptyScannedEntry = (): ScannedEntry => ({
  coopId: '',
  businessDate: '',
  recordedAt: '',
  sourceType: '',
  lineCount: 0,
  lineWithoutAmount: null,
  accounts: [],
  debits: [],
  amounts: [],
  currencies: [],
});

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const FAILED = -1;
/** A backslash (an escape) or a control character (not JSON inside a string). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NOT_VERBATIM = /[\\\u0000-\u001f]/;

/**
 * Fills `into` from the `data` of an EntryPosted ({"entry":…}, key `entry`) or an
 * EntryReversed ({"reversal":…,"reason":…}, key `reversal`); false if it could not.
 */
export function scanEntryData(
  data: string,
  key: 'entry' | 'reversal',
  into: ScannedEntry,
): boolean {
  if (NOT_VERBATIM.test(data)) return false;
  return new Scan(data, into).data(key) === data.length;
}

/** The objects an entry's data nests, each with the members it may have. */
const enum Shape {
  Data,
  Entry,
  Source,
  Line,
  Money,
}

/**
 * One pass over one text; each method takes the index where its value starts and returns
 * the index after it, or FAILED. Objects of one shape never nest in each other, so each
 * shape's findings so far live in fields.
 */
class Scan {
  private entryKey: 'entry' | 'reversal' = 'entry';
  private dataHasEntry = false;
  /** Bits of coopId, businessDate, recordedAt, source, lines. */
  private entryFields = 0;
  private sourceTyped = false;
  private lineAccount: string | undefined = undefined;
  private lineSides = 0;
  /** Bits of amount, currency. */
  private moneyFields = 0;
  /** The string `string` read last. */
  private value = '';

  constructor(
    private readonly text: string,
    private readonly into: ScannedEntry,
  ) {}

  data(entryKey: 'entry' | 'reversal'): number {
    this.entryKey = entryKey;
    const end = this.object(0, Shape.Data);
    return this.dataHasEntry ? end : FAILED;
  }

  private object(start: number, shape: Shape): number {
    const text = this.text;
    if (text.charCodeAt(start) !== OPEN) return FAILED;
    this.begin(shape);
    let at = start + 1;
    if (text.charCodeAt(at) !== CLOSE)
      for (;;) {
        if (text.charCodeAt(at) !== QUOTE) return FAILED;
        const keyEnd = text.indexOf('"', at + 1);
        if (keyEnd === -1 || text.charCodeAt(keyEnd + 1) !== COLON) return FAILED;
        at = this.member(shape, text.slice(at + 1, keyEnd), keyEnd + 2);
        if (at === FAILED) return FAILED;
        const next = text.charCodeAt(at);
        if (next === CLOSE) break;
        if (next !== COMMA) return FAILED;
        at += 1;
      }
    return this.end(shape) ? at + 1 : FAILED;
  }

  private begin(shape: Shape): void {
    switch (shape) {
      case Shape.Data:
        this.dataHasEntry = false;
        break;
      case Shape.Entry:
        this.entryFields = 0;
        this.into.lineCount = 0;
        this.into.lineWithoutAmount = null;
        break;
      case Shape.Source:
        this.sourceTyped = false;
        break;
      case Shape.Line:
        this.lineAccount = undefined;
        this.lineSides = 0;
        break;
      case Shape.Money:
        this.moneyFields = 0;
        break;
    }
  }

  /** Whether the object just read has what its shape needs. */
  private end(shape: Shape): boolean {
    switch (shape) {
      case Shape.Data:
        return true;
      case Shape.Entry:
        return this.entryFields === 0b11111;
      case Shape.Source:
        return this.sourceTyped;
      case Shape.Line: {
        // A line with both sides, or neither, is for the ledger's own decoding to refuse.
        if (this.lineAccount === undefined || this.lineSides !== 1) return false;
        this.into.accounts[this.into.lineCount] = this.lineAccount;
        this.into.lineCount += 1;
        return true;
      }
      case Shape.Money:
        return this.moneyFields === 0b11;
    }
  }

  private member(shape: Shape, key: string, at: number): number {
    const into = this.into;
    switch (shape) {
      case Shape.Data:
        if (key === this.entryKey) {
          this.dataHasEntry = true;
          return this.object(at, Shape.Entry);
        }
        return key === 'reason' ? this.string(at) : FAILED;
      case Shape.Entry:
        return this.entryMember(key, at);
      case Shape.Source:
        if (key === 'eventId') return this.string(at);
        if (key !== 'type') return FAILED;
        this.sourceTyped = true;
        return this.stringInto(at, 'sourceType');
      case Shape.Line:
        if (key === 'account') {
          const end = this.string(at);
          this.lineAccount = this.value;
          return end;
        }
        if (key === 'memo') return this.string(at);
        if (key !== 'debit' && key !== 'credit') return FAILED;
        this.lineSides += 1;
        into.debits[into.lineCount] = key === 'debit';
        return this.object(at, Shape.Money);
      case Shape.Money: {
        const amount = key === 'amount';
        if (!amount && key !== 'currency') return FAILED;
        this.moneyFields |= amount ? 1 : 2;
        const end = this.string(at);
        (amount ? into.amounts : into.currencies)[into.lineCount] = this.value;
        return end;
      }
    }
  }

  private entryMember(key: string, at: number): number {
    const into = this.into;
    switch (key) {
      case 'coopId':
        this.entryFields |= 1;
        return this.stringInto(at, 'coopId');
      case 'businessDate':
        this.entryFields |= 2;
        return this.stringInto(at, 'businessDate');
      case 'recordedAt':
        this.entryFields |= 4;
        return this.stringInto(at, 'recordedAt');
      case 'source':
        this.entryFields |= 8;
        return this.object(at, Shape.Source);
      case 'lines':
        this.entryFields |= 16;
        into.lineCount = 0;
        return this.lines(at);
      case 'entryId':
      case 'description':
      case 'reverses':
        return this.string(at);
      default:
        return FAILED;
    }
  }

  private lines(start: number): number {
    const text = this.text;
    if (text.charCodeAt(start) !== OPEN_LIST) return FAILED;
    let at = start + 1;
    if (text.charCodeAt(at) === CLOSE_LIST) return at + 1;
    for (;;) {
      at = this.object(at, Shape.Line);
      if (at === FAILED) return FAILED;
      const next = text.charCodeAt(at);
      if (next === CLOSE_LIST) return at + 1;
      if (next !== COMMA) return FAILED;
      at += 1;
    }
  }

  /** A string starting at `start`, kept in `value`: the index after it, or FAILED. */
  private string(start: number): number {
    if (this.text.charCodeAt(start) !== QUOTE) return FAILED;
    const end = this.text.indexOf('"', start + 1);
    if (end === -1) return FAILED;
    this.value = this.text.slice(start + 1, end);
    return end + 1;
  }

  private stringInto(
    start: number,
    field: 'coopId' | 'businessDate' | 'recordedAt' | 'sourceType',
  ): number {
    const end = this.string(start);
    this.into[field] = this.value;
    return end;
  }
}
