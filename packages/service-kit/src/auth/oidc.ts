import type * as Jose from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import type { Authenticator } from './authenticator';
import { COOP_ID_PATTERN, isRole } from './principal';

export interface OidcOptions {
  issuer: string;
  audience: string;
  /** The identity provider's keys: `createRemoteJWKSet(url)`, or a local set in tests. */
  keys: JWTVerifyGetKey;
  clockToleranceSeconds?: number;
}

/** The claims a federation's identity provider adds to its access tokens for kopfed. */
export const OIDC_CLAIMS = { role: 'kopfed_role', coop: 'kopfed_coop' } as const;

/** jose loads only on nodes that accept JWTs: the others start without its modules. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = (): typeof Jose => require('jose') as typeof Jose;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/**
 * Accepts JWTs from a federation's identity provider. The role and coop come from the
 * `kopfed_role` and `kopfed_coop` claims; a token without them grants nothing.
 */
export function oidcAuthenticator(options: OidcOptions): Authenticator {
  return async (token) => {
    if (!JWT_SHAPE.test(token)) return undefined;
    try {
      const { payload } = await jose().jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ALGORITHMS,
        clockTolerance: options.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'exp'],
      });
      const role = payload[OIDC_CLAIMS.role];
      const coopId = payload[OIDC_CLAIMS.coop];
      const subject = payload.sub;
      if (
        // The subject names the credential (audit actor, rate-limit budget): one, never empty.
        subject === undefined ||
        subject.length === 0 ||
        !isRole(role) ||
        typeof coopId !== 'string' ||
        !COOP_ID_PATTERN.test(coopId)
      ) {
        return undefined;
      }
      return { keyId: `oidc:${subject}`, role, coopId };
    } catch (error) {
      if (error instanceof jose().errors.JOSEError) return undefined;
      throw error;
    }
  };
}

export function remoteKeys(jwksUrl: string): JWTVerifyGetKey {
  return jose().createRemoteJWKSet(new URL(jwksUrl));
}
