import { hostFixture } from '@kopfed/host/src/testing';
import { loanModule } from '@kopfed/loan';
import { memberModule } from '@kopfed/member';
import { savingsModule } from '@kopfed/savings';
import { buildOpenApiDocument, type OpenAPIObject, type ServiceModule } from '@kopfed/service-kit';

/**
 * The services a primary coop's system talks to; the SDK (packages/sdk) has one generated
 * file for each. Generation lives here, in an app, because packages may not import services.
 */
export const SDK_MODULES: readonly ServiceModule[] = [memberModule, savingsModule, loanModule];

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
      fixture.host.services.map(({ name, instance }) => [name, buildOpenApiDocument(instance.definition)]),
    );
  } finally {
    await fixture.close();
  }
}
