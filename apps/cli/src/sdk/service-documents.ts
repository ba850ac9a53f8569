import { spawn } from 'node:child_process';
import { hostFixture } from '@kopfed/host/src/testing';
import { loanModule } from '@kopfed/loan';
import { memberModule } from '@kopfed/member';
import { savingsModule } from '@kopfed/savings';
import { buildOpenApiDocument, type OpenAPIObject, type ServiceModule } from '@kopfed/service-kit';

/** The services a primary coop's system talks to; the SDK has one generated file for each. */
export const SDK_MODULES: readonly ServiceModule[] = [memberModule, savingsModule, loanModule];

const RENDERER = require.resolve('@kopfed/sdk/src/generation/render-main.ts');
const RENDER_TIMEOUT_MS = 240_000;

/**
 * Each service's OpenAPI document, built from the very route definitions it serves: the
 * modules are hosted as the node hosts them (throw-away stores), so nothing is hand-written.
 */
export async function serviceDocuments(
  modules: readonly ServiceModule[] = SDK_MODULES,
): Promise<Record<string, OpenAPIObject>> {
  const fixture = await hostFixture(modules);
  try {
    return Object.fromEntries(
      fixture.host.services.map(({ name, instance }) => [
        name,
        buildOpenApiDocument(instance.definition),
      ]),
    );
  } finally {
    await fixture.close();
  }
}

/** The SDK's generated files by name (`member.ts`, …, `index.ts`), rendered in memory. */
export async function renderSdkFiles(
  modules: readonly ServiceModule[] = SDK_MODULES,
): Promise<Map<string, string>> {
  const documents = await serviceDocuments(modules);
  const output = await runRenderer(JSON.stringify(documents));
  return new Map(Object.entries(JSON.parse(output) as Record<string, string>));
}

function runRenderer(input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RENDERER], {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: RENDER_TIMEOUT_MS,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(new Error(`the SDK renderer failed (${code}): ${Buffer.concat(stderr).toString('utf8')}`));
    });
    child.stdin.end(input);
  });
}
