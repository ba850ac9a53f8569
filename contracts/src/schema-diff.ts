/**
 * Annotation keywords document a schema without constraining it; editing one (fixing a typo in
 * a description) is not a change of contract.
 */
const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment']);
/** Keywords whose value maps names to schemas: there the keys are names, not keywords. */
const SCHEMA_MAPS = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);
/** Keywords whose value is data (may hold any key), not a schema. */
const DATA_VALUES = new Set(['const', 'enum', 'default']);
const MAX_DEPTH = 64;

/** A JSON Schema without its annotations. */
export function withoutAnnotations(schema: unknown, depth = 0, isMap = false): unknown {
  if (depth > MAX_DEPTH) throw new Error(`schema nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(schema)) return schema.map((item) => withoutAnnotations(item, depth + 1));
  if (typeof schema !== 'object' || schema === null) return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!isMap && ANNOTATIONS.has(key)) continue;
    if (!isMap && DATA_VALUES.has(key)) {
      result[key] = value;
      continue;
    }
    result[key] = withoutAnnotations(value, depth + 1, !isMap && SCHEMA_MAPS.has(key));
  }
  return result;
}

/** The JSON pointer of the first place two JSON values differ, or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, pointer = ''): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return pointer || '/';
  }
  if (Array.isArray(a) !== Array.isArray(b)) return pointer || '/';
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(recordA), ...Object.keys(recordB)]);
  for (const key of keys) {
    if (!(key in recordA) || !(key in recordB)) return `${pointer}/${escape(key)}`;
    const difference = firstDifference(recordA[key], recordB[key], `${pointer}/${escape(key)}`);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

function escape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
