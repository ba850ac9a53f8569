import { v7 as uuidv7 } from 'uuid';
import { WrongExpectedRevisionError } from './errors';
import type { EventMetadata, EventStore, ExpectedRevision, RecordedEvent } from './types';

/** `fresh`: this call made the claim (false when the owner already held it). */
export type ReservationOutcome =
  { reserved: true; fresh: boolean } | { reserved: false; heldBy: string };

/** A claim changes hands at most this often while one call tries to take it. */
const MAX_ATTEMPTS = 5;

/**
 * Claims a unique value (an external id, a member number, a NIK hash within a coop) in its
 * own stream, `reservation-<scope>`: `Reserved` by an owner, and `Released` again only by the
 * owner whose command did not happen after all. The same owner claiming again is accepted,
 * so a retried command passes; another owner learns who holds it. Unlike a unique index in
 * a read model, this cannot race: the store refuses the second append at the same revision.
 */
export async function reserve(
  store: EventStore,
  scope: string,
  owner: string,
  metadata?: EventMetadata,
): Promise<ReservationOutcome> {
  const stream = `reservation-${scope}`;
  let expectedRevision: ExpectedRevision = 'no_stream';
  for (let attempt = 1; ; attempt++) {
    try {
      await store.append(stream, [claimEvent('Reserved', owner, metadata)], { expectedRevision });
      return { reserved: true, fresh: true };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt === MAX_ATTEMPTS) throw error;
    }
    const last = await lastClaim(store, stream);
    if (!last) continue;
    const lastOwner = ownerOf(last);
    if (last.type === 'Released') expectedRevision = last.revision;
    else if (lastOwner === owner) return { reserved: true, fresh: false };
    else return { reserved: false, heldBy: lastOwner ?? 'unknown' };
  }
}

/**
 * Gives a value back: only its holder can, and only a claim whose command did not happen
 * (a member whose joining was refused) should be. Resolves whether it was released.
 */
export async function release(
  store: EventStore,
  scope: string,
  owner: string,
  metadata?: EventMetadata,
): Promise<boolean> {
  const stream = `reservation-${scope}`;
  const last = await lastClaim(store, stream);
  if (!last || last.type !== 'Reserved' || ownerOf(last) !== owner) return false;
  try {
    await store.append(stream, [claimEvent('Released', owner, metadata)], {
      expectedRevision: last.revision,
    });
    return true;
  } catch (error) {
    // Only the holder releases: a concurrent change means another call of its released it.
    if (error instanceof WrongExpectedRevisionError) return false;
    throw error;
  }
}

export async function reservationHolder(
  store: EventStore,
  scope: string,
): Promise<string | undefined> {
  const last = await lastClaim(store, `reservation-${scope}`);
  return last?.type === 'Reserved' ? ownerOf(last) : undefined;
}

function claimEvent(type: 'Reserved' | 'Released', owner: string, metadata?: EventMetadata) {
  return {
    // Time-ordered, so a burst of claims (a sync batch's NIKs and member numbers) adds to the
    // end of the store's id index instead of dirtying a random page of it for each.
    id: uuidv7(),
    type,
    schemaVersion: 1,
    data: { owner },
    ...(metadata ? { metadata } : {}),
  };
}

async function lastClaim(store: EventStore, stream: string): Promise<RecordedEvent | undefined> {
  const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
  return last;
}

function ownerOf(event: RecordedEvent): string | undefined {
  return (event.data as { owner?: string } | undefined)?.owner;
}
