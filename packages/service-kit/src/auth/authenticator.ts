import type { Principal } from './principal';

/** Turns a bearer token into the principal it stands for, or undefined when it is not valid. */
export type Authenticator = (token: string) => Promise<Principal | undefined>;

/** RFC 6750 b64token, bounded so a hostile header costs nothing. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]{1,4096}=*)$/i;

export type BearerToken =
  { kind: 'absent' } | { kind: 'malformed' } | { kind: 'token'; token: string };

export function bearerToken(authorization: string | undefined): BearerToken {
  if (authorization === undefined || authorization.length === 0) return { kind: 'absent' };
  const match = BEARER.exec(authorization.trim());
  return match?.[1] ? { kind: 'token', token: match[1] } : { kind: 'malformed' };
}

/** Tries each authenticator in turn; the first that recognises the token decides. */
export function anyOf(...authenticators: readonly Authenticator[]): Authenticator {
  return async (token) => {
    for (const authenticate of authenticators) {
      const principal = await authenticate(token);
      if (principal) return principal;
    }
    return undefined;
  };
}
