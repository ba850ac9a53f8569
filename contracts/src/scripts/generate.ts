/**
 * The build step: writes `generated/asyncapi.json` and `generated/schemas/<Name>.v<N>.json`
 * from the zod schemas. Generated files are never edited by hand and never committed.
 *
 *   npm run build -w @kopfed/contracts
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildAsyncApi } from '../asyncapi';
import { catalog } from '../events';
import { eventJsonSchema } from '../json-schema';
import { writeJson } from './write-json';

const ROOT = resolve(__dirname, '..', '..');
const GENERATED = join(ROOT, 'generated');

async function main(): Promise<void> {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  rmSync(GENERATED, { recursive: true, force: true });
  await writeJson(join(GENERATED, 'asyncapi.json'), buildAsyncApi(catalog, { version }));
  let count = 0;
  for (const definition of catalog.definitions) {
    for (const eventVersion of definition.versions) {
      const file = join(GENERATED, 'schemas', `${definition.name}.v${eventVersion.version}.json`);
      await writeJson(file, eventJsonSchema(definition, eventVersion));
      count++;
    }
  }
  process.stdout.write(`generated/asyncapi.json and ${count} JSON Schemas in generated/schemas\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
