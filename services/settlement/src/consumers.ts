import { catalog, type ReceivedEvent } from '@kopfed/contracts';
import type { EventMetadata } from '@kopfed/eventstore';
import { integrationEventHandler } from '@kopfed/messaging';
import type { ServiceInstance } from '@kopfed/service-kit';
import type { AgreementTable } from './clearing/engine/agreement-table';
import type { LimitsService } from './clearing/engine/limits-service';
import type { LedgerPoster } from './ledger/ledger-poster';
import { loanPosting, type LoanMoneyEvent } from './ledger/loan-postings';
import { coverChange, savingsPosting, type SavingsMoneyEvent } from './ledger/savings-postings';
import { moneyJson } from './shared/money';

type Received = ReceivedEvent<(typeof catalog.definitions)[number]>;

function savingsMoney(event: Received): SavingsMoneyEvent | undefined {
  switch (event.name) {
    case 'SavingsDeposited':
    case 'SavingsWithdrawn':
    case 'SavingsTransferred':
    case 'SavingsInterestPosted':
    case 'SavingsInterestTaxWithheld':
    case 'SavingsCharged':
      return event;
    default:
      return undefined;
  }
}

function loanMoney(event: Received): LoanMoneyEvent | undefined {
  switch (event.name) {
    case 'LoanDisbursed':
    case 'LoanInterestAccrued':
    case 'LoanRepaid':
    case 'LoanProvisionAdded':
    case 'LoanProvisionReleased':
    case 'LoanWrittenOff':
    case 'LoanRecovered':
    case 'LoanRepaymentReversed':
    case 'LoanRecoveryReversed':
      return event;
    default:
      return undefined;
  }
}

const metadataOf = (event: Received): EventMetadata => ({
  correlationId: event.envelope.correlationid,
  causationId: event.envelope.id,
  ...(event.envelope.coopid ? { coopId: event.envelope.coopid } : {}),
});

/**
 * The money events of the savings and loan services, posted into the coops' books once each
 * (the envelope id is the entry's source: the ledger posts a source at most once), the
 * member coops' deposits with their parent, which are their liquidity cover, and the
 * cooperation agreements the closed-loop rule consults.
 */
export function settlementConsumers(
  poster: LedgerPoster,
  limits: LimitsService,
  agreements: AgreementTable,
): NonNullable<ServiceInstance['consumes']>[number][] {
  return [
    {
      topic: catalog.topicOf('member'),
      group: 'settlement.cooperation-agreements',
      handler: integrationEventHandler(catalog, (received) => {
        switch (received.name) {
          case 'CooperationAgreementSigned':
            return agreements.signed(received.data);
          case 'CooperationAgreementTerminated':
            return agreements.terminated(received.data.agreementId, received.data.terminatedOn);
          default:
            return undefined;
        }
      }),
    },
    {
      topic: catalog.topicOf('savings'),
      group: 'settlement.books-savings',
      handler: integrationEventHandler(catalog, async (received) => {
        const event = savingsMoney(received);
        if (!event) return;
        const { id, time } = received.envelope;
        await poster.post([savingsPosting(event, id, time)], metadataOf(received));
        const counted = limits.configOf(event.data.coopId).coverProducts;
        const cover = coverChange(
          event,
          (product) => counted === null || counted.includes(product),
        );
        if (!cover) return;
        const change = moneyJson(cover.change.amountMinor, cover.change.currency);
        await limits.changeCover(
          cover.memberCoopId,
          event.data.coopId,
          change,
          { kind: 'savings', eventId: id },
          metadataOf(received),
          id,
        );
      }),
    },
    {
      topic: catalog.topicOf('loan'),
      group: 'settlement.books-loan',
      handler: integrationEventHandler(catalog, async (received) => {
        const event = loanMoney(received);
        if (!event) return;
        await poster.post(
          [loanPosting(event, received.envelope.id, received.envelope.time)],
          metadataOf(received),
        );
      }),
    },
  ];
}
