import type { NodeConfig } from '../config';
import type { FederationNode } from '../node';
import { parseDemoArgs } from './options';
import { progressBar } from './progress';
import { demoReport, runDemo } from './run-demo';

/**
 * `npm start -- --demo`: once the node listens, it fills itself through its own public API,
 * with the admin key it just created, or the one it was started with.
 */
export async function fillOnStart(
  node: FederationNode,
  config: Pick<NodeConfig, 'adminKey'>,
  url: string,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const adminKey = (node.bootstrap.created ? node.bootstrap.token : undefined) ?? config.adminKey;
  if (!adminKey) {
    process.stderr.write(
      'demo not run: this node already has keys and its admin key is not known here; set KOPFED_ADMIN_KEY, or run `npm run demo` with it.\n',
    );
    return;
  }
  try {
    const result = await runDemo(url, adminKey, parseDemoArgs(argv), progressBar());
    process.stdout.write(`${demoReport(result, url)}\n`);
  } catch (error) {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}
