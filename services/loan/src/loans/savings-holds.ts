import { catalog } from '@kopfed/contracts';
import { DomainError } from '@kopfed/domain';
import { integrationEventHandler } from '@kopfed/messaging';
import type { ServiceInstance, ServiceModuleDeps } from '@kopfed/service-kit';
import type { LoanCommand } from './loan-commands';
import type { LoanRepository } from './loan-repository';

export const SAVINGS_HOLDS_GROUP = 'loan.savings-holds';

type Consumption = NonNullable<ServiceInstance['consumes']>[number];

/**
 * A secured loan asks for its hold with LoanCollateralHoldRequested, the hold named by the loan
 * id; when the savings service publishes SavingsHoldPlaced with that hold id, the loan records
 * it (as `POST …/collateral-holds` would), once per message. Holds placed for anything else
 * (inter-coop payments, another coop's loan) are not this service's business and are skipped,
 * as is a hold the loan refuses (another account, a loan already disbursed): the refusal is
 * logged, and staff settle it over HTTP. SavingsHoldReleased for the loan's hold (staff released
 * it in savings, or it expired), and SavingsWithdrawn capturing it, are recorded as
 * LoanCollateralHoldEnded: the loan counts it no more. The captured money is not applied to the
 * loan here: staff record it as a repayment (or recovery) from where the capture sent it.
 * SavingsHoldRefused (savings' rules refused the requested hold) is recorded as
 * LoanCollateralHoldRefused: the loan is not secured, and is not paid out.
 */
export function savingsHoldsConsumption(
  loans: LoanRepository,
  logger: ServiceModuleDeps['logger'],
): Consumption {
  return {
    topic: catalog.topicOf('savings'),
    group: SAVINGS_HOLDS_GROUP,
    handler: integrationEventHandler(
      catalog,
      async (event) => {
        if (event.name === 'SavingsHoldPlaced') {
          const d = event.data;
          await record(event, d.holdId, d.coopId, d.businessDate, {
            type: 'RecordCollateralHold',
            holdId: d.holdId,
            savingsAccountId: d.accountId,
            amount: BigInt(d.amount.amount),
            placedOn: d.businessDate,
          });
        } else if (event.name === 'SavingsHoldReleased') {
          const d = event.data;
          await record(event, d.holdId, d.coopId, d.businessDate, {
            type: 'RecordCollateralHoldEnded',
            holdId: d.holdId,
            savingsAccountId: d.accountId,
            reason: d.reason,
            endedOn: d.businessDate,
          });
        } else if (event.name === 'SavingsWithdrawn' && event.data.hold) {
          // A captured hold: its money left savings (to `via`), the hold with it.
          const d = event.data;
          const holdId = event.data.hold.holdId;
          await record(event, holdId, d.coopId, d.businessDate, {
            type: 'RecordCollateralHoldEnded',
            holdId,
            savingsAccountId: d.accountId,
            reason: 'captured',
            endedOn: d.businessDate,
          });
        } else if (event.name === 'SavingsHoldRefused') {
          const d = event.data;
          await record(event, d.loanId, d.coopId, d.businessDate, {
            type: 'RecordCollateralHoldRefused',
            holdId: d.holdId,
            savingsAccountId: d.accountId,
            amount: BigInt(d.amount.amount),
            reason: d.reason,
            detail: d.detail,
            refusedOn: d.businessDate,
          });
        }
      },
      {
        only: [
          'SavingsHoldPlaced',
          'SavingsHoldReleased',
          'SavingsWithdrawn',
          'SavingsHoldRefused',
        ],
      },
    ),
  };

  /** Records what savings did to the hold named by a loan id on that loan, once per message. */
  async function record(
    event: { envelope: { id: string; correlationid: string } },
    loanId: string,
    coopId: string,
    businessDate: string,
    command: LoanCommand,
  ): Promise<void> {
    const { state, revision } = await loans.load(loanId);
    if (revision === undefined || state.coopId !== coopId || state.collateral === null) return;
    try {
      await loans.execute(loanId, command, {
        metadata: {
          correlationId: event.envelope.correlationid,
          causationId: event.envelope.id,
          coopId,
        },
        idempotencyKey: event.envelope.id,
        businessDate,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      logger.warn(
        { loanId, code: error.code, eventId: event.envelope.id },
        'savings hold not recorded on the loan',
      );
    }
  }
}
