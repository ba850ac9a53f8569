import { text } from 'node:stream/consumers';
import { renderFiles } from './render-types';

/**
 * Renders the SDK's files in a process of its own: reads `{ <service>: <OpenAPI document> }`
 * as JSON on stdin, writes `{ <file name>: <source> }` as JSON on stdout. openapi-typescript
 * loads ES modules, which Jest's module system cannot, so tests render through this.
 */
async function main(): Promise<void> {
  const documents = JSON.parse(await text(process.stdin)) as Record<string, object>;
  process.stdout.write(JSON.stringify(await renderFiles(documents)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
