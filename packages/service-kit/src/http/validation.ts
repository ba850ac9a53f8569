import type { z } from 'zod';
import { HttpProblem, type FieldError } from '../problem/problem';

export type RequestPart = 'path' | 'query' | 'header' | 'body';

/** One request can break many rules; the first few are enough to fix it. */
const MAX_FIELD_ERRORS = 20;

/** RFC 6901: `~` becomes `~0` and `/` becomes `~1` inside a reference token. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Field errors for a zod failure. Values are never echoed: they may be personal data. */
export function fieldErrors(part: RequestPart, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const paths =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: [...issue.path, key], detail: 'unknown field' }))
        : [{ path: issue.path, detail: issue.message }];
    for (const { path, detail } of paths) errors.push(fieldError(part, path, detail));
  }
  return errors.slice(0, MAX_FIELD_ERRORS);
}

function fieldError(part: RequestPart, path: readonly PropertyKey[], detail: string): FieldError {
  if (part === 'body') return { in: 'body', pointer: jsonPointer(path), detail };
  const [parameter, ...rest] = path;
  return {
    in: part,
    parameter: parameter === undefined ? '' : String(parameter),
    detail: rest.length > 0 ? `${jsonPointer(rest)}: ${detail}` : detail,
  };
}

export function validationProblem(errors: FieldError[]): HttpProblem {
  const [first] = errors;
  const where = !first ? '' : first.in === 'body' ? first.pointer || 'the body' : first.parameter;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new HttpProblem(
    'validation-failed',
    first ? `${where}: ${first.detail}${more}` : 'The request is not valid.',
    { errors },
  );
}

/** Parses one part of the request, or throws a 400 problem naming every bad field. */
export function parsePart<Schema extends z.ZodType>(
  part: RequestPart,
  schema: Schema,
  value: unknown,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationProblem(fieldErrors(part, result.error.issues));
}
