import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRepoFile, repoPath, SERVICES } from './repo';

/** The workspace packages (`@kopfed/…`) a service's runtime code imports (types excluded). */
function importedWorkspacePackages(folder: string): Set<string> {
  const found = new Set<string>();
  const visit = (path: string, depth: number): void => {
    if (depth > 12 || !existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry), depth + 1);
      return;
    }
    if (!path.endsWith('.ts') || path.endsWith('.spec.ts')) return;
    const text = readFileSync(path, 'utf8');
    for (const [, name] of text.matchAll(/^import (?!type )[^;]*? from '(@kopfed\/[^/']+)/gms)) {
      found.add(name!);
    }
  };
  visit(folder, 0);
  return found;
}

/**
 * An image installs `npm ci --omit=dev --workspace @kopfed/<service>`, which links only the
 * workspaces its package.json reaches: a workspace imported but not declared is missing there
 * even though the monorepo's hoisting hides it everywhere else.
 */
describe.each(SERVICES.map((s) => [s]))('the %s image', (service) => {
  it('declares every workspace package its code imports as a dependency', () => {
    const manifest = JSON.parse(readRepoFile('services', service, 'package.json')) as {
      dependencies?: Record<string, string>;
    };
    const imported = [...importedWorkspacePackages(repoPath('services', service, 'src'))];
    expect(imported).toContain('@kopfed/eventstore');
    const undeclared = imported.filter((name) => !(name in (manifest.dependencies ?? {})));
    expect(undeclared).toEqual([]);
  });
});
