/**
 * Publishes every version of every event that has no snapshot yet, as
 * `published/<Name>/v<N>.json`, then checks the catalog against all snapshots. An existing
 * snapshot is never overwritten: a published version is frozen.
 *
 *   npm run publish-contracts -w @kopfed/contracts
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { checkCompatibility } from '../compatibility';
import { catalog } from '../events';
import { loadSnapshots, snapshotPath } from '../published';
import { snapshotOf } from '../snapshot';
import { writeJson } from './write-json';

async function main(): Promise<number> {
  for (const definition of catalog.definitions) {
    for (const version of definition.versions) {
      const file = snapshotPath(definition.name, version.version);
      if (existsSync(file)) continue;
      await writeJson(file, snapshotOf(definition, version), { exclusive: true });
      process.stdout.write(`published ${relative(process.cwd(), file)}\n`);
    }
  }
  const problems = checkCompatibility(catalog, loadSnapshots());
  for (const problem of problems) process.stderr.write(`${problem.kind}: ${problem.message}\n`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
