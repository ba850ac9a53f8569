// Bundles the node's own TypeScript (every @kopfed workspace it imports) into one CommonJS
// file, dist/main.js, and each worker thread's script beside it: the audit's (verify and
// replay) into dist/audit-worker.js, the savings accounts projection's into
// dist/accounts-projection.worker.js (service-kit's workerScript finds them there).
// Loading one file instead of a thousand transpiled-on-the-fly modules is what brings the
// node's start-up under a couple of seconds: `npm start` and the tests that start the node as
// a real process (crash, scenario) run the bundle.
//
// Third-party packages stay external and load from node_modules as they are: native modules
// (better-sqlite3), lazily required ones (OpenTelemetry, jose, kafkajs) and pino's workers
// must not be bundled, and bundling the rest saves nothing measurable.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..');

export const ENTRY = join(APP, 'src', 'main.ts');
export const BUNDLE = join(APP, 'dist', 'main.js');
const ROOT = join(APP, '..', '..');
/** Each worker thread's script, by the name it is looked for under in dist/. */
const WORKERS = {
  'audit-worker': join(ROOT, 'packages', 'audit', 'src', 'threads', 'audit-worker.ts'),
  'accounts-projection.worker': join(
    ROOT,
    'services',
    'savings',
    'src',
    'accounts',
    'accounts-projection.worker.ts',
  ),
};

/**
 * Writes dist/main.js and its source map, each by an atomic rename: a node started from the
 * bundle while another process rebuilds it (parallel test files) never reads half a file.
 */
export async function bundle() {
  const { outputFiles } = await build({
    write: false,
    entryPoints: { main: ENTRY, ...WORKERS },
    outdir: dirname(BUNDLE),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [
      {
        name: 'workspaces-only',
        setup(builder) {
          builder.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@kopfed/') ? undefined : { external: true },
          );
        },
      },
    ],
  });
  mkdirSync(dirname(BUNDLE), { recursive: true });
  for (const file of outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  return BUNDLE;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
