import { catalog } from '@kopfed/contracts';
import { invariant } from '@kopfed/domain';
import type { RecordedEvent } from '@kopfed/eventstore';
import { publicEventEncoder, type PublicEvent } from '@kopfed/messaging';
import { identityFromMetadata } from './loans/loan-identity';
import { LOAN_EVENT_TYPES, type LoanEvent } from './loans/loan-events';

type Name = (typeof catalog.definitions)[number]['name'];
const IDR = (amount: string) => ({ amount, currency: 'IDR' });
const LOAN_TYPES: ReadonlySet<string> = new Set(LOAN_EVENT_TYPES);

/**
 * Which loan events other services hear, in the words of contracts/src/events/loan. Each maps
 * onto a ledger movement (packages/ledger/src/posting/movements.ts): LoanDisbursed,
 * LoanInterestAccrued, LoanRepaid, LoanRepaymentReversed (a repayment savings refused to
 * debit, its mirror), LoanProvisionAdded/Released, LoanWrittenOff, LoanRecovered and
 * LoanRecoveryReversed post; penalties and fees post when collected (LoanRepaid); the collateral
 * events drive the savings holds. Applications, approvals, overdue marks, schedule
 * recomputations, late charges a back-dated repayment waived, holds the savings service ended on its own, products, sync records and close-of-business records stay private.
 */
export function toPublic(event: RecordedEvent): PublicEvent<Name> | undefined {
  if (!LOAN_TYPES.has(event.type) || !event.stream.startsWith('loan-')) return undefined;
  const loanId = event.stream.slice('loan-'.length);
  const e = { type: event.type, data: event.data } as LoanEvent;
  const identity = identityFromMetadata(event.metadata);
  const base = () => {
    invariant(identity, `loan event ${event.id} carries no loan identity in its metadata`);
    return { loanId, ...identity };
  };
  const published = (name: Name, data: Record<string, unknown>): PublicEvent<Name> => ({
    name,
    subject: loanId,
    data: { ...base(), ...data },
  });
  switch (e.type) {
    case 'LoanDisbursed': {
      const d = e.data;
      const net = BigInt(d.principal) - BigInt(d.fee);
      return published('LoanDisbursed', {
        borrower: d.borrower,
        origin: d.origin,
        principal: IDR(d.principal),
        fee: IDR(d.fee),
        netAmount: IDR((net > 0n ? net : 0n).toString()),
        via: d.via,
        method: d.method,
        annualRatePercent: d.annualRatePercent,
        termMonths: d.termMonths,
        graceMonths: d.graceMonths,
        firstDueDate: d.installments[0]!.dueDate,
        maturityDate: d.installments[d.installments.length - 1]!.dueDate,
        disbursedOn: d.disbursedOn,
      });
    }
    case 'LoanInterestAccrued':
      return published('LoanInterestAccrued', {
        interest: IDR(e.data.interest),
        accruedThrough: e.data.accruedThrough,
      });
    case 'LoanRepaid': {
      const d = e.data;
      return published('LoanRepaid', {
        amount: IDR(d.amount),
        via: d.via,
        principal: IDR(d.principal),
        prepaidPrincipal: IDR(d.prepaidPrincipal),
        interest: IDR(d.interest),
        accruedInterest: IDR(d.accruedInterest),
        penalty: IDR(d.penalty),
        fee: IDR(d.fee),
        outstandingPrincipal: IDR(d.outstandingPrincipal),
        paidOn: d.paidOn,
        externalId: d.externalId,
      });
    }
    case 'LoanRepaymentReversed': {
      // The books post it as the repayment's mirror: the same parts, funds and date.
      const d = e.data;
      return published('LoanRepaymentReversed', {
        repaymentId: d.repaymentId,
        amount: IDR(d.amount),
        via: d.via,
        principal: IDR(d.principal),
        prepaidPrincipal: IDR(d.prepaidPrincipal),
        interest: IDR(d.interest),
        accruedInterest: IDR(d.accruedInterest),
        penalty: IDR(d.penalty),
        fee: IDR(d.fee),
        outstandingPrincipal: IDR(d.outstandingPrincipal),
        paidOn: d.paidOn,
        reason: d.reason,
        reversedOn: d.refusedOn,
      });
    }
    case 'LoanRecoveryReversed': {
      // The books post it as the recovery's mirror: the same amount, funds and date.
      const d = e.data;
      return published('LoanRecoveryReversed', {
        recoveryId: d.recoveryId,
        amount: IDR(d.amount),
        via: d.via,
        recoveredOn: d.recoveredOn,
        reason: d.reason,
        reversedOn: d.refusedOn,
      });
    }
    case 'LoanPenaltyCharged':
      // The fraction of a rupiah carried to the next day is not news.
      if (e.data.penalty === '0') return undefined;
      return published('LoanPenaltyCharged', {
        penalty: IDR(e.data.penalty),
        overdueAmount: IDR(e.data.overdueAmount),
        chargedFor: e.data.chargedFor,
      });
    case 'LoanFeeCharged':
      return published('LoanFeeCharged', {
        fee: IDR(e.data.fee),
        reason: e.data.reason,
        chargedOn: e.data.chargedOn,
      });
    case 'LoanProvisionAdded':
    case 'LoanProvisionReleased':
      return published(e.type, {
        amount: IDR(e.data.amount),
        provision: IDR(e.data.provision),
        kolektibilitas: e.data.kolektibilitas,
        effectiveOn: e.data.effectiveOn,
      });
    case 'LoanReclassified':
      return published('LoanReclassified', {
        from: e.data.from,
        to: e.data.to,
        daysPastDue: e.data.daysPastDue,
        outstandingPrincipal: IDR(e.data.outstandingPrincipal),
        policyVersion: e.data.policyVersion,
        reclassifiedOn: e.data.reclassifiedOn,
      });
    case 'LoanRestructured': {
      const d = e.data;
      return published('LoanRestructured', {
        kind: d.kind,
        method: d.method,
        annualRatePercent: d.annualRatePercent,
        installments: d.installments.length,
        graceMonths: d.graceMonths,
        outstandingPrincipal: IDR(d.outstandingPrincipal),
        maturityDate: d.installments[d.installments.length - 1]!.dueDate,
        restructuredOn: d.restructuredOn,
      });
    }
    case 'LoanWrittenOff': {
      const d = e.data;
      return published('LoanWrittenOff', {
        principal: IDR(d.principal),
        accruedInterest: IDR(d.accruedInterest),
        unaccruedInterest: IDR(d.unaccruedInterest),
        penalty: IDR(d.penalty),
        fee: IDR(d.fee),
        writtenOffOn: d.writtenOffOn,
      });
    }
    case 'LoanRecovered':
      return published('LoanRecovered', {
        amount: IDR(e.data.amount),
        via: e.data.via,
        recoveredOn: e.data.recoveredOn,
      });
    case 'LoanClosed':
      return published('LoanClosed', { closedOn: e.data.closedOn });
    case 'LoanCollateralHoldRequested':
      return published('LoanCollateralHoldRequested', {
        holdId: e.data.holdId,
        savingsAccountId: e.data.savingsAccountId,
        amount: IDR(e.data.amount),
        requestedOn: e.data.requestedOn,
      });
    case 'LoanCollateralHoldReduced':
      return published('LoanCollateralHoldReduced', {
        holdId: e.data.holdId,
        savingsAccountId: e.data.savingsAccountId,
        amount: IDR(e.data.amount),
        released: IDR(e.data.released),
        reducedOn: e.data.reducedOn,
      });
    case 'LoanCollateralHoldReleased':
      return published('LoanCollateralHoldReleased', {
        holdId: e.data.holdId,
        savingsAccountId: e.data.savingsAccountId,
        released: IDR(e.data.released),
        releasedOn: e.data.releasedOn,
      });
    case 'LoanApplied':
    case 'LoanApproved':
    case 'LoanRejected':
    case 'LoanCollateralHoldPlaced':
    case 'LoanInstallmentOverdue':
    case 'LoanScheduleRecomputed':
    case 'LoanCollateralHoldEnded':
    case 'LoanCollateralHoldRefused':
      return undefined;
    case 'LoanRepaymentFailed':
      // Nothing moved: the repayment it names stands in the books until staff settle it.
      return undefined;
    case 'LoanLateChargesWaived':
      // contracts/src/events/loan has no waiver yet: the books post penalties and fees only
      // when collected (LoanRepaid), so a waived charge never reached them.
      return undefined;
    default:
      return unreachableEvent(e);
  }
}

function unreachableEvent(event: never): undefined {
  invariant(false, `unmapped loan event ${JSON.stringify(event)}`);
}

export const encodeLoanEvent = publicEventEncoder(catalog, toPublic);
