import type { IncomingMessage } from 'node:http';
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
export function plainJsonLength(req: IncomingMessage, limitBytes: number): number | undefined {
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
export function readPlainJson(req: IncomingMessage, length: number): Promise<unknown> {
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
  const problem = shapeProblem(text);
  if (problem !== undefined) {
    const pointer = jsonPointer(problem.path);
    const twice = problem.kind === 'named-twice';
    throw new HttpProblem(
      'bad-request',
      twice
        ? `The body names ${pointer} twice; send each member once.`
        : `The body nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep.`,
      { errors: [{ in: 'body', pointer, detail: twice ? 'named twice' : 'nested too deep' }] },
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
  object: boolean;
  expectsKey: boolean;
  /** The member name or the element index now being read. */
  at: string | number;
  /** Member names so far: `at` alone for the first, a set from the second (most have one). */
  names: number;
  seen: Set<string> | undefined;
}

/**
 * How deep a request body may nest objects and arrays. The deepest contract body is a handful
 * of levels; without a bound, a body of a few hundred kilobytes of `[` (legal JSON, and legal
 * in a field typed `unknown`) overflows the stack of whatever walks it next — the
 * Idempotency-Key fingerprint first — and the request ends in a 500.
 */
export const MAX_JSON_DEPTH = 64;

export interface ShapeProblem {
  kind: 'nested-too-deep' | 'named-twice';
  /** Where: the container nested too deep, or the member named the second time. */
  path: (string | number)[];
}

/**
 * The first thing wrong with the shape of `text`, already parsed as JSON, or undefined:
 * - a container nested more than `maxDepth` levels deep;
 * - a member an object names twice. JSON.parse keeps the last and drops the first without a
 *   word, where another reader of the same bytes (a proxy, an auditor's tool) may keep the
 *   first: I-JSON (RFC 7493 §2.3) forbids the ambiguity. Names are compared decoded ("c" and
 *   "\u0063" are one name).
 * One pass over the text, without recursion; as it has parsed, only strings, brackets, colons
 * and commas need telling apart.
 */
export function shapeProblem(text: string, maxDepth = MAX_JSON_DEPTH): ShapeProblem | undefined {
  const open: Container[] = [];
  const path = () => open.map((container) => container.at);
  for (let i = 0; i < text.length; i++) {
    const top = open.at(-1);
    switch (text.charCodeAt(i)) {
      case 0x7b /* { */:
      case 0x5b /* [ */:
        if (open.length === maxDepth) return { kind: 'nested-too-deep', path: path() };
        open.push(
          text.charCodeAt(i) === 0x7b
            ? { object: true, expectsKey: true, at: '', names: 0, seen: undefined }
            : { object: false, expectsKey: false, at: 0, names: 0, seen: undefined },
        );
        break;
      case 0x7d /* } */:
      case 0x5d /* ] */:
        open.pop();
        break;
      case 0x2c /* , */:
        if (top?.object) top.expectsKey = true;
        else if (top) top.at = (top.at as number) + 1;
        break;
      case 0x3a /* : */:
        if (top) top.expectsKey = false;
        break;
      case 0x22 /* " */: {
        const end = closingQuote(text, i);
        if (top?.object && top.expectsKey) {
          const raw = text.slice(i + 1, end);
          const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
          if (top.names === 1) top.seen = new Set([top.at as string]);
          top.at = name;
          top.names += 1;
          if (top.seen?.has(name)) return { kind: 'named-twice', path: path() };
          top.seen?.add(name);
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
