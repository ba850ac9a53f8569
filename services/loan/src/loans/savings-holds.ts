import { catalog } from '@kopfed/contracts';
import { DomainError } from '@kopfed/domain';
import { integrationEventHandler } from '@kopfed/messaging';
import type { ServiceInstance, ServiceModuleDeps } from '@kopfed/service-kit';
import type { LoanRepository } from './loan-repository';

export const SAVINGS_HOLDS_GROUP = 'loan.savings-holds';

type Consumption = NonNullable<ServiceInstance['consumes']>[number];

/**
 * A secured loan asks for its hold with LoanCollateralHoldRequested, the hold named by the loan
 * id; when the savings service publishes SavingsHoldPlaced with that hold id, the loan records
 * it (as `POST …/collateral-holds` would), once per message. Holds placed for anything else
 * (inter-coop payments, another coop's loan) are not this service's business and are skipped,
 * as is a hold the loan refuses (another account, a loan already disbursed): the refusal is
 * logged, and staff settle it over HTTP.
 */
export function savingsHoldsConsumption(
  loans: LoanRepository,
  logger: ServiceModuleDeps['logger'],
): Consumption {
  return {
    topic: catalog.topicOf('savings'),
    group: SAVINGS_HOLDS_GROUP,
    handler: integrationEventHandler(catalog, async (event) => {
      if (event.name !== 'SavingsHoldPlaced') return;
      const d = event.data;
      const { state, revision } = await loans.load(d.holdId);
      if (revision === undefined || state.coopId !== d.coopId || state.collateral === null) return;
      try {
        await loans.execute(
          d.holdId,
          {
            type: 'RecordCollateralHold',
            holdId: d.holdId,
            savingsAccountId: d.accountId,
            amount: BigInt(d.amount.amount),
            placedOn: d.businessDate,
          },
          {
            metadata: {
              correlationId: event.envelope.correlationid,
              causationId: event.envelope.id,
              coopId: d.coopId,
            },
            idempotencyKey: event.envelope.id,
            businessDate: d.businessDate,
          },
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        logger.warn(
          { loanId: d.holdId, code: error.code, eventId: event.envelope.id },
          'savings hold not recorded on the loan',
        );
      }
    }),
  };
}
