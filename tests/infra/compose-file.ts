import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { readRepoFile, repoPath } from './repo';

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  entrypoint?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export const COMPOSE_FILE = repoPath('infra', 'compose', 'compose.yaml');

/** The compose file as written, `<<:` merge keys resolved as compose resolves them. */
export function loadComposeFile(): ComposeFile {
  return parse(readRepoFile('infra', 'compose', 'compose.yaml'), { merge: true }) as ComposeFile;
}

/** Why `docker-compose config` cannot run here, or undefined when it can (found on PATH). */
export function dockerComposeMissing(): string | undefined {
  const folders = (process.env.PATH ?? '').split(delimiter).filter((folder) => folder !== '');
  if (folders.some((folder) => existsSync(join(folder, 'docker-compose')))) return undefined;
  return 'docker-compose is not on PATH; Debian: apt-get install docker-compose';
}

/** `docker-compose config`: validates the file without an engine and prints it resolved. */
export function dockerComposeConfig(env: NodeJS.ProcessEnv = {}): ComposeFile {
  const output = execFileSync('docker-compose', ['-f', COMPOSE_FILE, 'config'], {
    stdio: 'pipe',
    timeout: 60_000,
    env: { PATH: process.env.PATH, ...env },
  });
  return parse(output.toString('utf8')) as ComposeFile;
}
