import fc from 'fast-check';
import { resolveRef } from '@kopfed/service-kit';

type Schema = { [keyword: string]: unknown };
const MAX_DEPTH = 6;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Values a JSON Schema (as in an OpenAPI 3.1 document) accepts — mostly: the suite checks
 * each candidate with the document's validator anyway, so a rare miss costs only a retry.
 */
export function validValue(schema: unknown, root: unknown, depth = 0): fc.Arbitrary<unknown> {
  if (!isSchema(schema) || depth > MAX_DEPTH) return fc.constant(null);
  if (typeof schema.$ref === 'string')
    return validValue(resolveRef(root, schema.$ref), root, depth + 1);
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options) && options.length > 0) {
      return fc.oneof(...options.map((option) => validValue(option, root, depth + 1)));
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0)
    return validValue(schema.allOf[0], root, depth + 1);
  const type = Array.isArray(schema.type)
    ? (schema.type as string[])
    : [schema.type as string | undefined];
  return fc.oneof(...type.map((t) => valueOfType(t, schema, root, depth)));
}

function valueOfType(
  type: string | undefined,
  schema: Schema,
  root: unknown,
  depth: number,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringValue(schema);
    case 'integer':
      return fc.integer({
        min: numberBound(schema, 'minimum', 0),
        max: numberBound(schema, 'maximum', 1_000),
      });
    case 'number':
      return fc.integer({
        min: numberBound(schema, 'minimum', 0),
        max: numberBound(schema, 'maximum', 1_000),
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = Math.max(
        min,
        Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 3, 3),
      );
      return fc.array(validValue(schema.items, root, depth + 1), {
        minLength: min,
        maxLength: max,
      });
    }
    case 'object':
    case undefined:
      return objectValue(schema, root, depth);
    default:
      return fc.constant(null);
  }
}

function objectValue(schema: Schema, root: unknown, depth: number): fc.Arbitrary<unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties))
    model[name] = validValue(property, root, depth + 1);
  return fc.record(model, { requiredKeys: [...required].filter((name) => name in model) });
}

function stringValue(schema: Schema): fc.Arbitrary<string> {
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : 40;
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
    default:
      break;
  }
  if (typeof schema.pattern === 'string') {
    // Only the schema's own bounds: the default of 40 would refuse every match of a longer
    // fixed-length pattern (a 43-character key), and the filter would then never end.
    const patternMax = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((s) => s.length >= minLength && s.length <= patternMax);
  }
  return fc.string({ unit: 'grapheme-ascii', minLength, maxLength: Math.min(maxLength, 40) });
}

function numberBound(schema: Schema, keyword: 'minimum' | 'maximum', fallback: number): number {
  const value = schema[keyword];
  const exclusive = schema[`exclusive${keyword[0]!.toUpperCase()}${keyword.slice(1)}`];
  if (typeof exclusive === 'number')
    return keyword === 'minimum' ? Math.ceil(exclusive + 1e-9) : Math.floor(exclusive - 1e-9);
  if (typeof value === 'number')
    return keyword === 'minimum' ? Math.ceil(value) : Math.floor(value);
  return keyword === 'minimum' ? fallback : Math.max(fallback, numberBound(schema, 'minimum', 0));
}

/** One valid value, deterministically for a seed; undefined when none could be found. */
export function sampleValid(
  schema: unknown,
  root: unknown,
  accepts: (value: unknown) => boolean,
  seed: number,
): unknown {
  const candidates = fc.sample(validValue(schema, root), { numRuns: 50, seed });
  return candidates.find(accepts);
}
