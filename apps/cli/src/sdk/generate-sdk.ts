import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIR } from '@kopfed/sdk/src/generation/generated-dir';
import { renderFiles } from '@kopfed/sdk/src/generation/render-types';
import { serviceDocuments } from './service-documents';

/**
 * `npm run generate -w @kopfed/sdk`: rewrites packages/sdk/src/generated/ from the services'
 * routes. It lives in the CLI because packages may not import services (dependency rules).
 */
async function main(): Promise<void> {
  const files = await renderFiles(await serviceDocuments());
  mkdirSync(GENERATED_DIR, { recursive: true });
  for (const stale of readdirSync(GENERATED_DIR)) {
    if (!files.has(stale)) rmSync(join(GENERATED_DIR, stale));
  }
  for (const [name, source] of files) writeFileSync(join(GENERATED_DIR, name), source);
  process.stdout.write(`wrote ${[...files.keys()].join(', ')} to ${GENERATED_DIR}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
