import { invariant } from '@kopfed/domain';
import { dayNumber, fromDayNumber } from '../shared/dates';
import type { Installment, LateCharges, LoanState } from './loan-state';

/**
 * The loan state as the loan book stores it: the installments as a binary schedule (four
 * int32 per installment — number, start day, due day, overdue — then four int64 amounts in
 * rupiah each), read back through typed arrays without parsing a string; the rest as JSON with bigints as decimal
 * strings, split by how often it changes. The close of business decodes and rewrites every
 * active loan each night, so this is its hot path. decode(encode(s)) equals s.
 */

const INTS = 4;
const AMOUNTS = 4;
const INT64_MAX = 2n ** 63n - 1n;

/** Ints first, then amounts: 16 bytes per installment keep the amounts 8-byte aligned. */
export function encodeSchedule(installments: readonly Installment[]): Buffer {
  const n = installments.length;
  const buffer = new ArrayBuffer(n * (INTS * 4 + AMOUNTS * 8));
  const ints = new Int32Array(buffer, 0, n * INTS);
  const amounts = new BigInt64Array(buffer, n * INTS * 4, n * AMOUNTS);
  installments.forEach((i, k) => {
    ints.set([i.number, dayNumber(i.startDate), dayNumber(i.dueDate), i.overdue ? 1 : 0], k * INTS);
    for (const value of [i.principal, i.interest, i.paidPrincipal, i.paidInterest])
      invariant(value >= -INT64_MAX && value <= INT64_MAX, 'an installment amount fits 64 bits');
    amounts.set([i.principal, i.interest, i.paidPrincipal, i.paidInterest], k * AMOUNTS);
  });
  return Buffer.from(buffer);
}

export function decodeSchedule(stored: Uint8Array): Installment[] {
  const n = stored.length / (INTS * 4 + AMOUNTS * 8);
  // Typed views need 8-byte alignment: a blob that is not aligned is read from a copy.
  const aligned = stored.byteOffset % 8 === 0 ? stored : new Uint8Array(stored);
  const { buffer, byteOffset } = aligned;
  const ints = new Int32Array(buffer, byteOffset, n * INTS);
  const amounts = new BigInt64Array(buffer, byteOffset + n * INTS * 4, n * AMOUNTS);
  const installments = new Array<Installment>(n);
  for (let k = 0; k < n; k++) {
    const i = k * INTS;
    const a = k * AMOUNTS;
    installments[k] = {
      number: ints[i]!,
      startDate: dateOf(ints[i + 1]!),
      dueDate: dateOf(ints[i + 2]!),
      overdue: ints[i + 3] === 1,
      principal: amounts[a]!,
      interest: amounts[a + 1]!,
      paidPrincipal: amounts[a + 2]!,
      paidInterest: amounts[a + 3]!,
    };
  }
  return installments;
}

/** Due dates repeat across a whole book: each day number is formatted once. */
const DATES = new Map<number, string>();
function dateOf(day: number): string {
  let date = DATES.get(day);
  if (date === undefined) {
    date = fromDayNumber(day);
    if (DATES.size < 200_000) DATES.set(day, date);
  }
  return date;
}

/** The parts of a loan that change only while it is applied for, approved and disbursed. */
const STATIC_KEYS = [
  'loanId',
  'coopId',
  'memberId',
  'borrower',
  'productCode',
  'origin',
  'externalId',
  'principal',
  'termMonths',
  'graceMonths',
  'appliedOn',
  'appliedBy',
  'approvedBy',
  'approvedOn',
  'disbursedOn',
  'disbursementExternalId',
  'disbursedVia',
] as const;
export const STATIC_EVENTS: ReadonlySet<string> = new Set([
  'LoanApplied',
  'LoanApproved',
  'LoanDisbursed',
]);

/**
 * A loan as the book stores it: `fixed` and `terms` are written when a loan is applied for,
 * approved and disbursed; `schedule` when its installments change; only `dynamic` (a few
 * hundred bytes) every night.
 */
export interface StoredLoan {
  fixed: string;
  terms: string;
  dynamic: string;
  schedule: Buffer;
}

export function encodeLoanState(state: LoanState): StoredLoan {
  const fixed: Record<string, unknown> = {};
  for (const key of STATIC_KEYS) fixed[key] = state[key];
  fixed.principal = state.principal.toString();
  return {
    fixed: JSON.stringify(fixed),
    terms: JSON.stringify(state.terms),
    dynamic: encodeDynamic(state),
    schedule: encodeSchedule(state.installments),
  };
}

export function encodeDynamic(state: LoanState): string {
  return JSON.stringify({
    status: state.status,
    method: state.method,
    annualRatePercent: state.annualRatePercent,
    lastGraceNumber: state.lastGraceNumber,
    penaltyDue: state.penaltyDue.toString(),
    feeDue: state.feeDue.toString(),
    penaltyAccrued: state.penaltyAccrued,
    penaltyChargedThrough: state.penaltyChargedThrough,
    interestRecognised: state.interestRecognised.toString(),
    interestReceivable: state.interestReceivable.toString(),
    kolektibilitas: state.kolektibilitas,
    provision: state.provision.toString(),
    classFloor: state.classFloor,
    restructuredFromNumber: state.restructuredFromNumber,
    restructuredCarriedInterest: state.restructuredCarriedInterest.toString(),
    closedOn: state.closedOn,
    recordedThrough: state.recordedThrough,
    lateCharges: state.lateCharges && encodeLateCharges(state.lateCharges),
    failedRepayments: state.failedRepayments,
    collateral: state.collateral && {
      ...state.collateral,
      required: state.collateral.required.toString(),
      held: state.collateral.held.toString(),
    },
    writtenOff: state.writtenOff && {
      ...state.writtenOff,
      claim: state.writtenOff.claim.toString(),
      recovered: state.writtenOff.recovered.toString(),
    },
  });
}

interface StoredLateCharges {
  penalties: [string, string, string, string | null][];
  overdue: [number, string, string][];
  closedThrough: string | null;
}

/** Compact tuples: the log is rewritten every night a loan is overdue. */
function encodeLateCharges(log: LateCharges): StoredLateCharges {
  return {
    penalties: log.penalties.map((p) => [
      p.chargedFor,
      p.penalty.toString(),
      p.penaltyAccruedBefore,
      p.chargedThroughBefore,
    ]),
    overdue: log.overdue.map((m) => [m.number, m.overdueOn, m.fee.toString()]),
    closedThrough: log.closedThrough,
  };
}

function decodeLateCharges(stored: StoredLateCharges): LateCharges {
  return {
    penalties: stored.penalties.map(([chargedFor, penalty, before, throughBefore]) => ({
      chargedFor,
      penalty: BigInt(penalty),
      penaltyAccruedBefore: before,
      chargedThroughBefore: throughBefore,
    })),
    overdue: stored.overdue.map(([number, overdueOn, fee]) => ({
      number,
      overdueOn,
      fee: BigInt(fee),
    })),
    closedThrough: stored.closedThrough,
  };
}

type Fixed = Omit<Pick<LoanState, (typeof STATIC_KEYS)[number]>, 'principal' | 'disbursedVia'> & {
  principal: string;
  /** Absent from rows written before it was kept: read as null. */
  disbursedVia?: LoanState['disbursedVia'];
};
type Dynamic = Pick<
  LoanState,
  | 'status'
  | 'method'
  | 'annualRatePercent'
  | 'lastGraceNumber'
  | 'penaltyAccrued'
  | 'penaltyChargedThrough'
  | 'kolektibilitas'
  | 'classFloor'
  | 'restructuredFromNumber'
  | 'closedOn'
> & {
  /** Absent from rows written before it was kept: read as null. */
  recordedThrough?: string | null;
  /** Absent from rows written before it was kept: read as null (unknown). */
  lateCharges?: StoredLateCharges | null;
  /** Absent from rows written before it was kept: read as 0 (as those loans' events have it). */
  restructuredCarriedInterest?: string;
  /** Absent from rows written before savings reported refused debits: none was. */
  failedRepayments?: LoanState['failedRepayments'];
  penaltyDue: string;
  feeDue: string;
  interestRecognised: string;
  interestReceivable: string;
  provision: string;
  collateral:
    | (Omit<NonNullable<LoanState['collateral']>, 'required' | 'held' | 'refused'> & {
        required: string;
        held: string;
        refused?: NonNullable<LoanState['collateral']>['refused'];
      })
    | null;
  writtenOff:
    | (Omit<NonNullable<LoanState['writtenOff']>, 'claim' | 'recovered'> & {
        claim: string;
        recovered: string;
      })
    | null;
};

/** Loans of one product version share their terms: each text is parsed once (read-only). */
const TERMS = new Map<string, LoanState['terms']>();
function termsOf(text: string): LoanState['terms'] {
  let terms = TERMS.get(text);
  if (terms === undefined) {
    terms = JSON.parse(text) as LoanState['terms'];
    if (TERMS.size < 10_000) TERMS.set(text, terms);
  }
  return terms;
}

/**
 * Builds the state field by field: spreading JSON-parsed objects of this many keys costs a
 * hundred times more (they come back as dictionaries), and the nightly run decodes every loan.
 */
/**
 * Whether a decoded row has every field a disbursed loan's decisions need: a row written before
 * recordedThrough, disbursedVia and lateCharges were kept lacks them, and the loan is folded
 * from its stream.
 */
export function isComplete(state: LoanState): boolean {
  return (
    state.disbursedOn === null ||
    (state.recordedThrough !== null && state.disbursedVia !== null && state.lateCharges !== null)
  );
}

export function decodeLoanState(stored: StoredLoan): LoanState {
  const f = JSON.parse(stored.fixed) as Fixed;
  const d = JSON.parse(stored.dynamic) as Dynamic;
  return {
    status: d.status,
    loanId: f.loanId,
    coopId: f.coopId,
    memberId: f.memberId,
    borrower: f.borrower,
    productCode: f.productCode,
    terms: termsOf(stored.terms),
    origin: f.origin,
    externalId: f.externalId,
    principal: BigInt(f.principal),
    termMonths: f.termMonths,
    graceMonths: f.graceMonths,
    method: d.method,
    annualRatePercent: d.annualRatePercent,
    lastGraceNumber: d.lastGraceNumber,
    appliedOn: f.appliedOn,
    appliedBy: f.appliedBy,
    approvedBy: f.approvedBy,
    approvedOn: f.approvedOn,
    collateral: d.collateral && {
      savingsAccountId: d.collateral.savingsAccountId,
      required: BigInt(d.collateral.required),
      holdId: d.collateral.holdId,
      held: BigInt(d.collateral.held),
      requested: d.collateral.requested,
      // Absent from rows written before refusals were reported: none was.
      refused: d.collateral.refused ?? null,
    },
    disbursedOn: f.disbursedOn,
    disbursementExternalId: f.disbursementExternalId,
    disbursedVia: f.disbursedVia ?? null,
    installments: decodeSchedule(stored.schedule),
    penaltyDue: BigInt(d.penaltyDue),
    feeDue: BigInt(d.feeDue),
    penaltyAccrued: d.penaltyAccrued,
    penaltyChargedThrough: d.penaltyChargedThrough,
    interestRecognised: BigInt(d.interestRecognised),
    interestReceivable: BigInt(d.interestReceivable),
    kolektibilitas: d.kolektibilitas,
    provision: BigInt(d.provision),
    classFloor: d.classFloor,
    restructuredFromNumber: d.restructuredFromNumber,
    restructuredCarriedInterest: BigInt(d.restructuredCarriedInterest ?? '0'),
    closedOn: d.closedOn,
    recordedThrough: d.recordedThrough ?? null,
    lateCharges: d.lateCharges ? decodeLateCharges(d.lateCharges) : null,
    failedRepayments: d.failedRepayments ?? [],
    writtenOff: d.writtenOff && {
      writtenOffOn: d.writtenOff.writtenOffOn,
      claim: BigInt(d.writtenOff.claim),
      recovered: BigInt(d.writtenOff.recovered),
    },
  };
}
