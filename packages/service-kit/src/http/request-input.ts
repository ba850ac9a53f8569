import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { HttpProblem, type FieldError } from '../problem/problem';
import { header, type KitRequest } from './kit-request';
import type { Route, RouteInput } from './route';
import { parseStrictJson, plainJsonLength, readPlainJson } from './json-body';
import { fieldErrors, validationProblem, type RequestPart } from './validation';

/** The media types read as JSON: the body parser must be given the same list. */
export const JSON_TYPES = ['application/json', 'application/*+json'];
const JSON_MEDIA_TYPE = /^application\/(?:json|[^/\s;]+\+json)$/;

/** A connect-style body parser (Express's `express.text`): reports through `next`. */
export type BodyParser = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function hasBody(req: IncomingMessage): boolean {
  const length = header(req, 'content-length');
  return header(req, 'transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/** Whether the body's media type is one of JSON_TYPES, parameters aside (as Express's `req.is`). */
function isJson(req: IncomingMessage): boolean {
  const type = header(req, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  return type !== undefined && JSON_MEDIA_TYPE.test(type);
}

/**
 * Reads a JSON body with the size limit (and parseStrictJson's bounds on its shape); none at
 * all gives undefined.
 */
export async function readJsonBody(
  req: KitRequest,
  res: ServerResponse,
  body: { parser: BodyParser; limitBytes: number },
): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const plainLength = plainJsonLength(req, body.limitBytes);
  if (plainLength !== undefined) {
    req.body = await readPlainJson(req, plainLength);
    return req.body;
  }
  if (!isJson(req)) {
    throw new HttpProblem('unsupported-media-type', 'Send the body as application/json.');
  }
  const parser = body.parser;
  await new Promise<void>((resolve, reject) => {
    // The parser reports through next(err); it never returns a promise.
    parser(req, res, (error?: unknown) => {
      if (error === undefined || error === null) resolve();
      else
        reject(
          error instanceof Error
            ? error
            : new Error('the JSON body parser failed', { cause: error }),
        );
    });
  });
  // The parser inflates, decodes the charset and bounds the size; the JSON is read here, as
  // for a plain body, so both paths answer alike.
  // It leaves no text only where it sees no body, as readJsonBody does for none at all.
  if (typeof req.body !== 'string') return undefined;
  req.body = parseStrictJson(req.body);
  return req.body;
}

/** Validates every part at once, so one 400 names every bad field. */
export function parseInput(route: Route, req: KitRequest, body: unknown): RouteInput {
  const schemas = route.request ?? {};
  const errors: FieldError[] = [];
  const parse = (part: RequestPart, schema: z.ZodType, value: unknown): unknown => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    errors.push(...fieldErrors(part, result.error.issues));
    return undefined;
  };
  const input = {
    params: schemas.params ? parse('path', schemas.params, { ...req.params }) : {},
    query: schemas.query ? parse('query', schemas.query, req.query) : {},
    headers: schemas.headers ? parse('header', schemas.headers, req.headers) : {},
    body: schemas.body ? parse('body', schemas.body, body) : undefined,
  };
  if (!schemas.query) {
    for (const parameter of Object.keys(req.query).slice(0, 5)) {
      errors.push({ in: 'query', parameter, detail: 'unknown parameter' });
    }
  }
  if (!schemas.body && body !== undefined) {
    errors.push({ in: 'body', pointer: '', detail: 'this operation takes no body' });
  }
  if (errors.length > 0) throw validationProblem(errors);
  // Each part was parsed by the route's own schema, or is empty where the route declares none.
  return input as RouteInput;
}

export function idempotencyKeyOf(req: KitRequest): string | undefined {
  const key = header(req, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw validationProblem([
      {
        in: 'header',
        parameter: 'Idempotency-Key',
        detail: 'must be 1 to 255 visible ASCII characters',
      },
    ]);
  }
  return key;
}
