import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository root (tests/infra is two levels down). */
export const REPO_ROOT = join(__dirname, '..', '..');

export const SERVICES = ['member', 'savings', 'loan', 'settlement'] as const;
export type ServiceName = (typeof SERVICES)[number];

export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

export function repoFileExists(...parts: string[]): boolean {
  return existsSync(repoPath(...parts));
}

/** Workspace package names (`@kopfed/…`) by folder, from the root package.json's globs. */
export function workspacePackages(): Map<string, string> {
  const root = JSON.parse(readRepoFile('package.json')) as { workspaces: string[] };
  const folders = root.workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(repoPath(pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`)
      : [pattern],
  );
  const packages = new Map<string, string>();
  for (const folder of folders) {
    if (!repoFileExists(folder, 'package.json')) continue;
    const { name } = JSON.parse(readRepoFile(folder, 'package.json')) as { name: string };
    packages.set(name, folder);
  }
  return packages;
}

/** Every .ts file under the given folders (no tests, no node_modules), as one searchable text. */
export function sourceText(folders: readonly string[]): string {
  const texts: string[] = [];
  const visit = (path: string, depth: number): void => {
    if (depth > 12 || !existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry !== 'node_modules') visit(join(path, entry), depth + 1);
      }
    } else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
      texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const folder of folders) visit(repoPath(folder), 0);
  return texts.join('\n');
}

/** Folders whose code a service's process runs: its own sources and every package. */
export function serviceSourceFolders(service: string): string[] {
  const packages = readdirSync(repoPath('packages')).map((name) => `packages/${name}/src`);
  return [`services/${service}/src`, ...packages];
}

export function relativeToRepo(path: string): string {
  return relative(REPO_ROOT, path);
}
