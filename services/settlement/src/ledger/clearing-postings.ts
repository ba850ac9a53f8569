import type { RecordedEvent } from '@kopfed/eventstore';
import { coopId, type MoneyEvent, type Movement } from '@kopfed/ledger';
import { money } from '@kopfed/money';
import type { CoopSettlementConfirmed } from '../batches/batch-events';
import type { TransferGroupSubmitted, TransferPosted, TransferRecord } from '../clearing/model';
import { minorOf, type MoneyJson } from '../shared/money';

/** The clearing events that move money in the coops' books. */
export const POSTED_CLEARING_EVENTS = [
  'TransferPosted',
  'TransferGroupSubmitted',
  'CoopSettlementConfirmed',
] as const;

const toMoney = (m: MoneyJson) => money(minorOf(m), m.currency);

/**
 * A transfer from A to B posts in three books (ledger/posting-rules.ts): A sends, B receives,
 * their parent clears. Until the savings service says where a member's money came from, a
 * transfer's funds are "settlement funds in transit" (1-170) at both coops: the savings
 * side (a captured hold, a credit) posts against the same account, and it nets out.
 */
function transferPostings(
  source: string,
  event: RecordedEvent,
  transfer: TransferRecord,
  posted: MoneyJson,
): MoneyEvent[] {
  const amount = toMoney(posted);
  const base = {
    eventId: source,
    eventType: event.type,
    businessDate: event.businessDate,
    recordedAt: event.recordedAt,
    reference: transfer.transferId,
  };
  const inTransit = { kind: 'settlement_in_transit' } as const;
  const at = (coop: string, movement: Movement): MoneyEvent => ({
    ...base,
    coopId: coopId(coop),
    movement,
  });
  return [
    at(transfer.fromCoopId, { type: 'InterCoopTransferSent', amount, from: inTransit }),
    at(transfer.toCoopId, { type: 'InterCoopTransferReceived', amount, to: inTransit }),
    at(transfer.parentCoopId, {
      type: 'InterCoopTransferCleared',
      payerCoop: coopId(transfer.fromCoopId),
      payeeCoop: coopId(transfer.toCoopId),
      amount,
    }),
  ];
}

/** A coop settled its net through the bank: both its books and its parent's record it. */
function settlementPostings(
  event: RecordedEvent,
  data: CoopSettlementConfirmed['data'],
): MoneyEvent[] {
  const bank = { kind: 'bank' } as const;
  return data.instructions.flatMap((instruction) => {
    const amount = toMoney(instruction.amount);
    const base = {
      eventId: `${event.id}:${instruction.reference}`,
      eventType: event.type,
      businessDate: data.settledOn,
      recordedAt: event.recordedAt,
      reference: `${instruction.reference} ${data.bankReference}`.slice(0, 200),
    };
    const member = coopId(data.coopId);
    const pays = instruction.direction === 'pay';
    return [
      {
        ...base,
        coopId: member,
        movement: pays
          ? { type: 'NetPositionPaid', amount, via: bank }
          : { type: 'NetPositionReceived', amount, via: bank },
      },
      {
        ...base,
        coopId: coopId(data.parentCoopId),
        movement: pays
          ? { type: 'MemberNetPositionReceived', memberCoop: member, amount, via: bank }
          : { type: 'MemberNetPositionPaid', memberCoop: member, amount, via: bank },
      },
    ] satisfies MoneyEvent[];
  });
}

export function clearingPostings(event: RecordedEvent): MoneyEvent[] {
  switch (event.type) {
    case 'TransferPosted': {
      const data = event.data as TransferPosted['data'];
      return transferPostings(event.id, event, data.transfer, data.posted);
    }
    case 'TransferGroupSubmitted': {
      const data = event.data as TransferGroupSubmitted['data'];
      return data.legs.flatMap((leg) =>
        leg.batch
          ? transferPostings(
              `${event.id}:${leg.transfer.transferId}`,
              event,
              leg.transfer,
              leg.transfer.amount,
            )
          : [],
      );
    }
    case 'CoopSettlementConfirmed':
      return settlementPostings(event, event.data as CoopSettlementConfirmed['data']);
    default:
      return [];
  }
}
