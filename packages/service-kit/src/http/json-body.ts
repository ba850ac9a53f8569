import type { Request } from 'express';
import { HttpProblem } from '../problem/problem';
import { jsonPointer } from './validation';

/**
 * The body almost every client sends: `application/json` in UTF-8 (or no charset), not
 * compressed, with a Content-Length within the limit. Read here directly, it answers exactly
 * as Express's body parser (strict JSON, an empty body is `{}`, a BOM is dropped, the same
 * error types for the problem mapping); anything else — chunked, compressed, another charset
 * or JSON type, too long — goes through that parser. Returns undefined when not plain.
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
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BodyReadError(
      error instanceof Error ? error.message : 'invalid JSON',
      400,
      'entity.parse.failed',
    );
  }
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
