import pino from 'pino';
import { ConfigError, loadConfig } from './config';
import type * as Demo from './demo/on-start';
import { createNode, type FederationNode } from './node';
import { ListenError, serveNode } from './serve';
import { selectModules } from './services';

/** The demo and what it loads (its progress bar, the SDK) only when asked for, not at every start. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const demo = (): typeof Demo => require('./demo/on-start') as typeof Demo;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const node = await createNode({
    ...config,
    modules: selectModules(config.services),
    logger,
    nightlyCloseOfBusiness: true,
  });
  const serving = await serveNode(node, { port: config.port, host: config.host, logger });
  const url = `http://127.0.0.1:${serving.port}`;
  logger.info(
    {
      port: serving.port,
      dataDir: config.dataDir,
      stores: [...node.stores.keys()].map((s) => `${config.dataDir}/${s}.db`),
      services: node.services.map((s) => s.baseUrl),
    },
    `kopfed node listening on ${url} — health at /health, APIs listed at /api`,
  );
  printBanner(node, url, config.dataDir);
  printBootstrap(node, logger);
  if (process.argv.includes('--demo')) void demo().fillOnStart(node, config, url);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests, closing stores');
    serving.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while closing stores');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** What a person starting the node needs to see: where everything is. */
function printBanner(node: FederationNode, url: string, dataDir: string): void {
  const width = Math.max(...node.services.map((s) => s.name.length));
  const lines = [
    '',
    `  kopfed federation node — ${url}`,
    '',
    ...node.services.map(
      (s) => `    ${s.name.padEnd(width)}  ${url}${s.baseUrl}   OpenAPI ${url}${s.openapiUrl}`,
    ),
    '',
    `    health   ${url}/health        services ${url}/api`,
    `    data     ${dataDir} (${[...node.stores.keys()].map((s) => `${s}.db`).join(', ')})`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * A generated bootstrap key goes to stdout once, outside the structured logs, so it never
 * lands in a log pipeline; only its id is logged.
 */
function printBootstrap(node: FederationNode, logger: pino.Logger): void {
  if (!node.bootstrap.created) return;
  const { keyId, token } = node.bootstrap;
  logger.info({ keyId }, 'bootstrap admin key created');
  if (token === undefined) return;
  process.stdout.write(
    [
      '',
      '  This node was empty, so it created an admin API key. It is shown only now:',
      '',
      `      ${token}`,
      '',
      '  Use it as "Authorization: Bearer <key>" to create the coops’ keys at /api/access/v1/keys.',
      '  Set KOPFED_ADMIN_KEY before the first start to choose the key yourself.',
      '',
      '',
    ].join('\n'),
  );
}

// A bad setting (of the node or of any module it starts: one ConfigError class for all) exits 2,
// a port it cannot listen on exits 1, each with one line and no stack; anything else is a bug.
main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ListenError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  throw error;
});
