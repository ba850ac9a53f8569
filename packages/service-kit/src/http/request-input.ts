import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { HttpProblem, type FieldError } from '../problem/problem';
import type { Route, RouteInput } from './route';
import { parseStrictJson, plainJsonLength, readPlainJson } from './json-body';
import { fieldErrors, validationProblem, type RequestPart } from './validation';

/** The media types read as JSON: the body parser must be given the same list. */
export const JSON_TYPES = ['application/json', 'application/*+json'];
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function hasBody(req: Request): boolean {
  const length = req.get('content-length');
  return req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads a JSON body with the size limit (and parseStrictJson's bounds on its shape); none at
 * all gives undefined.
 */
export async function readJsonBody(
  req: Request,
  res: Response,
  body: { parser: RequestHandler; limitBytes: number },
): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const plainLength = plainJsonLength(req, body.limitBytes);
  if (plainLength !== undefined) {
    req.body = await readPlainJson(req, plainLength);
    return req.body as unknown;
  }
  if (!req.is(JSON_TYPES)) {
    throw new HttpProblem('unsupported-media-type', 'Send the body as application/json.');
  }
  const parser = body.parser;
  await new Promise<void>((resolve, reject) => {
    // The parser reports through next(err); it never returns a promise.
    void parser(req, res, (error?: unknown) => {
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
  return req.body as unknown;
}

/** Validates every part at once, so one 400 names every bad field. */
export function parseInput(route: Route, req: Request, body: unknown): RouteInput {
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

export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
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
