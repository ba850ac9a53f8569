import type { ApiKeyRegistry } from './api-key-registry';

export type BootstrapResult =
  | { created: false }
  /** `token` only when it was generated here: the operator sees it once, then never again. */
  | { created: true; keyId: string; token?: string };

/**
 * An empty node (no key ever created) gets one admin key: the operator's own from
 * KOPFED_ADMIN_KEY, or a generated one, which the caller prints once.
 */
export async function bootstrapAdminKey(
  registry: ApiKeyRegistry,
  options: { adminKey?: string; coopId: string },
): Promise<BootstrapResult> {
  if (!registry.isEmpty) return { created: false };
  const { token, key } = await registry.create({
    role: 'admin',
    coopId: options.coopId,
    label: 'bootstrap admin',
    createdBy: 'bootstrap',
    ...(options.adminKey ? { token: options.adminKey } : {}),
  });
  return options.adminKey
    ? { created: true, keyId: key.keyId }
    : { created: true, keyId: key.keyId, token };
}
