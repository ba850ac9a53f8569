import { deterministicUuid } from '@kopfed/eventstore';

/** Ids derived from a caller's key, so a retried request lands on the same member. */
export function derivedId(...parts: string[]): string {
  return deterministicUuid('member', ...parts);
}

/**
 * The member a coop knows under its external id when it joined under it: the same whether it
 * joined through the sync or the join route, so a second joining finds the stream taken and
 * the sync of that id finds the member. A membership made without it (a person moved in)
 * takes it later by ExternalIdAttached; the claim on the external id covers both.
 */
export function memberIdForExternalId(coopId: string, externalId: string): string {
  return derivedId(coopId, 'external', externalId);
}
