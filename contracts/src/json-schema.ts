import { z } from 'zod';
import type { EventDefinition, EventVersion } from './catalog';

export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12) of what goes on the wire: the input of the zod schema.
 * Refinements have no JSON Schema form, which is why contracts use patterns instead.
 * Types JSON cannot carry (bigint, transforms) make this throw: they have no place on a wire.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
}

/** The JSON Schema of one version of an event's data, titled for people. */
export function eventJsonSchema(definition: EventDefinition, version: EventVersion): JsonSchema {
  return {
    ...jsonSchemaOf(version.schema),
    title: `${definition.name} v${version.version}`,
    description: definition.description,
  };
}

/** Draft-07, the JSON Schema AsyncAPI 3 schemas build on, without its own `$schema`. */
export function asyncApiSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
  }) as JsonSchema;
  return rest;
}
