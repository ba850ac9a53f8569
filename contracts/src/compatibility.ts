import { z } from 'zod';
import type { EventCatalog, EventDefinition, EventVersion } from './catalog';
import { eventJsonSchema } from './json-schema';
import { firstDifference, withoutAnnotations } from './schema-diff';
import type { Snapshot } from './snapshot';

/**
 *   removed      a published event or version is gone from the catalog
 *   changed      a published version's schema is not the one that was published
 *   example      an example no longer parses with its version's schema
 *   upcast       an older version's example does not upcast to a valid latest version
 *   unpublished  a version in the catalog has no snapshot yet
 *   duplicate    two snapshots claim the same event and version
 */
export type CompatibilityProblemKind =
  'removed' | 'changed' | 'example' | 'upcast' | 'unpublished' | 'duplicate';

export interface CompatibilityProblem {
  kind: CompatibilityProblemKind;
  event: string;
  version: number;
  message: string;
}

const PUBLISH_COMMAND = 'npm run publish-contracts -w @kopfed/contracts';

/**
 * Checks the catalog against every snapshot ever published. A published version is frozen:
 * its schema stays byte-for-byte the same (annotations aside) and its example must keep
 * parsing and upcasting to the latest version. Returns every problem found; none is good.
 */
export function checkCompatibility(
  catalog: EventCatalog,
  snapshots: readonly Snapshot[],
): CompatibilityProblem[] {
  const problems: CompatibilityProblem[] = [];
  const seen = new Set<string>();
  for (const snapshot of snapshots) {
    const key = `${snapshot.name} v${snapshot.version}`;
    const problem = (kind: CompatibilityProblemKind, message: string) =>
      problems.push({ kind, event: snapshot.name, version: snapshot.version, message });
    if (seen.has(key)) problem('duplicate', `${key} is published twice`);
    seen.add(key);
    const definition = catalog.definitions.find((d) => d.name === snapshot.name);
    const version = definition?.versions[snapshot.version - 1];
    if (definition === undefined || version === undefined) {
      problem(
        'removed',
        `${key} was published but is not in the catalog: published versions stay forever ` +
          '(consumers may still receive them); restore it.',
      );
      continue;
    }
    for (const [kind, message] of checkSnapshot(catalog, definition, version, snapshot)) {
      problem(kind, message);
    }
  }
  for (const definition of catalog.definitions) {
    for (const version of definition.versions) {
      const key = `${definition.name} v${version.version}`;
      const problem = (kind: CompatibilityProblemKind, message: string) =>
        problems.push({ kind, event: definition.name, version: version.version, message });
      if (!seen.has(key)) {
        problem('unpublished', `${key} has no snapshot: run \`${PUBLISH_COMMAND}\` and commit it.`);
      }
      const parsed = version.schema.safeParse(version.example);
      if (!parsed.success) {
        problem('example', `${key}'s own example does not parse: ${z.prettifyError(parsed.error)}`);
      }
    }
  }
  return problems;
}

function checkSnapshot(
  catalog: EventCatalog,
  definition: EventDefinition,
  version: EventVersion,
  snapshot: Snapshot,
): [CompatibilityProblemKind, string][] {
  const key = `${definition.name} v${version.version}`;
  const latest = definition.versions.length;
  const found: [CompatibilityProblemKind, string][] = [];
  const difference = firstDifference(
    withoutAnnotations(snapshot.jsonSchema),
    withoutAnnotations(eventJsonSchema(definition, version)),
  );
  if (difference !== undefined) {
    found.push([
      'changed',
      `${key} was published and its schema has changed (first difference at ${difference}). ` +
        `A published version is frozen: restore ${key} as it was, and make the change in a ` +
        `new version v${latest + 1} with an upcaster from v${latest}; then run ` +
        `\`${PUBLISH_COMMAND}\`.`,
    ]);
  }
  const parsed = version.schema.safeParse(snapshot.example);
  if (!parsed.success) {
    found.push([
      'example',
      `the published example of ${key} no longer parses: ${z.prettifyError(parsed.error)}`,
    ]);
    return found;
  }
  try {
    const upcast = catalog.upcast(definition.name, version.version, snapshot.example);
    const latestParse = definition.versions[latest - 1]?.schema.safeParse(upcast.data);
    if (latestParse?.success !== true) {
      found.push(['upcast', `${key}'s published example does not upcast to a valid v${latest}`]);
    }
  } catch (error) {
    found.push([
      'upcast',
      `${key}'s published example fails to upcast to v${latest}: ${String(error)}`,
    ]);
  }
  return found;
}
