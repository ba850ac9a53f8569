import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** Which request parts an operation accepts, judged from its OpenAPI document. */
export interface RequestValidators {
  /** A parameter as it travels (a string), coerced to its schema's type as the server does. */
  parameter(location: 'path' | 'query' | 'header', name: string, value: string): boolean;
  /** Whether the operation declares such a parameter at all. */
  declares(location: 'path' | 'query' | 'header', name: string): boolean;
  body(value: unknown): boolean;
}

interface Parameter {
  in: string;
  name: string;
  schema?: unknown;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

/**
 * Validators for one operation's requests: what the security suite uses to be sure a request
 * it generated is malformed before it sends it. Refs resolve against the document's components.
 */
export function operationValidators(
  document: { paths?: Record<string, unknown>; components?: unknown },
  path: string,
  method: string,
): RequestValidators {
  const operation = (document.paths?.[path] as Record<string, Operation> | undefined)?.[method];
  if (!operation) throw new Error(`no operation ${method} ${path}`);
  const components = document.components;
  const strict = new Ajv2020({ strict: false, allErrors: false });
  const coercing = new Ajv2020({ strict: false, allErrors: false, coerceTypes: true });
  addFormats(strict);
  addFormats(coercing);
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  const body =
    bodySchema === undefined
      ? undefined
      : strict.compile({ ...(bodySchema as object), components });
  const compiled = new Map<string, ValidateFunction>();
  const find = (location: string, name: string) =>
    (operation.parameters ?? []).find(
      (p) => p.in === location && p.name.toLowerCase() === name.toLowerCase(),
    );
  return {
    declares: (location, name) => find(location, name) !== undefined,
    parameter(location, name, value) {
      const parameter = find(location, name);
      if (!parameter) return false;
      const key = `${location}:${parameter.name}`;
      let validate = compiled.get(key);
      if (!validate) {
        validate = coercing.compile({
          type: 'object',
          properties: { value: parameter.schema ?? {} },
          required: ['value'],
          components,
        });
        compiled.set(key, validate);
      }
      return validate({ value });
    },
    // Validation with defaults or coercion would change the value; a clone keeps it intact.
    body: (value) => (body ? body(structuredClone(value)) : value === undefined),
  };
}
