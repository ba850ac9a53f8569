import { memberModule } from '@kopfed/member';
import { readStamp, stamped } from '@kopfed/sdk/src/generation/stamp';
import { defineRoute, type ServiceModule } from '@kopfed/service-kit';
import { z } from 'zod';
import { committedFiles, staleness } from './sdk-freshness';
import { serviceDocuments } from './service-documents';

const REGENERATE = 'the SDK is stale: run `npm run generate -w @kopfed/sdk` and commit the result';

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
  let documents: Awaited<ReturnType<typeof serviceDocuments>>;
  beforeAll(async () => {
    documents = await serviceDocuments();
  }, 60_000);

  it('the committed files were generated from the documents the routes build now', () => {
    const problems = staleness(documents, committedFiles());
    expect({ problems, hint: REGENERATE }).toEqual({ problems: [], hint: REGENERATE });
  });

  it('a changed route makes the committed files stale', async () => {
    const changed = { ...documents, ...(await serviceDocuments([memberWithNewRoute])) };
    expect(JSON.stringify(changed.member)).toContain('/sdk-drift-probe');
    expect(staleness(changed, committedFiles())).toEqual([
      'member.ts: generated from an older OpenAPI document (its routes changed)',
    ]);
  }, 60_000);

  it('a hand edit, a missing file or a file for no service is stale too', () => {
    const files = committedFiles();
    const edited = new Map(files).set('loan.ts', `${files.get('loan.ts')!}export type Extra = 1;\n`);
    expect(staleness(documents, edited)).toEqual(['loan.ts: edited by hand']);
    const missing = new Map(files);
    missing.delete('savings.ts');
    missing.set('ledger.ts', stamped('a document', 'export {};\n', 'a'.repeat(64)));
    expect(staleness(documents, missing)).toEqual(['ledger.ts: no such service any more', 'savings.ts: missing']);
    expect(readStamp('export {};\n')).toBeUndefined();
  });
});
