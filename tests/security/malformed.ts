import fc from 'fast-check';
import type { RequestValidators } from '@kopfed/service-kit/src/testing';
import { bodyMutations } from './body-mutations';
import type { Candidate, Context } from './candidate';
import { coopParam, type Operation } from './operations';
import { headerMutations, pathMutations, queryMutations } from './request-mutations';
import { fillPath } from './requests';
import { sampleValid } from './schema-values';

export type { Candidate, Context } from './candidate';

/** A valid request for the operation, acting on `scopeCoop` (the coop in its path). */
export function baseRequest(
  operation: Operation,
  scopeCoop: string,
  validators: RequestValidators,
  seed: number,
): Context {
  const pathValues: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    if (parameter.in !== 'path' && !(parameter.in === 'query' && parameter.required)) continue;
    const value =
      parameter.name === coopParam(operation)
        ? scopeCoop
        : sampleValid(
            parameter.schema,
            operation.document,
            (v) => validators.parameter(parameter.in as 'path', parameter.name, asText(v)),
            seed,
          );
    if (parameter.in === 'path')
      pathValues[parameter.name] = encodeURIComponent(asText(value) || 'x');
    else query[parameter.name] = asText(value);
  }
  const json =
    operation.bodySchema === undefined
      ? undefined
      : (sampleValid(operation.bodySchema, operation.document, validators.body, seed) ?? {});
  return {
    operation,
    validators,
    pathValues,
    base: {
      method: operation.method,
      path: fillPath(operation.path, pathValues),
      query,
      headers: {},
      ...(json === undefined ? {} : { body: { json } }),
    },
  };
}

/** A parameter value as it travels in a URL. */
function asText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

export function isMalformed(candidate: Candidate, validators: RequestValidators): boolean {
  if (candidate.certain) return true;
  if (candidate.check === 'body') {
    const body = candidate.spec.body;
    return body !== undefined && 'json' in body && !validators.body(body.json);
  }
  if (candidate.check)
    return !validators.parameter(
      candidate.check.location,
      candidate.check.name,
      candidate.check.value,
    );
  return false;
}

/** Every way the suite knows to break a request for this operation. */
export function malformedRequests(context: Context): fc.Arbitrary<Candidate> {
  return fc.oneof(
    ...bodyMutations(context),
    ...pathMutations(context),
    ...queryMutations(context),
    ...headerMutations(context.operation, context.base),
  );
}
