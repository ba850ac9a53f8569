import { resolveRef } from '@kopfed/service-kit';
import type { Operation } from './operations';

type Schema = { [keyword: string]: unknown };
const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A pattern bounds a string when it is anchored and repeats nothing without limit. */
function boundedPattern(pattern: string): boolean {
  return pattern.startsWith('^') && pattern.endsWith('$') && !/(?<!\\)[*+]|\{\d+,\}/.test(pattern);
}

function bounded(schema: Schema): boolean {
  return (
    typeof schema.maxLength === 'number' ||
    Array.isArray(schema.enum) ||
    'const' in schema ||
    ['uuid', 'date', 'date-time', 'email'].includes(String(schema.format)) ||
    (typeof schema.pattern === 'string' && boundedPattern(schema.pattern))
  );
}

/**
 * Pointers to strings in the operation's input (body and parameters) with no upper bound: each
 * is room for a megabyte of anything, and no field of a coop's books needs that.
 */
export function unboundedStrings(operation: Operation, root: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown, pointer: string, depth: number) => {
    if (!isSchema(node) || seen.has(node) || depth > 32) return;
    seen.add(node);
    if (typeof node.$ref === 'string')
      return visit(resolveRef(root, node.$ref), node.$ref, depth + 1);
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes('string') && !bounded(node)) found.push(pointer || '/');
    if (isSchema(node.properties)) {
      for (const [key, child] of Object.entries(node.properties))
        visit(child, `${pointer}/properties/${key}`, depth + 1);
    }
    for (const keyword of ['items', 'additionalProperties', 'not'])
      visit(node[keyword], `${pointer}/${keyword}`, depth + 1);
    for (const keyword of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
      const list = node[keyword];
      if (Array.isArray(list))
        list.forEach((child, i) => visit(child, `${pointer}/${keyword}/${i}`, depth + 1));
    }
  };
  visit(operation.bodySchema, 'body', 0);
  for (const parameter of operation.parameters)
    visit(parameter.schema, `${parameter.in}:${parameter.name}`, 0);
  return found;
}
