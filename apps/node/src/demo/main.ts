import { DemoUsageError, nodeUrl, parseDemoArgs } from './options';
import { progressBar } from './progress';
import { demoReport, runDemo } from './run-demo';

/** `npm run demo -- --seed 7`: fills the node at KOPFED_URL with KOPFED_ADMIN_KEY. */
async function main(): Promise<void> {
  const options = parseDemoArgs(process.argv.slice(2));
  const adminKey = process.env.KOPFED_ADMIN_KEY;
  if (!adminKey)
    throw new DemoUsageError(
      'KOPFED_ADMIN_KEY is needed: the admin key the node printed on its first start (or was started with).',
    );
  const url = nodeUrl(process.env);
  const result = await runDemo(url, adminKey, options, progressBar());
  process.stdout.write(`${demoReport(result, url)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof DemoUsageError ? 2 : 1);
});
