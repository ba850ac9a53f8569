import { MONEY_MAX_DIGITS } from '@kopfed/contracts';
import { conflict, DomainError, rejected } from '@kopfed/domain';
import { loanExceedsCap, rateCapOn } from '../policies/rate-cap';
import { versionOn } from '../products/product.decider';
import { effectiveRateOf } from '../schedule/preview';
import { buildSchedule } from '../schedule/schedule';
import { percentOf } from '../shared/rate';
import type { Application, BorrowerFacts, LoanCommand } from './loan-commands';
import type { Borrower, Funds, LoanEvent } from './loan-events';
import type { LoanState } from './loan-state';

type Command<T extends LoanCommand['type']> = Extract<LoanCommand, { type: T }>;

/**
 * The most the whole loan book may have outstanding, every coop's loans together: 18 digits,
 * as money on the wire, so the portfolio's sums (a coop's, a subtree's, the federation's) can
 * always be stated.
 */
export const MAX_BOOK_PRINCIPAL = 10n ** BigInt(MONEY_MAX_DIGITS) - 1n;

/** Apply: who may borrow, what the product allows, and the rate cap on this very loan. */
export function apply(
  application: Application,
  state: LoanState,
  origin: 'kopfed' | 'sync',
): LoanEvent {
  if (state.status !== 'none') throw conflict('loan_exists', 'this loan already exists');
  const borrower = eligibleBorrower(application.facts, application.coopId);
  const { terms } = versionOn(application.product, application.appliedOn);
  const { principal, termMonths, graceMonths } = application;
  if (principal < BigInt(terms.minPrincipal) || principal > BigInt(terms.maxPrincipal))
    throw rejected(
      'principal_out_of_range',
      `the product lends from ${terms.minPrincipal} to ${terms.maxPrincipal}`,
      '/principal/amount',
    );
  if (termMonths < terms.minTermMonths || termMonths > terms.maxTermMonths)
    throw rejected(
      'term_out_of_range',
      `the product runs from ${terms.minTermMonths} to ${terms.maxTermMonths} months`,
      '/termMonths',
    );
  if (graceMonths > terms.maxGraceMonths || graceMonths >= termMonths)
    throw rejected(
      'grace_out_of_range',
      `the product allows up to ${terms.maxGraceMonths} grace months, and one month must repay`,
      '/graceMonths',
    );
  const share = terms.collateralSharePercent;
  const secured = percentOf(principal, share) > 0n;
  if (secured && application.collateralSavingsAccountId === null)
    throw rejected(
      'collateral_required',
      `the product requires a hold on the borrower's savings for ${share}% of the principal`,
      '/collateral',
    );
  const scheduleTerms = {
    method: terms.method,
    principal,
    annualRatePercent: terms.annualRatePercent,
    termMonths,
    graceMonths,
    disbursementDate: application.appliedOn,
  };
  const rate = effectiveRateOf(scheduleTerms, buildSchedule(scheduleTerms));
  const cap = rateCapOn(application.appliedOn, application.rateCaps, '/appliedOn');
  if (loanExceedsCap(scheduleTerms, cap))
    throw rejected(
      'rate_cap_exceeded',
      `this loan's effective annual rate is ${rate}% (rounded), above the ${cap.maxEffectiveAnnualRatePercent}% cap (${cap.version})`,
      '/termMonths',
      { effectiveAnnualRatePercent: rate, capPercent: cap.maxEffectiveAnnualRatePercent },
    );
  return {
    type: 'LoanApplied',
    data: {
      loanId: application.loanId,
      coopId: application.coopId,
      memberId: application.memberId,
      borrower,
      productCode: application.productCode,
      terms,
      principal: principal.toString(),
      termMonths,
      graceMonths,
      effectiveAnnualRatePercent: rate,
      collateral:
        secured && application.collateralSavingsAccountId !== null
          ? {
              savingsAccountId: application.collateralSavingsAccountId,
              required: percentOf(principal, share).toString(),
            }
          : null,
      appliedOn: application.appliedOn,
      appliedBy: application.appliedBy,
      origin,
      externalId: application.externalId,
    },
  };
}

/**
 * Closed loop (BRIEF §5): a coop lends only to its own members — people at a primary coop,
 * member coops at a secondary (or tertiary) one, and those only under a cooperation agreement
 * in force. A secondary never lends to individuals.
 */
export function eligibleBorrower(facts: BorrowerFacts, coopId: string): Borrower {
  const { lender, member } = facts;
  if (!lender)
    throw rejected('coop_unknown', 'the member service has not reported this coop', '/coopId');
  if (lender.status !== 'active')
    throw rejected('coop_not_active', `the coop is ${lender.status}, not active`, '/coopId');
  if (!member || member.coopId !== coopId)
    throw rejected('borrower_not_member', 'the borrower is not a member of this coop', '/memberId');
  if (member.left) throw rejected('borrower_left', 'the borrower has left the coop', '/memberId');
  if (member.kind === 'person') {
    if (lender.kind !== 'primary')
      throw rejected(
        'secondary_serves_coops',
        'a secondary coop lends to its member coops, never to individuals',
        '/memberId',
      );
    return { kind: 'person' };
  }
  if (!member.memberCoopId || facts.memberCoop?.status !== 'active')
    throw rejected('member_coop_not_active', 'the member coop is not active', '/memberId');
  if (!facts.agreement)
    throw rejected(
      'no_cooperation_agreement',
      'inter-coop lending needs a cooperation agreement in force on the application date',
      '/memberId',
    );
  return {
    kind: 'coop',
    memberCoopId: member.memberCoopId,
    agreementId: facts.agreement.agreementId,
  };
}

/**
 * Closed loop at the payout too: a member who has left since applying, a coop no longer
 * active, or a member coop whose cooperation agreement is no longer in force is not paid out.
 */
function stillEligible(facts: BorrowerFacts, coopId: string, on: string): void {
  try {
    eligibleBorrower(facts, coopId);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw rejected(error.code, `on ${on}, the disbursement date: ${error.message}`);
  }
}

/** Maker-checker: whoever applied may not approve. */
export function approve(command: Command<'ApproveLoan'>, state: LoanState): LoanEvent[] {
  if (state.status !== 'applied')
    throw conflict('loan_not_applied', `the loan is ${state.status}, not awaiting approval`);
  if (command.approvedBy === state.appliedBy)
    throw rejected('maker_checker', 'the one who applied for the loan cannot approve it');
  if (command.approvedOn < state.appliedOn)
    throw rejected(
      'approved_before_applied',
      'a loan is approved after it is applied for',
      '/approvedOn',
    );
  const events: LoanEvent[] = [
    {
      type: 'LoanApproved',
      data: { approvedBy: command.approvedBy, approvedOn: command.approvedOn },
    },
  ];
  if (state.collateral)
    events.push({
      type: 'LoanCollateralHoldRequested',
      data: {
        holdId: state.loanId,
        savingsAccountId: state.collateral.savingsAccountId,
        amount: state.collateral.required.toString(),
        requestedOn: command.approvedOn,
      },
    });
  return events;
}

export function reject(command: Command<'RejectLoan'>, state: LoanState): LoanEvent[] {
  if (state.status !== 'applied' && state.status !== 'approved')
    throw conflict(
      'loan_not_pending',
      `the loan is ${state.status}; only a pending loan is rejected`,
    );
  const events: LoanEvent[] = [
    {
      type: 'LoanRejected',
      data: {
        rejectedBy: command.rejectedBy,
        rejectedOn: command.rejectedOn,
        reason: command.reason,
      },
    },
  ];
  if (state.collateral && (state.collateral.requested || state.collateral.held > 0n))
    events.push({
      type: 'LoanCollateralHoldReleased',
      data: {
        holdId: state.collateral.holdId,
        savingsAccountId: state.collateral.savingsAccountId,
        released: state.collateral.held.toString(),
        releasedOn: command.rejectedOn,
      },
    });
  return events;
}

/** The savings service placed the hold (reported by its event, or by staff): it secures the loan. */
export function recordHold(
  command: Command<'RecordCollateralHold'>,
  state: LoanState,
): LoanEvent[] {
  const collateral = state.collateral;
  if (!collateral) throw conflict('loan_not_secured', 'this loan needs no savings hold');
  if (state.status !== 'approved' && state.status !== 'active')
    throw conflict('loan_not_approved', `the loan is ${state.status}`);
  if (command.savingsAccountId !== collateral.savingsAccountId)
    throw rejected(
      'wrong_savings_account',
      `the loan is secured by savings account ${collateral.savingsAccountId}`,
      '/savingsAccountId',
    );
  if (collateral.holdId === command.holdId && collateral.held === command.amount) return [];
  if (state.status === 'active')
    throw conflict(
      'loan_already_disbursed',
      'the hold of a disbursed loan changes only with repayments',
    );
  return [
    {
      type: 'LoanCollateralHoldPlaced',
      data: {
        holdId: command.holdId,
        savingsAccountId: command.savingsAccountId,
        amount: command.amount.toString(),
        placedOn: command.placedOn,
      },
    },
  ];
}

/**
 * The hold that secured the loan ended in savings without the loan asking (released by staff,
 * expired, or captured by staff — the money taken out of savings, which reaches the loan only
 * as the repayment staff record for it): the loan holds nothing there any more, so it no longer secures the payout, is
 * no longer deducted before provisioning, and no longer stands in the way of a write-off. Any
 * other hold, or one already ended, is nothing to the loan.
 */
export function recordHoldEnded(
  command: Command<'RecordCollateralHoldEnded'>,
  state: LoanState,
): LoanEvent[] {
  const collateral = state.collateral;
  if (
    !collateral ||
    collateral.held === 0n ||
    collateral.holdId !== command.holdId ||
    collateral.savingsAccountId !== command.savingsAccountId
  )
    return [];
  return [
    {
      type: 'LoanCollateralHoldEnded',
      data: {
        holdId: command.holdId,
        savingsAccountId: command.savingsAccountId,
        released: collateral.held.toString(),
        reason: command.reason,
        endedOn: command.endedOn,
      },
    },
  ];
}

function sameFunds(a: Funds, b: Funds | null): boolean {
  if (b === null || a.kind !== b.kind) return false;
  if (a.kind !== 'savings' || b.kind !== 'savings') return true;
  return a.savingsAccountId === b.savingsAccountId && a.productCode === b.productCode;
}

/** Pays the principal less the fee out to `via` and fixes the schedule from the payout date. */
export function disburse(command: Command<'DisburseLoan'>, state: LoanState): LoanEvent[] {
  if (
    state.disbursedOn !== null &&
    command.externalId !== null &&
    command.externalId === state.disbursementExternalId
  ) {
    if (command.disbursedOn === state.disbursedOn && sameFunds(command.via, state.disbursedVia))
      return [];
    throw conflict(
      'disbursement_terms_differ',
      `this disbursement external id paid the loan out on ${state.disbursedOn}, to ${state.disbursedVia?.kind ?? 'unknown'}; a disbursement is not changed`,
    );
  }
  if (state.status !== 'approved')
    throw conflict(
      'loan_not_approved',
      `the loan is ${state.status}; only an approved loan is disbursed`,
    );
  if (command.disbursedOn < (state.approvedOn ?? state.appliedOn))
    throw rejected(
      'disbursed_before_approved',
      'a loan is disbursed after its approval',
      '/disbursedOn',
    );
  stillEligible(command.facts, state.coopId, command.disbursedOn);
  const refused = state.collateral?.refused;
  if (refused)
    throw rejected(
      'collateral_refused',
      `the savings service refused the hold securing the loan on ${refused.refusedOn} (${refused.reason}: ${refused.detail}); place it in savings under the loan id, or reject the loan`,
      undefined,
      { reason: refused.reason, refusedOn: refused.refusedOn },
    );
  if (state.collateral && state.collateral.held < state.collateral.required)
    throw rejected(
      'collateral_not_held',
      `the savings hold (${state.collateral.held}) does not yet secure the required ${state.collateral.required}`,
    );
  const book = command.bookOutstandingPrincipal + state.principal;
  if (book > MAX_BOOK_PRINCIPAL)
    throw rejected(
      'loan_book_limit_exceeded',
      `paying out ${state.principal} would take the outstanding principal of the loan book to ${book} rupiah; it holds at most ${MAX_BOOK_PRINCIPAL} (${MONEY_MAX_DIGITS} digits)`,
      undefined,
      {
        limit: MAX_BOOK_PRINCIPAL.toString(),
        bookOutstandingPrincipal: command.bookOutstandingPrincipal.toString(),
        principal: state.principal.toString(),
      },
    );
  const terms = state.terms!;
  const installments = buildSchedule({
    method: terms.method,
    principal: state.principal,
    annualRatePercent: terms.annualRatePercent,
    termMonths: state.termMonths,
    graceMonths: state.graceMonths,
    disbursementDate: command.disbursedOn,
  });
  return [
    {
      type: 'LoanDisbursed',
      data: {
        principal: state.principal.toString(),
        borrower: state.borrower,
        origin: state.origin,
        method: terms.method,
        annualRatePercent: terms.annualRatePercent,
        termMonths: state.termMonths,
        graceMonths: state.graceMonths,
        disbursedOn: command.disbursedOn,
        via: command.via,
        fee: percentOf(state.principal, terms.disbursementFeePercent).toString(),
        installments: installments.map((i) => ({
          number: i.number,
          dueDate: i.dueDate,
          principal: i.principal.toString(),
          interest: i.interest.toString(),
        })),
        disbursedBy: command.disbursedBy,
        externalId: command.externalId,
      },
    },
  ];
}
