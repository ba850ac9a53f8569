import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../node-process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `kopfed <args>` as an operator or auditor runs it: the CLI's own entry point, as a child process. */
export function kopfed(args: readonly string[], timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(REPO, 'apps', 'cli', 'bin', 'kopfed.js'), ...args],
      { cwd: REPO, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

export interface VerifyReport {
  intact: boolean;
  stores: { store: string; intact: boolean; events: number }[];
}

export interface RebuildReport {
  identical: boolean;
  absent: string[];
  projections: { store: string; projection: string; identical: boolean; rows: number }[];
}

/**
 * What an auditor runs on a stopped node's data directory: `audit verify` and
 * `audit rebuild-check` (both only read it; rebuild-check works on a snapshot copy).
 */
export async function auditDataDir(dataDir: string) {
  const [verify, rebuild] = await Promise.all([
    kopfed(['audit', 'verify', '--data-dir', dataDir, '--json'], 180_000),
    kopfed(['audit', 'rebuild-check', '--data-dir', dataDir, '--json'], 180_000),
  ]);
  const parse = <T>(run: CliRun): T | undefined =>
    run.code === 0 ? (JSON.parse(run.stdout) as T) : undefined;
  return {
    verify: { ...verify, report: parse<VerifyReport>(verify) },
    rebuild: { ...rebuild, report: parse<RebuildReport>(rebuild) },
  };
}
