import { deterministicUuid } from './deterministic-id';
import { WrongExpectedRevisionError } from './errors';
import type { EventMetadata, EventStore } from './types';

export type ReservationOutcome = { reserved: true } | { reserved: false; heldBy: string };

/**
 * Claims a unique value for ever (an external id, a member number, a NIK hash within a coop)
 * by creating its own stream, `reservation-<scope>`. The same owner claiming again is
 * accepted, so a retried command passes; another owner learns who holds it. Unlike a unique
 * index in a read model, this cannot race: the store refuses the second creation.
 */
export async function reserve(
  store: EventStore,
  scope: string,
  owner: string,
  metadata?: EventMetadata,
): Promise<ReservationOutcome> {
  const stream = `reservation-${scope}`;
  try {
    await store.append(
      stream,
      [
        {
          // Derived from scope and owner: the same claim retried is an idempotent re-append.
          id: deterministicUuid('reservation', scope, owner),
          type: 'Reserved',
          schemaVersion: 1,
          data: { owner },
          ...(metadata ? { metadata } : {}),
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    return { reserved: true };
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    const heldBy = await reservationHolder(store, scope);
    return heldBy === owner ? { reserved: true } : { reserved: false, heldBy: heldBy ?? 'unknown' };
  }
}

export async function reservationHolder(store: EventStore, scope: string): Promise<string | undefined> {
  const [first] = await store.readStream(`reservation-${scope}`, { maxCount: 1 });
  return (first?.data as { owner?: string } | undefined)?.owner;
}
