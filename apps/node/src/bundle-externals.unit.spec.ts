import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

/**
 * The bundle (dist/main.js) keeps third-party packages external, so at run time it requires
 * them from apps/node/dist/: Node looks in apps/node/node_modules, then the root's. A package
 * two majors apart in the tree (the root holds uuid 10 for exceljs, lru-cache 5 for Babel)
 * would silently give the node another version than the workspaces' own code and tests use.
 * apps/node therefore declares each such package itself; this test finds any it misses.
 */
const REPO = join(__dirname, '..', '..', '..');
const DIST = join(__dirname, '..', 'dist');

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

function workspaceDirs(): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const pattern of (manifest(REPO) as Manifest & { workspaces: string[] }).workspaces) {
    const parent = join(REPO, pattern.replace(/\/\*$/, ''));
    for (const name of readdirSync(parent)) {
      const dir = join(parent, name);
      if (existsSync(join(dir, 'package.json'))) dirs.set(manifest(dir).name, dir);
    }
  }
  return dirs;
}

/** The workspaces the node bundles: itself and every @kopfed package it depends on, transitively. */
function bundledWorkspaces(): string[] {
  const dirs = workspaceDirs();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !dirs.has(name)) return;
    seen.add(name);
    for (const dep of Object.keys(manifest(dirs.get(name)!).dependencies ?? {})) visit(dep);
  };
  visit('@kopfed/node');
  return [...seen].map((name) => dirs.get(name)!);
}

/** The version of `pkg` that code in `fromDir` gets, or undefined when it resolves nowhere. */
function resolvedVersion(fromDir: string, pkg: string): string | undefined {
  try {
    const entry = createRequire(join(fromDir, 'index.js')).resolve(pkg);
    for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json')) && manifest(dir).name === pkg)
        return manifest(dir).version;
    }
  } catch {
    // Not installed for this workspace (an optional or lazily loaded package).
  }
  return undefined;
}

describe('the node bundle’s external packages', () => {
  it('resolve from dist/ to the version each bundled workspace resolves', () => {
    const mismatches: string[] = [];
    for (const dir of bundledWorkspaces()) {
      for (const pkg of Object.keys(manifest(dir).dependencies ?? {})) {
        if (pkg.startsWith('@kopfed/')) continue;
        const own = resolvedVersion(join(dir, 'src'), pkg);
        if (own === undefined) continue;
        const bundled = resolvedVersion(DIST, pkg);
        if (bundled !== own)
          mismatches.push(`${pkg}: ${relative(REPO, dir)} gets ${own}, the bundle ${bundled}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('are all production dependencies, which the node’s image installs (npm ci --omit=dev)', () => {
    const built = spawnSync(process.execPath, [join(__dirname, '..', 'scripts', 'bundle.mjs')], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const production = new Set(
      bundledWorkspaces().flatMap((dir) => Object.keys(manifest(dir).dependencies ?? {})),
    );
    const builtins = new Set(builtinModules);
    const required = new Set<string>();
    for (const file of readdirSync(DIST).filter((name) => /^[\w.-]+\.js$/.test(name))) {
      for (const [, specifier] of readFileSync(join(DIST, file), 'utf8').matchAll(
        /\brequire\("([^".][^"]*)"\)/g,
      )) {
        const parts = specifier!.split('/');
        const pkg = specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
        if (!pkg.startsWith('node:') && !builtins.has(pkg)) required.add(pkg);
      }
    }
    expect(required.size).toBeGreaterThan(5);
    expect([...required].filter((pkg) => !production.has(pkg)).sort()).toEqual([]);
  });

  it('finds the workspaces the node bundles', () => {
    const names = bundledWorkspaces().map((dir) => relative(REPO, dir));
    expect(names).toEqual(
      expect.arrayContaining(['apps/node', 'services/savings', 'packages/service-kit']),
    );
  });
});
