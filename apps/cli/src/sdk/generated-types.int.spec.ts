import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memberModule } from '@kopfed/member';
import { GENERATED_DIR } from '@kopfed/sdk/src/generation/generated-dir';
import { defineRoute, type ServiceModule } from '@kopfed/service-kit';
import { z } from 'zod';
import { renderSdkFiles } from './service-documents';

const REGENERATE = 'the SDK is stale: run `npm run generate -w @kopfed/sdk` and commit the result';

function committedFiles(): Map<string, string> {
  return new Map(
    readdirSync(GENERATED_DIR).map((name) => [name, readFileSync(join(GENERATED_DIR, name), 'utf8')]),
  );
}

/** The member module with one more route: what a developer adding an endpoint does. */
const memberWithNewRoute: ServiceModule = {
  name: 'member',
  async create(deps) {
    const instance = await memberModule.create(deps);
    const probe = defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/sdk-drift-probe',
      operationId: 'sdkDriftProbe',
      summary: 'A route the committed SDK does not know',
      request: { params: z.strictObject({ coopId: z.string().regex(/^[a-z-]{1,64}$/) }) },
      responses: { 200: z.object({ ok: z.boolean() }) },
      policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
      handler: async () => ({ status: 200, body: { ok: true } }),
    });
    return { ...instance, definition: { ...instance.definition, routes: [...instance.definition.routes, probe] } };
  },
};

describe('the SDK types are generated from the services’ OpenAPI documents', () => {
  it('the committed files are exactly what the routes generate now', async () => {
    const rendered = await renderSdkFiles();
    const committed = committedFiles();
    expect({ files: [...committed.keys()].sort(), hint: REGENERATE }).toEqual({
      files: [...rendered.keys()].sort(),
      hint: REGENERATE,
    });
    for (const [name, source] of rendered) {
      const same = committed.get(name) === source;
      expect({ file: name, same, hint: REGENERATE }).toEqual({ file: name, same: true, hint: REGENERATE });
    }
  }, 180_000);

  it('a changed route makes the committed files stale', async () => {
    const rendered = await renderSdkFiles([memberWithNewRoute]);
    const member = rendered.get('member.ts')!;
    expect(member).toContain("'/api/member/v1/coops/{coopId}/sdk-drift-probe'");
    expect(member).not.toEqual(committedFiles().get('member.ts'));
  }, 180_000);
});
