import { execFileSync } from 'node:child_process';

export interface ContainerRuntime {
  available: boolean;
  /** Why the container tier cannot run here, when it cannot. */
  reason?: string;
}

let cached: ContainerRuntime | undefined;

/**
 * Whether a container engine answers (what testcontainers needs). Asked once per process,
 * synchronously, so a suite can choose between describe and describe.skip at load time.
 */
export function containerRuntime(): ContainerRuntime {
  if (cached) return cached;
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
      stdio: 'pipe',
      timeout: 10_000,
    });
    cached = { available: true };
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim();
    const detail =
      stderr?.split('\n').find((line) => line.trim().length > 0) ?? (error as Error).message;
    cached = { available: false, reason: `no container runtime: docker info failed (${detail})` };
  }
  return cached;
}

/**
 * `describe` for the container tier: runs where a container engine answers; elsewhere the
 * suite is skipped and the reason is printed, unless REQUIRE_CONTAINERS=1, which makes the
 * missing runtime a failure.
 */
export function describeWithContainers(name: string, body: () => void): void {
  const runtime = containerRuntime();
  if (runtime.available) {
    describe(name, body);
    return;
  }
  if (process.env.REQUIRE_CONTAINERS === '1') {
    describe(name, () => {
      it('needs a container runtime (REQUIRE_CONTAINERS=1)', () => {
        throw new Error(runtime.reason);
      });
    });
    return;
  }
  process.stderr.write(`[container tier] skipping "${name}": ${runtime.reason}\n`);
  // Skipped with its reason in the title, so the report says why.
  describe.skip(`${name} — skipped: ${runtime.reason}`, body);
}
