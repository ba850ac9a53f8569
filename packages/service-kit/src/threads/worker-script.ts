import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What `new Worker` runs: a script file, or source text to evaluate. */
export interface WorkerScript {
  script: string;
  eval: boolean;
}

/**
 * The script of a worker thread written in TypeScript as `<name>.ts` in `dir` (the caller's
 * `__dirname`): the source through tsx's require hook where the sources are (tests, the CLI,
 * benchmarks, a service run by tsx), or `<name>.js` where the node's bundle put it beside
 * itself (apps/node/scripts/bundle.mjs names each one). Undefined when there is neither: the
 * caller then does the work on its own thread.
 */
export function workerScript(dir: string, name: string): WorkerScript | undefined {
  const source = join(dir, `${name}.ts`);
  if (existsSync(source)) {
    try {
      const tsx = require.resolve('tsx/cjs/api');
      return {
        script: `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`,
        eval: true,
      };
    } catch {
      return undefined;
    }
  }
  const bundled = join(dir, `${name}.js`);
  return existsSync(bundled) ? { script: bundled, eval: false } : undefined;
}
