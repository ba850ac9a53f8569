/**
 * Who is calling. Roles (BRIEF §4):
 *   coop       a coop's own system or staff: that coop's data only
 *   treasurer  a parent coop's finance staff: its own coop and the coops below it
 *   auditor    reads everything in its coop's subtree, changes nothing
 *   admin      the node's operator: manages coops and keys, federation-wide
 */
export const ROLES = ['coop', 'treasurer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The credential: an API key id, or `oidc:<subject>` for an identity-provider token. */
  keyId: string;
  role: Role;
  /** The coop the credential is bound to. */
  coopId: string;
}

/** Coop ids as contracts' CoopId has them: 1–64 of `[A-Za-z0-9_-]`, safe in URLs and logs. */
export const COOP_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
