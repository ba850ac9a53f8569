import type { EventStore, NewEvent } from '@kopfed/eventstore';
import { newEventId } from '../shared/event-ids';
import { LOAN_BOOK_ROOM } from '../shared/streams';

/**
 * The loan book's room ledger, one stream for the whole book. Each entry carries
 * `bookOutstandingPrincipal`: a bound above the book's outstanding principal once it is in.
 * A claim adds its loan's principal to the bound before the loan is paid out; a recount sets
 * it to the exact sum of the active loans plus the principals of the claimed loans not yet
 * paid out (`pendingLoans`), so it is never below the book. Amounts are decimal strings.
 */
export type LoanBookRoomEvent =
  | {
      type: 'LoanBookRoomClaimed';
      data: {
        loanId: string;
        principal: string;
        bookOutstandingPrincipal: string;
        /** Claims since the last recount, this one included. */
        claimsSinceRecount: number;
      };
    }
  | {
      type: 'LoanBookRecounted';
      data: { bookOutstandingPrincipal: string; pendingLoans: PendingLoan[] };
    };

export interface PendingLoan {
  loanId: string;
  principal: string;
}

/** The ledger's last entry: its revision, the bound it leaves, the claims since a recount. */
export interface RoomHead {
  revision: number;
  bound: bigint;
  claimsSinceRecount: number;
}

/** Claims read per page while looking back for the last recount. */
const PAGE = 500;

export async function roomHead(store: EventStore): Promise<RoomHead | undefined> {
  const [last] = await store.readStream(LOAN_BOOK_ROOM, { direction: 'backwards', maxCount: 1 });
  if (!last) return undefined;
  const event = last as unknown as LoanBookRoomEvent;
  return {
    revision: last.revision,
    bound: BigInt(event.data.bookOutstandingPrincipal),
    claimsSinceRecount: event.type === 'LoanBookRoomClaimed' ? event.data.claimsSinceRecount : 0,
  };
}

/**
 * The loans claimed since the last recount up to `revision`, with those that recount found
 * still unpaid, by principal: the loans the book may not count yet.
 */
export async function claimedSinceRecount(
  store: EventStore,
  revision: number,
): Promise<Map<string, bigint>> {
  const claimed = new Map<string, bigint>();
  // Bounded by the ledger: each page moves back PAGE entries, until the last recount.
  for (let from = revision; from >= 0; from -= PAGE) {
    const page = await store.readStream(LOAN_BOOK_ROOM, {
      direction: 'backwards',
      fromRevision: from,
      maxCount: PAGE,
    });
    for (const recorded of page) {
      const event = recorded as unknown as LoanBookRoomEvent;
      switch (event.type) {
        case 'LoanBookRoomClaimed':
          claimed.set(event.data.loanId, BigInt(event.data.principal));
          break;
        case 'LoanBookRecounted':
          for (const { loanId, principal } of event.data.pendingLoans)
            claimed.set(loanId, BigInt(principal));
          return claimed;
        default: {
          const unknown: never = event;
          throw new Error(`unexpected event in ${LOAN_BOOK_ROOM}: ${JSON.stringify(unknown)}`);
        }
      }
    }
    if (page.length < PAGE) break;
  }
  return claimed;
}

export function roomEvent(event: LoanBookRoomEvent): NewEvent {
  return { id: newEventId(), type: event.type, schemaVersion: 1, data: event.data };
}
