/** Architecture rules from STYLE.md, checked by `npm run lint:deps` (part of `npm test`). */
module.exports = {
  forbidden: [
    {
      name: 'service-imports-another-service',
      comment: 'Services share only contracts/ and packages/; they talk through events.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'package-imports-service-or-app',
      comment: 'packages/ are building blocks: they never depend on services or apps.',
      severity: 'error',
      from: { path: '^(packages|contracts)/' },
      to: { path: '^(services|apps)/' },
    },
    {
      name: 'decider-does-io',
      comment: 'A decider (*.decider.ts) is pure: it reaches no adapter, no fs, no network, no database.',
      severity: 'error',
      from: { path: '\\.decider\\.ts$' },
      to: {
        reachable: true,
        path: '(^(fs|net|http|https|child_process|worker_threads|dgram|dns|tls)$|node_modules/(better-sqlite3|kafkajs|@kurrent|express|pino)/|/sqlite/|/kurrentdb/|/kafka/)',
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|dist|generated)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
  },
};
