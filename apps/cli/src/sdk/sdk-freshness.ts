import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIR } from '@kopfed/sdk/src/generation/generated-dir';
import { documentSha256, readStamp } from '@kopfed/sdk/src/generation/stamp';

/** The SDK's generated files as committed, by name. */
export function committedFiles(dir: string = GENERATED_DIR): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

/**
 * What is wrong with the committed files against the services' documents now: a service
 * without its file, a file without its service, a file generated from another document, or
 * a file edited by hand. Empty when the SDK is current.
 */
export function staleness(documents: Readonly<Record<string, object>>, files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const expected = new Set([...Object.keys(documents).map((service) => `${service}.ts`), 'index.ts']);
  for (const name of files.keys()) if (!expected.has(name)) problems.push(`${name}: no such service any more`);
  for (const name of expected) {
    const source = files.get(name);
    const stamp = source === undefined ? undefined : readStamp(source);
    if (source === undefined) problems.push(`${name}: missing`);
    else if (stamp === undefined) problems.push(`${name}: no generator stamp`);
    else if (!stamp.contentIntact) problems.push(`${name}: edited by hand`);
    else if (name !== 'index.ts' && stamp.openapiSha256 !== documentSha256(documents[name.slice(0, -3)]!)) {
      problems.push(`${name}: generated from an older OpenAPI document (its routes changed)`);
    }
  }
  const index = files.get('index.ts') ?? '';
  for (const service of Object.keys(documents)) {
    if (!index.includes(`from './${service}';`)) problems.push(`index.ts: does not export ${service}`);
  }
  return problems;
}
