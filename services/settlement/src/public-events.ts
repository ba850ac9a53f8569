import { catalog, type EventName } from '@kopfed/contracts';
import type { RecordedEvent } from '@kopfed/eventstore';
import { publicEventEncoder, type PublicEvent } from '@kopfed/messaging';
import type { ShuEvent } from '@kopfed/year-end';
import type {
  BatchClosed,
  CoopSettlementConfirmed,
  LiquidityLoanRequested,
} from './batches/batch-events';
import type {
  NetDebitAlarmRaised,
  TransferGroupSubmitted,
  TransferPosted,
  TransferVoided,
} from './clearing/model';

type Published = PublicEvent<EventName>;

/**
 * Which stored events are public (contracts/src/events/settlement), in their contract's
 * shape; a year's SHU distribution is, so the savings service credits each member's share.
 * Ledgers, mappings, limits, reconciliation, payments and idempotency records stay
 * private: the books are read through the API.
 */
export function toPublic(event: RecordedEvent): Published | undefined {
  switch (event.type) {
    case 'TransferPosted': {
      const { transfer: t, posted, batch, postedAt } = event.data as TransferPosted['data'];
      return {
        name: 'InterCoopTransferPosted',
        subject: t.transferId,
        data: {
          transferId: t.transferId,
          parentCoopId: t.parentCoopId,
          fromCoopId: t.fromCoopId,
          toCoopId: t.toCoopId,
          amount: posted,
          reserved: t.pending ? t.amount : null,
          settlementModel: t.model,
          batchId: batch.batchId,
          reference: t.reference,
          postedAt,
        },
      };
    }
    case 'TransferVoided': {
      const { transfer: t, reason, voidedAt } = event.data as TransferVoided['data'];
      const { transferId, parentCoopId, fromCoopId, toCoopId } = t;
      return {
        name: 'InterCoopTransferVoided',
        subject: transferId,
        data: {
          transferId,
          parentCoopId,
          fromCoopId,
          toCoopId,
          released: t.amount,
          reason,
          voidedAt,
        },
      };
    }
    case 'TransferGroupSubmitted': {
      const { groupId, parentCoopId, legs, submittedAt } =
        event.data as TransferGroupSubmitted['data'];
      const transfers = legs.map(({ transfer: t, batch }) => ({
        transferId: t.transferId,
        fromCoopId: t.fromCoopId,
        toCoopId: t.toCoopId,
        amount: t.amount,
        status: batch ? 'posted' : 'pending',
        batchId: batch?.batchId ?? null,
        reference: t.reference,
      }));
      return {
        name: 'InterCoopTransferGroupSubmitted',
        subject: groupId,
        data: { groupId, parentCoopId, transfers, submittedAt },
      };
    }
    case 'BatchClosed': {
      const { batch, positions, transferCount, total, closedAt } =
        event.data as BatchClosed['data'];
      const { batchId, parentCoopId, model, currency, windowStart, windowEnd } = batch;
      return {
        name: 'SettlementBatchClosed',
        subject: batchId,
        data: {
          batchId,
          parentCoopId,
          settlementModel: model,
          currency,
          windowStart,
          windowEnd,
          transferCount,
          total,
          positions,
          closedAt,
        },
      };
    }
    case 'CoopSettlementConfirmed': {
      const d = event.data as CoopSettlementConfirmed['data'];
      return {
        name: 'CoopSettlementConfirmed',
        subject: d.batchId,
        data: {
          batchId: d.batchId,
          parentCoopId: d.parentCoopId,
          coopId: d.coopId,
          bankReference: d.bankReference,
          settledOn: d.settledOn,
          instructions: d.instructions.map(
            ({ direction, amount, counterpartyCoopId, reference }) => ({
              direction,
              amount,
              counterpartyCoopId,
              reference,
            }),
          ),
          batchSettled: d.lastToSettle,
        },
      };
    }
    case 'NetDebitAlarmRaised': {
      const d = event.data as NetDebitAlarmRaised['data'];
      return { name: 'NetDebitAlarmRaised', subject: d.coopId, data: d };
    }
    case 'LiquidityLoanRequested': {
      const d = event.data as LiquidityLoanRequested['data'];
      return { name: 'LiquidityLoanRequested', subject: d.coopId, data: d };
    }
    case 'ShuDistributed': {
      const d = event.data as Extract<ShuEvent, { type: 'ShuDistributed' }>['data'];
      return {
        name: 'ShuDistributed',
        subject: `${d.coopId}/${d.financialYear}`,
        data: {
          coopId: d.coopId,
          financialYear: d.financialYear,
          simulationId: d.simulationId,
          currency: d.currency,
          credits: d.credits.map(({ memberId, amount }) => ({
            memberId,
            amount: { amount, currency: d.currency },
          })),
          businessDate: d.businessDate,
          distributedAt: d.distributedAt,
        },
      };
    }
    default:
      return undefined;
  }
}

export const settlementPublication = {
  topic: catalog.topicOf('settlement'),
  encode: publicEventEncoder(catalog, toPublic),
};
