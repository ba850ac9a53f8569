import { catalog } from '@kopfed/contracts';
import { DomainError } from '@kopfed/domain';
import type { EventStore, RecordedEvent } from '@kopfed/eventstore';
import { integrationEventHandler } from '@kopfed/messaging';
import type { ServiceInstance, ServiceModuleDeps } from '@kopfed/service-kit';
import { addDays } from '../shared/dates';
import { CLOSE_OF_BUSINESS_CALENDAR, loanStream } from '../shared/streams';
import { LOAN_EVENT_TYPES, type LoanEvent, type StoredInstallment } from './loan-events';
import { evolveLoan } from './loan-evolve';
import type { LoanCommand } from './loan-commands';
import type { LoanRepository } from './loan-repository';
import { initialLoanState } from './loan-state';
import { closesAfter, MAX_DAYS_CHARGED_AGAIN } from './repayment-reversal';

export const SAVINGS_DEBITS_GROUP = 'loan.savings-debits';

type Consumption = NonNullable<ServiceInstance['consumes']>[number];
const LOAN_TYPES: ReadonlySet<string> = new Set(LOAN_EVENT_TYPES);

/**
 * A repayment from savings is booked on the loan when the loan asks savings to debit the
 * account (LoanRepaid via savings); SavingsDebitRefused is savings' answer when its rules
 * refused the debit. The loan records it once per message (RecordRepaymentRefused,
 * repayment-reversal.ts), reading from its stream the repayment the refusal names (by the
 * LoanRepaid event's id), the installments just before it and what was recorded after it.
 * A written-off loan's recovery savings refused is found the same way (RecordRecoveryRefused).
 */
export function savingsDebitsConsumption(
  loans: LoanRepository,
  store: EventStore,
  logger: ServiceModuleDeps['logger'],
): Consumption {
  return {
    topic: catalog.topicOf('savings'),
    group: SAVINGS_DEBITS_GROUP,
    handler: integrationEventHandler(
      catalog,
      async (event) => {
        if (event.name !== 'SavingsDebitRefused') return;
        const d = event.data;
        const { state, revision } = await loans.load(d.loanId);
        if (revision === undefined || state.coopId !== d.coopId) return;
        const refusal = {
          savingsAccountId: d.accountId,
          reason: d.reason,
          detail: d.detail,
          refusedOn: d.businessDate,
        };
        const command: LoanCommand =
          d.request === 'LoanRepaid'
            ? {
                type: 'RecordRepaymentRefused',
                repaymentId: d.requestId,
                ...refusal,
                ...(await repaymentHistory(store, d.loanId, d.requestId)),
              }
            : {
                type: 'RecordRecoveryRefused',
                recoveryId: d.requestId,
                ...refusal,
                recovery: await recovery(store, d.loanId, d.requestId),
              };
        try {
          await loans.execute(d.loanId, command, {
            metadata: {
              correlationId: event.envelope.correlationid,
              causationId: event.envelope.id,
              coopId: d.coopId,
            },
            idempotencyKey: event.envelope.id,
            businessDate: d.businessDate,
          });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          logger.warn(
            { loanId: d.loanId, code: error.code, eventId: event.envelope.id },
            'refused savings debit not recorded on the loan',
          );
        }
      },
      { only: ['SavingsDebitRefused'] },
    ),
  };
}

/**
 * The repayment recorded as event `repaymentId` on the loan, the installments just before it
 * and the loan's events after it; no repayment if the loan recorded none by that id.
 */
async function repaymentHistory(
  store: EventStore,
  loanId: string,
  repaymentId: string,
): Promise<{
  repayment: Extract<LoanEvent, { type: 'LoanRepaid' }>['data'] | null;
  scheduleBefore: StoredInstallment[];
  later: LoanEvent[];
  closedSince: string[];
}> {
  const recorded = await store.readStream(loanStream(loanId));
  const at = recorded.findIndex((e) => e.id === repaymentId && e.type === 'LoanRepaid');
  if (at < 0) return { repayment: null, scheduleBefore: [], later: [], closedSince: [] };
  const loanEvent = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as LoanEvent;
  const before = recorded
    .slice(0, at)
    .filter((e) => LOAN_TYPES.has(e.type))
    .map(loanEvent);
  const state = before.reduce(evolveLoan, initialLoanState());
  const later = recorded
    .slice(at + 1)
    .filter((e) => LOAN_TYPES.has(e.type))
    .map(loanEvent);
  // The last close the loan recorded before the repayment, or the eve of its disbursement.
  const closedBefore =
    state.lateCharges?.closedThrough ?? (state.disbursedOn && addDays(state.disbursedOn, -1));
  return {
    repayment: loanEvent(recorded[at]!).data as Extract<LoanEvent, { type: 'LoanRepaid' }>['data'],
    scheduleBefore: state.installments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      principal: i.principal.toString(),
      interest: i.interest.toString(),
    })),
    later,
    closedSince: closesAfter(await closedAfter(store, closedBefore), closedBefore, later),
  };
}

const CALENDAR_PAGE = 100;

/** The business dates closed after `date` (every one if null), newest first, bounded. */
async function closedAfter(store: EventStore, date: string | null): Promise<string[]> {
  const dates: string[] = [];
  let fromRevision: number | undefined;
  for (let pages = 0; pages < Math.floor(MAX_DAYS_CHARGED_AGAIN / CALENDAR_PAGE); pages++) {
    const page = await store.readStream(CLOSE_OF_BUSINESS_CALENDAR, {
      direction: 'backwards',
      maxCount: CALENDAR_PAGE,
      ...(fromRevision === undefined ? {} : { fromRevision }),
    });
    for (const e of page) {
      const closed = (e.data as { businessDate: string }).businessDate;
      if (date !== null && closed <= date) return dates;
      dates.push(closed);
    }
    if (page.length < CALENDAR_PAGE) return dates;
    fromRevision = page[page.length - 1]!.revision - 1;
  }
  return dates;
}

/** The recovery recorded as event `recoveryId` on the loan, if any. */
async function recovery(
  store: EventStore,
  loanId: string,
  recoveryId: string,
): Promise<Extract<LoanEvent, { type: 'LoanRecovered' }>['data'] | null> {
  const recorded = await store.readStream(loanStream(loanId));
  const found = recorded.find((e) => e.id === recoveryId && e.type === 'LoanRecovered');
  return found ? (found.data as Extract<LoanEvent, { type: 'LoanRecovered' }>['data']) : null;
}
