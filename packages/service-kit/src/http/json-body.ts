import type { Request } from 'express';
import { HttpProblem } from '../problem/problem';
import { jsonPointer } from './validation';

/**
 * The body almost every client sends: `application/json` in UTF-8 (or no charset), not
 * compressed, with a Content-Length within the limit. Read here directly, it answers exactly
 * as Express's body parser (strict JSON, an empty body is `{}`, a BOM is dropped, the same
 * error types for the problem mapping); anything else — chunked, compressed, another charset
 * or JSON type, too long — is read by that parser as text, and parsed by parseStrictJson too.
 * Returns undefined when not plain.
 */
export function plainJsonLength(req: Request, limitBytes: number): number | undefined {
  const { headers } = req;
  const type = headers['content-type'];
  if (type !== 'application/json') {
    const lower = type?.toLowerCase();
    if (lower !== 'application/json; charset=utf-8' && lower !== 'application/json;charset=utf-8')
      return undefined;
  }
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  if (headers['transfer-encoding'] !== undefined) return undefined;
  const declared = headers['content-length'];
  if (declared === undefined || !/^\d{1,15}$/.test(declared)) return undefined;
  const length = Number(declared);
  return length <= limitBytes ? length : undefined;
}

/** Errors shaped as the body parser's (`status`, `type`), so one mapping turns both into problems. */
class BodyReadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
  ) {
    super(message);
    this.name = 'BodyReadError';
  }
}

/** Reads `length` bytes of the request and parses them as strict JSON. */
export function readPlainJson(req: Request, length: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (received !== length) {
        reject(
          new BodyReadError(
            'request size did not match content length',
            400,
            'request.size.invalid',
          ),
        );
        return;
      }
      try {
        resolve(parseStrictJson(Buffer.concat(chunks, received).toString('utf8')));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const onAborted = () => {
      cleanup();
      reject(new BodyReadError('request aborted', 400, 'request.aborted'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new BodyReadError(error.message, 400, 'request.aborted'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
  });
}

const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** JSON whose top level is an object or an array (the parser's `strict`); empty is `{}`. */
export function parseStrictJson(decoded: string): unknown {
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  if (text.length === 0) return {};
  let first = 0;
  while (first < text.length && JSON_WHITESPACE.has(text[first] as string)) first++;
  if (text[first] !== '{' && text[first] !== '[') {
    throw new BodyReadError('the body is not a JSON object or array', 400, 'entity.parse.failed');
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (error) {
    throw new BodyReadError(
      error instanceof Error ? error.message : 'invalid JSON',
      400,
      'entity.parse.failed',
    );
  }
  const twice = memberNamedTwice(text);
  if (twice !== undefined) {
    throw new HttpProblem(
      'bad-request',
      `The body names ${jsonPointer(twice)} twice; send each member once.`,
      { errors: [{ in: 'body', pointer: jsonPointer(twice), detail: 'named twice' }] },
    );
  }
  return body;
}

/** The charsets JSON may come in (RFC 8259 §8.1); the parser is told to refuse the others. */
export function refuseNonUnicodeCharset(
  _req: unknown,
  _res: unknown,
  _buf: Buffer,
  charset: string,
): void {
  if (!charset.toLowerCase().startsWith('utf-')) {
    throw new BodyReadError(`unsupported charset "${charset}"`, 415, 'charset.unsupported');
  }
}

interface Container {
  keys: Set<string> | undefined;
  expectsKey: boolean;
  /** The member name or the element index now being read. */
  at: string | number;
}

/**
 * The path of the first member an object of `text` names twice, or undefined. JSON.parse keeps
 * the last and drops the first without a word, where another reader of the same bytes (a proxy,
 * an auditor's tool) may keep the first: I-JSON (RFC 7493 §2.3) forbids the ambiguity. `text`
 * has already parsed, so only strings, brackets, colons and commas need telling apart; names
 * are compared decoded ("c" and "\u0063" are one name).
 */
export function memberNamedTwice(text: string): (string | number)[] | undefined {
  const open: Container[] = [];
  for (let i = 0; i < text.length; i++) {
    const top = open.at(-1);
    switch (text.charCodeAt(i)) {
      case 0x7b /* { */:
        open.push({ keys: new Set(), expectsKey: true, at: '' });
        break;
      case 0x5b /* [ */:
        open.push({ keys: undefined, expectsKey: false, at: 0 });
        break;
      case 0x7d /* } */:
      case 0x5d /* ] */:
        open.pop();
        break;
      case 0x2c /* , */:
        if (top?.keys) top.expectsKey = true;
        else if (top) top.at = (top.at as number) + 1;
        break;
      case 0x3a /* : */:
        if (top) top.expectsKey = false;
        break;
      case 0x22 /* " */: {
        const end = closingQuote(text, i);
        if (top?.keys && top.expectsKey) {
          const raw = text.slice(i + 1, end);
          const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
          top.at = name;
          if (top.keys.has(name)) return open.map((container) => container.at);
          top.keys.add(name);
        }
        i = end;
        break;
      }
    }
  }
  return undefined;
}

/** The index of the quote closing the string that opens at `start`: one not escaped. */
function closingQuote(text: string, start: number): number {
  for (
    let quote = text.indexOf('"', start + 1);
    quote !== -1;
    quote = text.indexOf('"', quote + 1)
  ) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return text.length;
}

/**
 * How deep a request body may nest objects and arrays. The deepest contract body is a handful
 * of levels; without a bound, a body of a few hundred kilobytes of `[` (legal JSON, and legal
 * in a field typed `unknown`) overflows the stack of whatever walks it next — the
 * Idempotency-Key fingerprint first — and the request ends in a 500.
 */
export const MAX_JSON_DEPTH = 64;

/** Refuses, with a 400 naming where, a body nested deeper than `maxDepth`. Walks without recursion. */
export function assertJsonDepth(body: unknown, maxDepth = MAX_JSON_DEPTH): void {
  const pending: { value: unknown; depth: number; path: readonly string[] }[] = [
    { value: body, depth: 1, path: [] },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth, path } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) {
      throw new HttpProblem(
        'bad-request',
        `The body nests objects or arrays more than ${maxDepth} levels deep.`,
        { errors: [{ in: 'body', pointer: jsonPointer(path), detail: 'nested too deep' }] },
      );
    }
    for (const [key, child] of Object.entries(value)) {
      if (typeof child === 'object' && child !== null) {
        pending.push({ value: child, depth: depth + 1, path: [...path, key] });
      }
    }
  }
}
