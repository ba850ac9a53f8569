import { conflict, rejected, type DomainError } from '@kopfed/domain';
import { WrongExpectedRevisionError, type EventMetadata } from '@kopfed/eventstore';
import { v7 as uuidv7 } from 'uuid';
import type { LoanContext } from '../context';
import type { Funds } from '../loans/loan-events';

/**
 * A kind of client-chosen id a coop holds for ever (BRIEF §4): each id has a stream of claims,
 * the last one live unless released. A claim records what the id was used for (its fingerprint).
 */
export interface ExternalIdClaims<Fingerprint> {
  /** Names the kind in messages: 'repayment', 'disbursement'. */
  what: string;
  reserved: string;
  released: string;
  /** True when a recorded claim's data is for the same use as `fingerprint`. */
  matches(data: unknown, fingerprint: Fingerprint): boolean;
  /** The refusal of `fingerprint` when the id is claimed for another use (`data`). */
  refusal(data: unknown, fingerprint: Fingerprint): DomainError;
}

const sameFunds = (a: Funds, b: Funds): boolean => {
  if (a.kind !== 'savings' || b.kind !== 'savings') return a.kind === b.kind;
  return a.savingsAccountId === b.savingsAccountId && a.productCode === b.productCode;
};

/** What a disbursement external id was claimed for: the same id with another of these is refused. */
type DisbursementFingerprint = { loanId: string; disbursedOn: string; via: Funds };
export const DISBURSEMENT_IDS: ExternalIdClaims<DisbursementFingerprint> = {
  what: 'disbursement',
  reserved: 'LoanDisbursementExternalIdReserved',
  released: 'LoanDisbursementExternalIdReleased',
  matches: (data, fingerprint) => {
    const d = data as DisbursementFingerprint;
    return (
      d.loanId === fingerprint.loanId &&
      d.disbursedOn === fingerprint.disbursedOn &&
      sameFunds(d.via, fingerprint.via)
    );
  },
  refusal: (data, fingerprint) => {
    const d = data as DisbursementFingerprint;
    // The loan's own payout sent again with other terms: refused as the loan itself would.
    return d.loanId === fingerprint.loanId
      ? conflict(
          'disbursement_terms_differ',
          `this disbursement external id paid the loan out on ${d.disbursedOn}, to ${d.via.kind}; a disbursement is not changed`,
        )
      : rejected(
          'external_id_reused',
          'this disbursement external id paid out another loan',
          '/externalId',
        );
  },
};

/** What a repayment external id was claimed for: the same id with another of these is refused. */
type RepaymentFingerprint = { loanId: string; amount: string; paidOn: string; via: Funds };
export const REPAYMENT_IDS: ExternalIdClaims<RepaymentFingerprint> = {
  what: 'repayment',
  reserved: 'LoanRepaymentExternalIdReserved',
  released: 'LoanRepaymentExternalIdReleased',
  matches: (data, fingerprint) => {
    const d = data as Partial<RepaymentFingerprint>;
    return (
      d.loanId === fingerprint.loanId &&
      d.amount === fingerprint.amount &&
      d.paidOn === fingerprint.paidOn &&
      // Claims recorded before `via` was part of the fingerprint name none: they match any.
      (d.via === undefined || sameFunds(d.via, fingerprint.via))
    );
  },
  refusal: () =>
    rejected(
      'external_id_reused',
      'this repayment external id was used for another repayment',
      '/externalId',
    ),
};

const CLAIM_ATTEMPTS = 5;

/**
 * Claims the id for this use before the use is applied, so two batches at once cannot both use
 * it (the store refuses the second claim at the same revision); true when this call made the
 * claim, false when the same use already held it.
 */
export async function claimExternalId<F>(
  ctx: LoanContext,
  claims: ExternalIdClaims<F>,
  stream: string,
  fingerprint: F,
  metadata: EventMetadata,
): Promise<boolean> {
  for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
    const [last] = await ctx.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (last && last.type !== claims.released) {
      if (claims.matches(last.data, fingerprint)) return false;
      throw claims.refusal(last.data, fingerprint);
    }
    try {
      await ctx.store.append(
        stream,
        [{ id: uuidv7(), type: claims.reserved, schemaVersion: 1, data: fingerprint, metadata }],
        { expectedRevision: last ? last.revision : 'no_stream' },
      );
      return true;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
  throw conflict(
    'external_id_contended',
    `this ${claims.what} external id is being claimed; retry`,
  );
}

/** Gives back a claim this call made: its use did not happen. */
export async function releaseExternalId<F>(
  ctx: LoanContext,
  claims: ExternalIdClaims<F>,
  stream: string,
  fingerprint: F,
  metadata: EventMetadata,
): Promise<void> {
  const [last] = await ctx.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
  if (!last || last.type !== claims.reserved || !claims.matches(last.data, fingerprint)) return;
  try {
    await ctx.store.append(
      stream,
      [{ id: uuidv7(), type: claims.released, schemaVersion: 1, data: fingerprint, metadata }],
      { expectedRevision: last.revision },
    );
  } catch (error) {
    // Another call for the same use holds or released it meanwhile: leave it to it.
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
  }
}
