import { readFileSync } from 'node:fs';
import type { SyncStream } from '@kopfed/sdk';
import { loadConfig } from '../config';
import { fieldsOf } from '../streams';
import { runSync } from './agent';
import { defaultPaths } from './paths';
import { describe, exitCodeOf, EXIT } from './summary';

/** `kopfed sync <stream> <file>`'s options, as commander parses them. */
export interface SyncFlags {
  coop?: string;
  url?: string;
  config?: string;
  tokenFile?: string;
  state?: string;
  report?: string;
  dryRun?: boolean;
  restart?: boolean;
  batchSize: string;
  sheet?: string;
  timeoutMs: string;
  maxAttempts: string;
  progress: boolean;
  json?: boolean;
}

/** One sync run from the command line: its summary on stdout, its exit code returned. */
export async function syncFile(
  stream: SyncStream,
  file: string,
  flags: SyncFlags,
): Promise<number> {
  try {
    const config = loadConfig(flags.config, fieldsOf);
    const coopId = flags.coop ?? process.env.KOPFED_COOP ?? config.coop;
    if (!coopId) throw new Error('name the coop: --coop, KOPFED_COOP or the config’s coop');
    const paths = defaultPaths(file);
    const url = flags.url ?? process.env.KOPFED_URL ?? config.url;
    const token = flags.tokenFile
      ? readFileSync(flags.tokenFile, 'utf8').trim()
      : process.env.KOPFED_TOKEN;
    const summary = await runSync({
      stream,
      file,
      coopId,
      ...(url ? { url } : {}),
      ...(token ? { token } : {}),
      config,
      statePath: flags.state ?? paths.state,
      reportPath: flags.report ?? paths.report,
      dryRun: flags.dryRun === true,
      restart: flags.restart === true,
      batchSize: wholeNumber(flags.batchSize, '--batch-size'),
      ...(flags.sheet ? { sheet: flags.sheet } : {}),
      retry: {
        timeoutMs: wholeNumber(flags.timeoutMs, '--timeout-ms'),
        maxAttempts: wholeNumber(flags.maxAttempts, '--max-attempts'),
      },
      progress: flags.progress,
      now: () => new Date(),
      stdout: process.stdout,
      stderr: process.stderr,
    });
    process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : describe(summary));
    return exitCodeOf(summary);
  } catch (error) {
    process.stderr.write(
      `kopfed sync ${stream}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.FAILED;
  }
}

function wholeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number ≥ 1`);
  return n;
}
