import { EVENT_NAME_PATTERN, MAX_SCHEMA_VERSION, SERVICE_NAME_PATTERN } from '../naming';
import type { CheckedVersions, EventDefinition, EventVersion } from './event-definition';

/**
 * Defines an integration event with all its versions, oldest first, numbered 1, 2, 3…
 * Version n > 1 carries `upcast`, from version n−1's parsed data to its own; annotate the
 * upcaster's parameter with version n−1's type and the compiler checks the chain.
 *
 * A published version is frozen (see compatibility.ts): to change an event, add a version.
 */
export function defineEvent<
  const Name extends string,
  const Service extends string,
  const Versions extends readonly [EventVersion, ...EventVersion[]],
>(definition: {
  name: Name;
  service: Service;
  description: string;
  versions: Versions & CheckedVersions<Versions>;
}): EventDefinition<Name, Service, Versions> {
  assertDefinition(definition);
  return Object.freeze({ ...definition, versions: definition.versions });
}

export class EventDefinitionError extends Error {
  override readonly name = 'EventDefinitionError';
}

function assertDefinition(definition: EventDefinition): void {
  const { name, service, description, versions } = definition;
  const fail = (message: string): never => {
    throw new EventDefinitionError(`event ${name}: ${message}`);
  };
  if (!EVENT_NAME_PATTERN.test(name)) fail(`name must match ${String(EVENT_NAME_PATTERN)}`);
  if (!SERVICE_NAME_PATTERN.test(service))
    fail(`service must match ${String(SERVICE_NAME_PATTERN)}`);
  if (description.trim().length === 0) fail('needs a description');
  if (versions.length === 0 || versions.length > MAX_SCHEMA_VERSION) fail('needs versions');
  versions.forEach((version, index) => {
    if (version.version !== index + 1) {
      fail(
        `versions must be numbered 1, 2, 3… in order; found v${version.version} at ${index + 1}`,
      );
    }
    if (index === 0 && version.upcast !== undefined) fail('v1 has nothing to upcast from');
    if (index > 0 && typeof version.upcast !== 'function') {
      fail(`v${version.version} needs an upcaster from v${index}`);
    }
  });
}
