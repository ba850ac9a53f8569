import pino from 'pino';
import { ConfigError, loadConfig } from './config';
import { createNode, SERVICES } from './node';

function main(): void {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const node = createNode(config);
  const server = node.app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      { port, dataDir: config.dataDir, stores: SERVICES.map((s) => `${config.dataDir}/${s}.db`) },
      `kopfed node listening on http://127.0.0.1:${port} — health at /health`,
    );
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests, closing stores');
    server.close(() => {
      node.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while closing stores');
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

try {
  main();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
