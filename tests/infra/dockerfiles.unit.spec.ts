import { loadComposeFile } from './compose-file';
import { execForm, finalStage, readDockerfile, type Instruction } from './dockerfile';
import { readRepoFile, repoFileExists, SERVICES, workspacePackages } from './repo';

const IMAGES = [...SERVICES, 'node'] as const;
const ENTRY_POINTS: Record<(typeof IMAGES)[number], string> = {
  member: 'services/member/src/main.ts',
  savings: 'services/savings/src/main.ts',
  loan: 'services/loan/src/main.ts',
  settlement: 'services/settlement/src/main.ts',
  node: 'apps/node/src/main.ts',
};

const args = (instructions: readonly Instruction[], keyword: string) =>
  instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe.each(IMAGES.map((image) => [image]))('infra/docker/%s.Dockerfile', (image) => {
  const instructions = readDockerfile(image);
  const runtime = finalStage(instructions);

  it('builds in stages from node:20-bookworm-slim, compilers only in the build stage', () => {
    expect(args(instructions, 'ARG')).toContain('NODE_IMAGE=node:20-bookworm-slim');
    expect(args(instructions, 'FROM').length).toBeGreaterThanOrEqual(3);
    expect(args(runtime, 'FROM')[0]).toMatch(/^\$\{NODE_IMAGE\} AS runtime$/);
    expect(args(instructions, 'RUN').some((run) => /g\+\+/.test(run))).toBe(true);
    expect(args(runtime, 'RUN').some((run) => /apt-get|g\+\+|npm (ci|install)/.test(run))).toBe(
      false,
    );
  });

  it('installs production dependencies of existing workspaces only', () => {
    const install = args(instructions, 'RUN').find((run) => run.includes('npm ci'))!;
    expect(install).toContain('--omit=dev');
    const names = [...install.matchAll(/--workspace (\S+)/g)].map((m) => m[1]!);
    expect(names).toContain(image === 'node' ? '@kopfed/node' : `@kopfed/${image}`);
    const workspaces = workspacePackages();
    for (const name of names) expect([name, workspaces.has(name)]).toEqual([name, true]);
  });

  it('copies from the build context only paths that exist and the .dockerignore keeps', () => {
    const copies = args(instructions, 'COPY').filter((copy) => !copy.startsWith('--from'));
    for (const copy of copies) {
      const sources = copy.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        if (source === '.') continue;
        expect([source, repoFileExists(source)]).toEqual([source, true]);
      }
    }
  });

  it('runs as the unprivileged node user with a health check on /health/live', () => {
    expect(args(runtime, 'USER')).toEqual(['node']);
    const healthcheck = args(runtime, 'HEALTHCHECK')[0]!;
    expect(healthcheck).toMatch(/\/health\/live/);
    expect(args(runtime, 'ENV').join(' ')).toMatch(/NODE_ENV=production/);
  });

  it('starts its main.ts under tsx, on the port compose gives it', () => {
    const command = execForm(args(runtime, 'CMD')[0]!);
    expect(command.slice(0, 3)).toEqual(['node', '--import', 'tsx']);
    expect(command[3]).toBe(ENTRY_POINTS[image]);
    const port = /PORT=(\d+)/.exec(args(runtime, 'ENV').join(' '))![1];
    expect(args(runtime, 'EXPOSE')).toEqual([port]);
    if (image !== 'node') {
      expect(loadComposeFile().services[image]!.environment!.PORT).toBe(port);
    }
  });

  it('has an entry point that exists', () => {
    expect(repoFileExists(ENTRY_POINTS[image])).toBe(true);
  });
});

describe('.dockerignore', () => {
  const lines = readRepoFile('.dockerignore').split('\n');

  it('keeps node_modules, git history and local data out of the build context', () => {
    for (const pattern of ['**/node_modules', '.git', 'data', '.env']) {
      expect(lines).toContain(pattern);
    }
  });

  it('keeps every workspace manifest, which npm ci needs, in the context', () => {
    expect(lines).toContain('tests/*');
    expect(lines).toContain('!tests/package.json');
  });
});
