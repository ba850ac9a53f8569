import { coopBody, person } from '@kopfed/member/src/testing/federation';
import type { PatientClient } from './http';

export { person };

interface CreatedKey {
  token: string;
}

/** An API key for a coop and role, created by the admin over the access API. */
export async function apiKey(admin: PatientClient, role: string, coopId: string): Promise<string> {
  const key = (await admin.expect(201, 'POST', '/api/access/v1/keys', {
    role,
    coopId,
    label: `${role} of ${coopId}`,
  })) as CreatedKey;
  return key.token;
}

/**
 * A secondary coop and its primary coops, registered and approved over the member API as
 * the federation's admin and the secondary coop's treasurer would.
 */
export async function registerFederation(
  admin: PatientClient,
  treasurerOf: (token: string) => PatientClient,
  secondary: string,
  primaries: readonly string[],
): Promise<{ treasurerToken: string }> {
  await admin.expect(201, 'POST', '/api/member/v1/coops', coopBody(secondary, 'secondary', null));
  await admin.expect(200, 'POST', `/api/member/v1/coops/${secondary}/approval`, {
    on: '2026-01-06',
  });
  const treasurerToken = await apiKey(admin, 'treasurer', secondary);
  const treasurer = treasurerOf(treasurerToken);
  for (const coop of primaries) {
    await treasurer.expect(
      201,
      'POST',
      `/api/member/v1/coops/${secondary}/member-coops`,
      coopBody(coop, 'primary', secondary),
    );
    await treasurer.expect(200, 'POST', `/api/member/v1/coops/${coop}/approval`, {
      on: '2026-01-07',
    });
  }
  return { treasurerToken };
}
