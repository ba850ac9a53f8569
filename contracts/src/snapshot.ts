import { z } from 'zod';
import type { EventDefinition, EventVersion } from './catalog';
import { eventJsonSchema } from './json-schema';

/** What was published of one version of an event; kept in `published/<Name>/v<N>.json`. */
export const Snapshot = z.strictObject({
  name: z.string(),
  version: z.int().min(1),
  jsonSchema: z.record(z.string(), z.unknown()),
  example: z.unknown(),
});
export type Snapshot = z.output<typeof Snapshot>;

export function snapshotOf(definition: EventDefinition, version: EventVersion): Snapshot {
  return {
    name: definition.name,
    version: version.version,
    jsonSchema: eventJsonSchema(definition, version),
    example: version.example,
  };
}
