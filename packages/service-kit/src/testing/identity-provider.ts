import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { OidcOptions } from '../auth/oidc';

/** A stand-in for a federation's identity provider: a local key pair and its JWKS. */
export async function localIdentityProvider(
  issuer = 'https://id.example.coop',
  audience = 'kopfed',
) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'local-1', alg: 'ES256' };
  const keys: OidcOptions['keys'] = createLocalJWKSet({ keys: [jwk] });
  return {
    issuer,
    audience,
    keys,
    /** A signed access token for `subject` with the given claims, valid five minutes. */
    sign: (subject: string, claims: JWTPayload) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'local-1' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
  };
}
