import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWTPayload,
  type KeyLike,
} from 'jose';
import type { Authenticator } from './authenticator';
import { oidcAuthenticator } from './oidc';

const ISSUER = 'https://id.example.coop';
const AUDIENCE = 'kopfed';

describe('OIDC bearer tokens', () => {
  let authenticate: Authenticator;
  let sign: (
    claims: JWTPayload,
    options?: { issuer?: string; expiresIn?: string; subject?: string },
  ) => Promise<string>;
  let signWithStranger: typeof sign;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const stranger = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    authenticate = oidcAuthenticator({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: createLocalJWKSet({ keys: [jwk] }),
    });
    const signer =
      (key: KeyLike) =>
      (
        claims: JWTPayload,
        options: { issuer?: string; expiresIn?: string; subject?: string } = {},
      ) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setSubject(options.subject ?? 'user-42')
          .setIssuer(options.issuer ?? ISSUER)
          .setAudience(AUDIENCE)
          .setIssuedAt()
          .setExpirationTime(options.expiresIn ?? '5m')
          .sign(key);
    sign = signer(privateKey);
    signWithStranger = signer(stranger.privateKey);
  });

  it('maps kopfed_role and kopfed_coop to a principal', async () => {
    const token = await sign({ kopfed_role: 'treasurer', kopfed_coop: 'puskopdit-1' });
    expect(await authenticate(token)).toEqual({
      keyId: 'oidc:user-42',
      role: 'treasurer',
      coopId: 'puskopdit-1',
    });
  });

  it.each([
    ['no role claim', () => sign({ kopfed_coop: 'a' })],
    ['an unknown role', () => sign({ kopfed_role: 'root', kopfed_coop: 'a' })],
    ['a malformed coop', () => sign({ kopfed_role: 'coop', kopfed_coop: '../a' })],
    [
      'another issuer',
      () => sign({ kopfed_role: 'coop', kopfed_coop: 'a' }, { issuer: 'https://evil' }),
    ],
    [
      'an expired token',
      () => sign({ kopfed_role: 'coop', kopfed_coop: 'a' }, { expiresIn: '-10m' }),
    ],
    ['a foreign signature', () => signWithStranger({ kopfed_role: 'coop', kopfed_coop: 'a' })],
    // Every such token would be one credential, `oidc:`, in the audit trail and the rate limit.
    ['an empty subject', () => sign({ kopfed_role: 'coop', kopfed_coop: 'a' }, { subject: '' })],
  ])('grants nothing for %s', async (_what, token) => {
    expect(await authenticate(await token())).toBeUndefined();
  });

  it('ignores tokens that are not JWTs (API keys go elsewhere)', async () => {
    expect(await authenticate('kpf_0011223344556677_secret')).toBeUndefined();
  });
});
