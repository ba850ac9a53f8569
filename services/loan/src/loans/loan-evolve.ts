import { unreachable } from '@kopfed/domain';
import {
  initialLoanState,
  later,
  lateChargesKeptFrom,
  type FailedRepayment,
  type Installment,
  type LateCharges,
  type LoanState,
} from './loan-state';
import type { LoanEvent, StoredInstallment } from './loan-events';

/** Folds one event into the state. Plain bookkeeping: every decision was made in `decide`. */
export function evolveLoan(state: LoanState, event: LoanEvent): LoanState {
  switch (event.type) {
    case 'LoanApplied': {
      const d = event.data;
      return {
        ...initialLoanState(),
        status: 'applied',
        loanId: d.loanId,
        coopId: d.coopId,
        memberId: d.memberId,
        borrower: d.borrower,
        productCode: d.productCode,
        terms: d.terms,
        origin: d.origin,
        externalId: d.externalId,
        principal: BigInt(d.principal),
        termMonths: d.termMonths,
        graceMonths: d.graceMonths,
        lastGraceNumber: d.graceMonths,
        method: d.terms.method,
        annualRatePercent: d.terms.annualRatePercent,
        appliedOn: d.appliedOn,
        appliedBy: d.appliedBy,
        collateral: d.collateral && {
          savingsAccountId: d.collateral.savingsAccountId,
          required: BigInt(d.collateral.required),
          holdId: null,
          held: 0n,
          requested: false,
          refused: null,
        },
      };
    }
    case 'LoanApproved':
      return {
        ...state,
        status: 'approved',
        approvedBy: event.data.approvedBy,
        approvedOn: event.data.approvedOn,
      };
    case 'LoanRejected':
      return { ...state, status: 'rejected' };
    case 'LoanCollateralHoldRequested':
      return state.collateral
        ? { ...state, collateral: { ...state.collateral, requested: true } }
        : state;
    case 'LoanCollateralHoldPlaced':
      return state.collateral
        ? {
            ...state,
            collateral: {
              ...state.collateral,
              holdId: event.data.holdId,
              held: BigInt(event.data.amount),
              refused: null,
            },
          }
        : state;
    case 'LoanDisbursed':
      return {
        ...state,
        status: 'active',
        disbursedOn: event.data.disbursedOn,
        disbursementExternalId: event.data.externalId,
        disbursedVia: event.data.via,
        recordedThrough: later(state.recordedThrough, event.data.disbursedOn),
        installments: fromStored(event.data.installments, event.data.disbursedOn, []),
      };
    case 'LoanInstallmentOverdue': {
      const { number, overdueOn, reversalOf } = event.data;
      return logged(
        mapInstallment(state, number, (i) => ({ ...i, overdue: true })),
        (log) => ({
          ...log,
          // Marked again by a reversal: final, not decided again (see `reversed`).
          overdue:
            reversalOf === undefined
              ? [...log.overdue, { number, overdueOn, fee: 0n }]
              : log.overdue,
          closedThrough: later(log.closedThrough, overdueOn),
        }),
      );
    }
    case 'LoanFeeCharged': {
      const { fee, reason, chargedOn } = event.data;
      const charged = { ...state, feeDue: state.feeDue + BigInt(fee) };
      if (reason !== 'late_installment') return charged;
      // A close of business charges the late fee right after the mark it goes with.
      return logged(charged, (log) => {
        const mark = log.overdue[log.overdue.length - 1];
        if (!mark || mark.overdueOn !== chargedOn || mark.fee !== 0n) return log;
        return { ...log, overdue: [...log.overdue.slice(0, -1), { ...mark, fee: BigInt(fee) }] };
      });
    }
    case 'LoanPenaltyCharged': {
      const d = event.data;
      const day = {
        chargedFor: d.chargedFor,
        penalty: BigInt(d.penalty),
        penaltyAccruedBefore: state.penaltyAccrued,
        chargedThroughBefore: state.penaltyChargedThrough,
      };
      return logged(
        {
          ...state,
          penaltyDue: state.penaltyDue + BigInt(d.penalty),
          penaltyAccrued: d.penaltyAccrued,
          // A reversal charges days again after later ones: the latest day charged stays.
          penaltyChargedThrough: later(state.penaltyChargedThrough, d.chargedFor),
        },
        (log) => ({
          ...log,
          // Charged again by a reversal: final, not decided again (see `reversed`).
          penalties: d.reversalOf === undefined ? [...log.penalties, day] : log.penalties,
          closedThrough: later(log.closedThrough, d.chargedFor),
        }),
      );
    }
    case 'LoanLateChargesWaived':
      return waived(state, event.data);
    case 'LoanInterestAccrued': {
      const interest = BigInt(event.data.interest);
      return logged(
        {
          ...state,
          interestRecognised: state.interestRecognised + interest,
          interestReceivable: state.interestReceivable + interest,
        },
        (log) => ({ ...log, closedThrough: later(log.closedThrough, event.data.accruedThrough) }),
      );
    }
    case 'LoanReclassified':
      return logged({ ...state, kolektibilitas: event.data.to }, (log) => ({
        ...log,
        closedThrough: later(log.closedThrough, event.data.reclassifiedOn),
      }));
    case 'LoanProvisionAdded':
    case 'LoanProvisionReleased':
      return { ...state, provision: BigInt(event.data.provision) };
    case 'LoanRepaid':
      return repaid(state, event.data);
    case 'LoanScheduleRecomputed': {
      const { fromNumber, installments } = event.data;
      const kept = state.installments.filter((i) => i.number < fromNumber);
      const start = startOf(state.installments, fromNumber);
      return {
        ...state,
        installments: [...kept, ...fromStored(installments, start, state.installments)],
        recordedThrough: later(state.recordedThrough, event.data.recomputedOn),
      };
    }
    case 'LoanRestructured':
      return restructured(state, event.data);
    case 'LoanCollateralHoldReduced':
      return state.collateral
        ? {
            ...state,
            collateral: { ...state.collateral, held: BigInt(event.data.amount) },
            recordedThrough: later(state.recordedThrough, event.data.reducedOn),
          }
        : state;
    case 'LoanCollateralHoldReleased':
    case 'LoanCollateralHoldEnded':
      return state.collateral ? { ...state, collateral: { ...state.collateral, held: 0n } } : state;
    case 'LoanCollateralHoldRefused': {
      const { reason, detail, refusedOn } = event.data;
      // Nothing was placed, so nothing is left to release.
      return state.collateral
        ? {
            ...state,
            collateral: {
              ...state.collateral,
              requested: false,
              refused: { reason, detail, refusedOn },
            },
          }
        : state;
    }
    case 'LoanClosed':
      return { ...state, status: 'closed', closedOn: event.data.closedOn };
    case 'LoanWrittenOff': {
      const d = event.data;
      const claim =
        outstanding(state) +
        BigInt(d.accruedInterest) +
        BigInt(d.unaccruedInterest) +
        BigInt(d.penalty) +
        BigInt(d.fee);
      return {
        ...state,
        status: 'written_off',
        provision: 0n,
        interestReceivable: 0n,
        writtenOff: { writtenOffOn: d.writtenOffOn, claim, recovered: 0n },
      };
    }
    case 'LoanRecovered':
      return state.writtenOff
        ? {
            ...state,
            writtenOff: {
              ...state.writtenOff,
              recovered: state.writtenOff.recovered + BigInt(event.data.amount),
            },
          }
        : state;
    case 'LoanRepaymentReversed':
      return reversed(state, event.data);
    case 'LoanRecoveryReversed': {
      const d = event.data;
      const failed: FailedRepayment = {
        kind: 'recovery',
        repaymentId: d.recoveryId,
        amount: d.amount,
        paidOn: d.recoveredOn,
        reason: d.reason,
        detail: d.detail,
        refusedOn: d.refusedOn,
        reversed: true,
      };
      return {
        ...state,
        writtenOff: state.writtenOff && {
          ...state.writtenOff,
          recovered: state.writtenOff.recovered - BigInt(d.amount),
        },
        failedRepayments: [...state.failedRepayments, failed],
      };
    }
    case 'LoanRepaymentFailed': {
      const d = event.data;
      return {
        ...state,
        failedRepayments: [...state.failedRepayments, failure(d, false)],
      };
    }
    default:
      return unreachable(event, 'loan event');
  }
}

function outstanding(state: LoanState): bigint {
  return state.installments.reduce((sum, i) => sum + i.principal - i.paidPrincipal, 0n);
}

/**
 * The state with its late-charges log changed (an unknown log stays unknown), and what fell
 * out of the log's window behind the last close dropped.
 */
function logged(state: LoanState, change: (log: LateCharges) => LateCharges): LoanState {
  if (!state.lateCharges) return state;
  const log = change(state.lateCharges);
  const keptFrom = lateChargesKeptFrom(log);
  // Runs for every close-of-business event: copy the lists only when something falls out.
  const stale =
    keptFrom !== null &&
    ((log.penalties[0]?.chargedFor ?? keptFrom) < keptFrom ||
      (log.overdue[0]?.overdueOn ?? keptFrom) < keptFrom);
  return { ...state, lateCharges: stale ? finalBefore(log, keptFrom) : log };
}

/** Nothing can be dated before `date` any more: what was charged for earlier days is final. */
function finalBefore(log: LateCharges, date: string): LateCharges {
  return {
    ...log,
    penalties: log.penalties.filter((p) => p.chargedFor >= date),
    overdue: log.overdue.filter((m) => m.overdueOn >= date),
  };
}

function waived(
  state: LoanState,
  d: Extract<LoanEvent, { type: 'LoanLateChargesWaived' }>['data'],
): LoanState {
  const withdrawn = new Set(d.installments);
  const marked = mapInstallments(state, (i) =>
    withdrawn.has(i.number) ? { ...i, overdue: false } : i,
  );
  return logged(
    {
      ...marked,
      penaltyDue: state.penaltyDue - BigInt(d.penalty),
      feeDue: state.feeDue - BigInt(d.fee),
      penaltyAccrued: d.penaltyAccrued,
      penaltyChargedThrough: d.penaltyChargedThrough,
    },
    (log) => {
      const kept = log.penalties.filter((p) => p.chargedFor < d.paidOn);
      const first = log.penalties.find((p) => p.chargedFor >= d.paidOn);
      let accruedBefore = first ? first.penaltyAccruedBefore : state.penaltyAccrued;
      let throughBefore = first ? first.chargedThroughBefore : state.penaltyChargedThrough;
      const again = d.penalties.map((p) => {
        const day = {
          chargedFor: p.chargedFor,
          penalty: BigInt(p.penalty),
          penaltyAccruedBefore: accruedBefore,
          chargedThroughBefore: throughBefore,
        };
        accruedBefore = p.penaltyAccrued;
        throughBefore = p.chargedFor;
        return day;
      });
      return {
        ...log,
        penalties: [...kept, ...again],
        overdue: log.overdue.filter((m) => m.overdueOn < d.paidOn || !withdrawn.has(m.number)),
      };
    },
  );
}

function repaid(
  state: LoanState,
  d: Extract<LoanEvent, { type: 'LoanRepaid' }>['data'],
): LoanState {
  const applied = new Map(d.applied.map((a) => [a.number, a]));
  return {
    ...state,
    lateCharges: state.lateCharges && finalBefore(state.lateCharges, d.paidOn),
    penaltyDue: state.penaltyDue - BigInt(d.penalty),
    feeDue: state.feeDue - BigInt(d.fee),
    interestReceivable: state.interestReceivable - BigInt(d.accruedInterest),
    interestRecognised: state.interestRecognised + BigInt(d.interest),
    recordedThrough: later(state.recordedThrough, d.paidOn),
    installments: state.installments.map((i) => {
      const a = applied.get(i.number);
      return a
        ? {
            ...i,
            paidPrincipal: i.paidPrincipal + BigInt(a.principal),
            paidInterest: i.paidInterest + BigInt(a.interest),
          }
        : i;
    }),
  };
}

/** The repayment undone: what it paid is owed again, on the schedule it had replaced. */
function reversed(
  state: LoanState,
  d: Extract<LoanEvent, { type: 'LoanRepaymentReversed' }>['data'],
): LoanState {
  const applied = new Map(d.applied.map((a) => [a.number, a]));
  const unpaid = state.installments.map((i) => {
    const a = applied.get(i.number);
    return a
      ? {
          ...i,
          paidPrincipal: i.paidPrincipal - BigInt(a.principal),
          paidInterest: i.paidInterest - BigInt(a.interest),
        }
      : i;
  });
  const restored = d.restoredSchedule;
  const installments = restored
    ? [
        ...unpaid.filter((i) => i.number < restored.fromNumber),
        ...fromStored(restored.installments, startOf(unpaid, restored.fromNumber), unpaid),
      ]
    : unpaid;
  return {
    ...state,
    // The closes since its date charged with it counted; with what the reversal charges again
    // (repayment-reversal.ts) that is final: a repayment dated in those days is allocated as
    // recorded, as one older than the log's window is.
    lateCharges: state.lateCharges && { ...state.lateCharges, penalties: [], overdue: [] },
    status: d.reopened ? 'active' : state.status,
    closedOn: d.reopened ? null : state.closedOn,
    penaltyDue: state.penaltyDue + BigInt(d.penalty),
    feeDue: state.feeDue + BigInt(d.fee),
    interestReceivable: state.interestReceivable + BigInt(d.accruedInterest),
    interestRecognised: state.interestRecognised - BigInt(d.interest),
    installments,
    failedRepayments: [...state.failedRepayments, failure(d, true)],
  };
}

function failure(
  d: Omit<FailedRepayment, 'kind' | 'reversed'>,
  reversed: boolean,
): FailedRepayment {
  return {
    kind: 'repayment',
    repaymentId: d.repaymentId,
    amount: d.amount,
    paidOn: d.paidOn,
    reason: d.reason,
    detail: d.detail,
    refusedOn: d.refusedOn,
    reversed,
  };
}

function restructured(
  state: LoanState,
  d: Extract<LoanEvent, { type: 'LoanRestructured' }>['data'],
): LoanState {
  // What earlier installments still owed moved into the new schedule: they keep what was paid.
  const kept = state.installments
    .filter((i) => i.number < d.fromNumber)
    .map((i) => ({ ...i, principal: i.paidPrincipal, interest: i.paidInterest }));
  const fresh = fromStored(d.installments, d.restructuredOn, []);
  const paidPrincipal = BigInt(d.carriedPaidPrincipal ?? '0');
  if (fresh[0])
    fresh[0] = {
      ...fresh[0],
      principal: fresh[0].principal + paidPrincipal,
      paidPrincipal,
      paidInterest: BigInt(d.carriedPaidInterest),
    };
  return {
    ...state,
    method: d.method,
    annualRatePercent: d.annualRatePercent,
    lastGraceNumber: d.fromNumber + d.graceMonths - 1,
    installments: [...kept, ...fresh],
    classFloor: d.classFloor,
    restructuredFromNumber: d.fromNumber,
    restructuredCarriedInterest: BigInt(d.carriedInterest ?? '0'),
    recordedThrough: later(state.recordedThrough, d.restructuredOn),
    // What was overdue moved into the new schedule: its charges are not decided again.
    lateCharges: state.lateCharges && {
      penalties: [],
      overdue: [],
      closedThrough: state.lateCharges.closedThrough,
    },
  };
}

/** Where the installment numbered `number` starts accruing: the previous one's due date. */
function startOf(installments: readonly Installment[], number: number): string {
  const same = installments.find((i) => i.number === number);
  return same ? same.startDate : installments[installments.length - 1]!.dueDate;
}

/** New installments; each keeps what was paid on the installment of the same number before. */
function fromStored(
  stored: readonly StoredInstallment[],
  firstStart: string,
  previous: readonly Installment[],
): Installment[] {
  const paid = new Map(previous.map((i) => [i.number, i]));
  let start = firstStart;
  return stored.map((s) => {
    const before = paid.get(s.number);
    const installment: Installment = {
      number: s.number,
      startDate: start,
      dueDate: s.dueDate,
      principal: BigInt(s.principal),
      interest: BigInt(s.interest),
      paidPrincipal: before?.paidPrincipal ?? 0n,
      paidInterest: before?.paidInterest ?? 0n,
      overdue: before?.overdue ?? false,
    };
    start = s.dueDate;
    return installment;
  });
}

function mapInstallment(
  state: LoanState,
  number: number,
  change: (i: Installment) => Installment,
): LoanState {
  return mapInstallments(state, (i) => (i.number === number ? change(i) : i));
}

function mapInstallments(state: LoanState, change: (i: Installment) => Installment): LoanState {
  return { ...state, installments: state.installments.map(change) };
}
