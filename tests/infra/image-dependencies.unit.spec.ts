import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { execForm, finalStage, readDockerfile, type Instruction } from './dockerfile';
import { readRepoFile, repoFileExists, repoPath, SERVICES, workspacePackages } from './repo';

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

/** A package's name from an import specifier (`pino/file` → pino, `@otel/api/x` → @otel/api). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The workspaces an image installs (`npm ci --omit=dev --workspace …`), with every workspace
 * they depend on, transitively, and the third-party packages those declare as dependencies:
 * what the image's node_modules holds.
 */
function installed(instructions: readonly Instruction[]): {
  folders: string[];
  packages: Set<string>;
} {
  const install = instructions.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))!;
  const workspaces = workspacePackages();
  const folders = new Map<string, string>();
  const visit = (name: string): void => {
    const folder = workspaces.get(name);
    if (folder === undefined || folders.has(name)) return;
    folders.set(name, folder);
    for (const dependency of Object.keys(manifestOf(folder).dependencies ?? {})) visit(dependency);
  };
  for (const [, name] of install.args.matchAll(/--workspace (\S+)/g)) visit(name!);
  const packages = new Set(
    [...folders.values()].flatMap((folder) => Object.keys(manifestOf(folder).dependencies ?? {})),
  );
  return { folders: [...folders.values()], packages };
}

function manifestOf(folder: string): { dependencies?: Record<string, string> } {
  return JSON.parse(readRepoFile(folder, 'package.json')) as {
    dependencies?: Record<string, string>;
  };
}

/** A worker thread's script (`workerScript` starts `<name>.ts` by its path, not by an import). */
function workerEntries(folders: readonly string[]): string[] {
  const found: string[] = [];
  const visit = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else if (/[.-]worker\.ts$/.test(path)) found.push(path);
  };
  for (const folder of folders) if (repoFileExists(folder, 'src')) visit(repoPath(folder, 'src'));
  return found;
}

/** The third-party packages that code reached from `entries` imports, and where from. */
async function thirdPartyImports(entries: readonly string[]): Promise<Map<string, string>> {
  const { metafile } = await build({
    entryPoints: [...entries],
    bundle: true,
    write: false,
    outdir: 'unused',
    platform: 'node',
    format: 'cjs',
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'third-party-external',
        setup(builder) {
          builder.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@kopfed/') ? undefined : { external: true },
          );
        },
      },
    ],
  });
  const found = new Map<string, string>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const { path, external } of input.imports) {
      if (!external || path.startsWith('.')) continue;
      const name = packageOf(path);
      if (!name.startsWith('node:') && !builtinModules.includes(name)) found.set(name, file);
    }
  }
  return found;
}

/**
 * The images install production dependencies only, so a package their code imports must be a
 * `dependency` of a workspace the image installs. The monorepo hides a miss everywhere else:
 * a devDependency, or a package another workspace declares, is hoisted to the root's
 * node_modules where every workspace finds it. The node's image had such a miss until
 * 1c9f6e6: its demo imported supertest, a devDependency.
 */
describe.each([...SERVICES, 'node'].map((image) => [image]))(
  'the %s image’s node_modules',
  (image) => {
    it('holds every third-party package its process imports, and tsx to run it', async () => {
      const instructions = readDockerfile(image);
      const { folders, packages } = installed(instructions);
      const command = execForm(finalStage(instructions).find((i) => i.keyword === 'CMD')!.args);
      const entry = command[command.length - 1]!;
      expect(command.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
      expect(packages).toContain('tsx');
      const entries = [
        repoPath(entry),
        repoPath('apps/cli/src/main.ts'),
        ...workerEntries(folders),
      ];
      const imports = await thirdPartyImports(entries);
      expect(imports.size).toBeGreaterThan(5);
      const missing = [...imports]
        .filter(([name]) => !packages.has(name))
        .map(([name, from]) => `${name} (imported by ${from})`);
      expect(missing).toEqual([]);
    }, 30_000);
  },
);
