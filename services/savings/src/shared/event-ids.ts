import { deterministicUuid } from '@kopfed/eventstore';

/**
 * Event ids derived from a client-chosen id (a transfer id, a sync item's external id): the
 * store refuses an id twice, in any stream, so the same thing is never applied twice — for
 * ever, not for a retention window.
 */
export function derivedEventIds(scope: string, key: string) {
  return (_event: unknown, index: number) =>
    deterministicUuid('savings', scope, key, String(index));
}
