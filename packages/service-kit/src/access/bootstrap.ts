import { DomainError } from '@kopfed/domain';
import type { ApiKeyRegistry } from './api-key-registry';
import { generateApiKey } from './api-key-token';

export type BootstrapResult =
  | { created: false }
  /** `token` only when it was generated here: the operator sees it once, then never again. */
  | { created: true; keyId: string; token?: string };

/**
 * The key id of a generated bootstrap admin key. One id for every process, so processes that
 * start together on an empty shared store (one container per service) create one key between
 * them: the first append wins and the others find it. Its secret is random like any other.
 */
export const BOOTSTRAP_KEY_ID = '0000000000000000';

/**
 * An empty node (no key ever created) gets one admin key: the operator's own from
 * KOPFED_ADMIN_KEY, or a generated one, which the caller prints once.
 */
export async function bootstrapAdminKey(
  registry: ApiKeyRegistry,
  options: { adminKey?: string; coopId: string },
): Promise<BootstrapResult> {
  if (!registry.isEmpty) return { created: false };
  const token = options.adminKey ?? generateApiKey(BOOTSTRAP_KEY_ID).token;
  try {
    const { key } = await registry.create({
      role: 'admin',
      coopId: options.coopId,
      label: 'bootstrap admin',
      createdBy: 'bootstrap',
      token,
    });
    return options.adminKey
      ? { created: true, keyId: key.keyId }
      : { created: true, keyId: key.keyId, token };
  } catch (error) {
    // Another process sharing the store bootstrapped first: its admin key is the node's.
    if (error instanceof DomainError && error.code === 'api-key-exists') return { created: false };
    throw error;
  }
}
