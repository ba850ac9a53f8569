import { UnprocessableMessageError } from '@kopfed/bus';
import { catalog, type ReceivedEvent } from '@kopfed/contracts';
import { DomainError, rejected } from '@kopfed/domain';
import { integrationEventHandler } from '@kopfed/messaging';
import type { ServiceInstance, ServiceModuleDeps } from '@kopfed/service-kit';
import { accountStream } from '../accounts/account-context';
import type { AccountCommand } from '../accounts/account-commands';
import { eventIdsFor, type AccountService, type Actor } from '../accounts/account-service';
import type { IsoDate } from '../shared/dates';
import { recordLoanDebitRefusal } from './loan-debit-refusals';
import { recordLoanHoldRefusal } from './loan-hold-refusals';

type Consumption = NonNullable<ServiceInstance['consumes']>[number];
type Received = ReceivedEvent<(typeof catalog.definitions)[number]>;

/**
 * A loan's collateral hold lasts until the loan lets it go (repaid, or never disbursed), however
 * long the loan runs after a restructuring: it never lapses on its own.
 */
export const LOAN_HOLD_EXPIRY = '9999-12-31T16:59:59.999Z';

/** The loan side's money goes through funds in transit: the books pair the two sides there. */
const LOAN_FUNDS = 'settlement_in_transit';

/**
 * What the savings service does for the loan service's events (contracts/src/events/loan):
 * a payout into a savings account credits it, a repayment or recovery taken from one debits it
 * (never below what the product allows) on the day the loan took it, and a secured loan's hold
 * is placed under the loan's hold id, shrunk as principal is repaid, and released. Each effect's event ids derive from the
 * message's envelope id, so a redelivered message changes nothing. A hold savings must refuse
 * (no such account, not the borrower's, not enough available, closed) is reported back to the
 * loan as SavingsHoldRefused (loan-hold-refusals.ts), and a repayment or recovery debit it must
 * refuse (not enough available, closed or frozen, before the account opened, …) as
 * SavingsDebitRefused (loan-debit-refusals.ts); any other message savings must refuse is
 * logged and dead-lettered for staff. Nothing is ever half applied.
 */
export class LoanConsumers {
  static readonly GROUP = 'savings.loans';

  constructor(
    private readonly service: AccountService,
    private readonly logger: ServiceModuleDeps['logger'],
  ) {}

  consumption(): Consumption {
    return {
      topic: catalog.topicOf('loan'),
      group: LoanConsumers.GROUP,
      handler: integrationEventHandler(catalog, (event) => this.handle(event)),
    };
  }

  private async handle(event: Received): Promise<void> {
    const s = this.service;
    switch (event.name) {
      case 'LoanDisbursed': {
        const d = event.data;
        if (d.via.kind !== 'savings' || d.netAmount.amount === '0') return;
        const accountId = d.via.savingsAccountId;
        const amount = BigInt(d.netAmount.amount);
        // Credited on the day the loan's books pay it out, however late the message arrives.
        const on = d.disbursedOn < s.accounts.today() ? d.disbursedOn : undefined;
        await this.apply(event, accountId, (actor) =>
          s.deposit(
            d.coopId,
            accountId,
            {
              amount,
              via: LOAN_FUNDS,
              reference: `loan ${d.loanId} disbursed`,
              ...(on ? { on } : {}),
            },
            actor,
          ),
        );
        return;
      }
      case 'LoanRepaid':
      case 'LoanRecovered': {
        const d = event.data;
        if (d.via.kind !== 'savings') return;
        const accountId = d.via.savingsAccountId;
        const [what, on] =
          event.name === 'LoanRepaid'
            ? ['repaid', event.data.paidOn]
            : ['recovered', event.data.recoveredOn];
        await this.apply(
          event,
          accountId,
          (actor) =>
            this.debit(
              d.coopId,
              accountId,
              {
                amount: BigInt(d.amount.amount),
                reference: `loan ${d.loanId} ${what}`,
                withdrawalId: event.envelope.id,
                on,
              },
              actor,
            ),
          {
            // The loan booked the payment when it asked: a refusal is its answer
            // (SavingsDebitRefused), so the loan takes the payment back.
            report: (error, actor) =>
              recordLoanDebitRefusal(
                s.accounts.store,
                {
                  coopId: d.coopId,
                  accountId,
                  memberId: d.memberId,
                  loanId: d.loanId,
                  request: event.name,
                  requestId: event.envelope.id,
                  amount: d.amount.amount,
                  requestedOn: on,
                  reason: error.code,
                  detail: error.message.slice(0, 500),
                  on: s.accounts.today(),
                },
                actor.metadata,
              ),
          },
        );
        return;
      }
      case 'LoanCollateralHoldRequested': {
        const d = event.data;
        await this.apply(
          event,
          d.savingsAccountId,
          (actor) =>
            s.placeHold(
              d.coopId,
              d.savingsAccountId,
              {
                holdId: d.holdId,
                amount: BigInt(d.amount.amount),
                reason: `collateral for loan ${d.loanId}`,
                expiresAt: LOAN_HOLD_EXPIRY,
              },
              actor,
            ),
          {
            // The loan waits for its hold: a refusal is its answer (SavingsHoldRefused).
            report: (error, actor) =>
              recordLoanHoldRefusal(
                s.accounts.store,
                event.envelope.id,
                {
                  coopId: d.coopId,
                  accountId: d.savingsAccountId,
                  memberId: d.memberId,
                  loanId: d.loanId,
                  holdId: d.holdId,
                  amount: d.amount.amount,
                  reason: error.code,
                  detail: error.message.slice(0, 500),
                  on: s.accounts.today(),
                },
                actor.metadata,
              ),
          },
        );
        return;
      }
      case 'LoanCollateralHoldReduced': {
        const d = event.data;
        await this.apply(event, d.savingsAccountId, (actor) =>
          s.reduceHold(
            d.coopId,
            d.savingsAccountId,
            { holdId: d.holdId, amount: BigInt(d.amount.amount) },
            actor,
          ),
        );
        return;
      }
      case 'LoanCollateralHoldReleased': {
        const d = event.data;
        // Unreported placement: the hold savings placed, if any, carries the requested id,
        // which is the loan id.
        const holdId = d.holdId ?? d.loanId;
        await this.apply(
          event,
          d.savingsAccountId,
          (actor) => s.releaseHold(d.coopId, d.savingsAccountId, holdId, actor),
          // Nothing held (its request was refused) or nothing held any more: nothing to release.
          { nothingToDo: ['hold-not-found', 'hold-captured'] },
        );
        return;
      }
      default:
        return;
    }
  }

  /**
   * Takes a repayment or recovery from savings on the business date the loan's books took it
   * (`on`), so the loan and the account agree on the day the money moved however late the
   * message comes. Dated on savings' today if the loan's clock ran ahead of it (never in the
   * future); refused before the account opened (`before-opening`: reported to the loan). A
   * date savings already closed is kept: the statement line and the balance effective that day
   * include it, interest still to post counts it from that day, and interest already posted is
   * not recomputed (the debit earns from the day after the last posting, as a back-dated sync
   * item does). The product's rules and the available balance apply as they stand now;
   * maker-checker does not — the repayment was approved where it was taken.
   */
  private debit(
    coopId: string,
    accountId: string,
    input: { amount: bigint; reference: string; withdrawalId: string; on: IsoDate },
    actor: Actor,
  ) {
    const today = this.service.accounts.today();
    return this.service.run(
      coopId,
      accountId,
      (_account, ctx): AccountCommand => ({
        type: 'Withdraw',
        ...ctx,
        withdrawalId: input.withdrawalId,
        amount: input.amount,
        via: LOAN_FUNDS,
        reference: input.reference,
        externalId: null,
        requestedBy: actor.keyId,
        approvalThreshold: null,
      }),
      actor,
      input.on < today ? input.on : today,
    );
  }

  /**
   * Runs the effect of one loan event on one of the borrower's accounts, once. A refusal is
   * either this message applied before (its events are in the account's stream), a refusal
   * that means there is nothing to do (`nothingToDo`), a refusal the loan hears of (`report`
   * records it for the relay to publish), or final: logged and dead-lettered. Only savings'
   * business refusals (a DomainError) get that far: anything else, a write that lost a race
   * included, is thrown to the bus to be retried, then dead-lettered.
   */
  private async apply(
    event: Received & { data: { coopId: string; memberId: string; loanId: string } },
    accountId: string,
    effect: (actor: Actor) => Promise<unknown>,
    refusals: {
      nothingToDo?: readonly string[];
      report?: (error: DomainError, actor: Actor) => Promise<boolean>;
    } = {},
  ): Promise<void> {
    const { coopId, memberId, loanId } = event.data;
    const actor: Actor = {
      keyId: 'loan-service',
      metadata: {
        correlationId: event.envelope.correlationid,
        causationId: event.envelope.id,
        coopId,
      },
      idempotency: { scope: `loan:${coopId}`, key: event.envelope.id },
    };
    try {
      const account = await this.service.accounts.known(coopId, accountId);
      if (account.memberId !== memberId) {
        throw rejected(
          'not-borrowers-account',
          `Savings account ${accountId} belongs to member ${account.memberId}, not to borrower ${memberId}.`,
        );
      }
      await effect(actor);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === 'concurrency-conflict') throw error;
      if (await this.appliedBefore(actor, accountId)) return;
      const facts = { loanId, accountId, eventId: event.envelope.id, code: error.code };
      if (refusals.nothingToDo?.includes(error.code)) {
        this.logger.info(facts, `${event.name}: nothing to do in savings`);
        return;
      }
      if (refusals.report) {
        const recorded = await refusals.report(error, actor);
        this.logger.warn(
          { ...facts, reason: error.message, recorded },
          `${event.name} refused by savings; the loan is told`,
        );
        return;
      }
      this.logger.warn({ ...facts, reason: error.message }, `${event.name} refused by savings`);
      throw new UnprocessableMessageError(
        `${event.name} ${event.envelope.id} (loan ${loanId}, account ${accountId}): ${error.code}: ${error.message}`,
      );
    }
  }

  /** Whether this message's first event is already in the account's stream. */
  private async appliedBefore(actor: Actor, accountId: string): Promise<boolean> {
    const first = eventIdsFor(actor, accountId)?.(undefined, 0);
    const events = await this.service.accounts.store.readStream(accountStream(accountId));
    return events.some((e) => e.id === first);
  }
}
