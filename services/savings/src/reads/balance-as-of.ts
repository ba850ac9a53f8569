import type { RecordedEvent } from '@kopfed/eventstore';
import { balanceChange, type AccountEvent } from '../accounts/account-events';
import { endOfBusinessDate, type IsoDate } from '../shared/dates';

export interface BalanceAt {
  balance: bigint;
  available: bigint;
}

/** Holds and reserved withdrawals open after `include` events, active at `instant`. */
function reserved(events: readonly AccountEvent[], instant: string): bigint {
  const open = new Map<string, { amount: bigint; expiresAt: string | null }>();
  for (const event of events) {
    switch (event.type) {
      case 'HoldPlaced':
        open.set(`h:${event.data.holdId}`, {
          amount: BigInt(event.data.amount),
          expiresAt: event.data.expiresAt,
        });
        break;
      case 'HoldReduced': {
        const held = open.get(`h:${event.data.holdId}`);
        if (held) held.amount = BigInt(event.data.amount);
        break;
      }
      case 'HoldCaptured':
      case 'HoldReleased':
        open.delete(`h:${event.data.holdId}`);
        break;
      case 'WithdrawalRequested':
        open.set(`w:${event.data.withdrawalId}`, {
          amount: BigInt(event.data.amount),
          expiresAt: null,
        });
        break;
      case 'WithdrawalApproved':
      case 'WithdrawalRejected':
        open.delete(`w:${event.data.withdrawalId}`);
        break;
      default:
        break;
    }
  }
  let total = 0n;
  for (const r of open.values())
    if (r.expiresAt === null || r.expiresAt > instant) total += r.amount;
  return total;
}

function summarise(events: readonly AccountEvent[], instant: string): BalanceAt {
  const balance = events.reduce((t, e) => t + balanceChange(e), 0n);
  return { balance, available: balance - reserved(events, instant) };
}

const domain = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as AccountEvent;

/** What the books showed at an instant: the events recorded by then. */
export function balanceAsRecorded(events: readonly RecordedEvent[], instant: string): BalanceAt {
  const at = Date.parse(instant);
  return summarise(
    events.filter((e) => Date.parse(e.recordedAt) <= at).map(domain),
    new Date(at).toISOString(),
  );
}

/** The balance effective at the end of a business date, back-dated items included. */
export function balanceEffectiveOn(events: readonly RecordedEvent[], date: IsoDate): BalanceAt {
  const dated = events
    .map(domain)
    .filter((e) => e.type === 'AccountOpened' || ('on' in e.data && e.data.on <= date));
  return summarise(dated, endOfBusinessDate(date));
}

/**
 * The lowest balance effective at the end of any business date from `from` onward: what a
 * change back-dated to `from` must leave above the floor, since it moves every later day too.
 */
export function lowestBalanceFrom(events: readonly RecordedEvent[], from: IsoDate): bigint {
  const changes = new Map<IsoDate, bigint>([[from, 0n]]);
  for (const event of events.map(domain)) {
    const delta = balanceChange(event);
    if (delta === 0n || !('on' in event.data)) continue;
    const on = event.data.on < from ? from : event.data.on;
    changes.set(on, (changes.get(on) ?? 0n) + delta);
  }
  let balance = 0n;
  let lowest: bigint | undefined;
  for (const on of [...changes.keys()].sort()) {
    balance += changes.get(on) ?? 0n;
    if (lowest === undefined || balance < lowest) lowest = balance;
  }
  return lowest ?? balance;
}
