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
