import {
  batchSequenceDecider,
  countResults,
  type BatchResult,
  type ItemResult,
} from '@kopfed/batch-sync';
import { DomainError, rejected } from '@kopfed/domain';
import { handleCommand, type EventMetadata } from '@kopfed/eventstore';
import { v5 as uuidv5 } from 'uuid';
import type { LoanContext } from '../context';
import { loadProduct } from '../products/routes';
import { syncBatchStream, syncDisbursementStream, syncRepaymentStream } from '../shared/streams';
import {
  claimExternalId,
  DISBURSEMENT_IDS,
  releaseExternalId,
  REPAYMENT_IDS,
} from './external-id-claims';
import type { SyncItem } from './schemas';

/** Namespace of the loan ids derived from (coop, external id): a synced loan is found again for ever. */
const SYNCED_LOAN_NAMESPACE = '6f1c2a0e-3b7d-4e59-9c1a-2d8e7f4b5a60';
/** Loans whose items are applied at once; each loan's own items stay in order. */
const LOANS_IN_FLIGHT = 32;

export const syncedLoanId = (coopId: string, externalId: string) =>
  uuidv5(`${coopId}\u0000${externalId}`, SYNCED_LOAN_NAMESPACE);

interface SyncRequest {
  coopId: string;
  sequence: number;
  items: SyncItem[];
  actor: string;
  metadata: EventMetadata;
  today: string;
}

/**
 * Applies a sync batch item by item — loans are upserted by external id (the same loan again
 * is unchanged), a disbursement and a repayment once per external id for ever —
 * then records the batch's sequence so gaps show. A bad item is rejected alone.
 */
export async function applySyncBatch(ctx: LoanContext, request: SyncRequest): Promise<BatchResult> {
  const results: ItemResult[] = new Array<ItemResult>(request.items.length);
  const byLoan = new Map<string, number[]>();
  const seen = new Set<string>();
  request.items.forEach((item, index) => {
    // Items of different loans run concurrently: a repeated external id would race its first
    // use (one repayment applied to two loans), so it is refused here, as the member and
    // savings batches do. Loans, disbursements and repayments each have their own ids.
    const seenKey = `${item.kind}\u0000${item.externalId}`;
    if (seen.has(seenKey)) {
      results[index] = {
        externalId: item.externalId,
        status: 'rejected',
        problem: {
          code: 'duplicate_in_batch',
          detail: `External id ${item.externalId} appears earlier in the batch.`,
          pointer: `/items/${index}/externalId`,
        },
      };
      return;
    }
    seen.add(seenKey);
    const key = item.kind === 'loan' ? item.externalId : item.loanExternalId;
    byLoan.set(key, [...(byLoan.get(key) ?? []), index]);
  });
  const groups = [...byLoan.values()];
  for (let start = 0; start < groups.length; start += LOANS_IN_FLIGHT) {
    await Promise.all(
      groups.slice(start, start + LOANS_IN_FLIGHT).map(async (indexes) => {
        for (const index of indexes)
          results[index] = await applyItem(ctx, request, request.items[index]!, index);
      }),
    );
  }
  const counts = countResults(results);
  const recorded = await handleCommand(ctx.store, {
    stream: syncBatchStream(request.coopId),
    decider: batchSequenceDecider,
    command: {
      type: 'RecordSyncBatch',
      sequence: request.sequence,
      receivedOn: request.today,
      outcome: { items: results.length, ...counts },
    },
    metadata: request.metadata,
  });
  return {
    sequence: request.sequence,
    duplicateSequence: recorded.events.length === 0,
    results,
    counts,
  };
}

async function applyItem(
  ctx: LoanContext,
  request: SyncRequest,
  item: SyncItem,
  index: number,
): Promise<ItemResult> {
  const loanExternalId = item.kind === 'loan' ? item.externalId : item.loanExternalId;
  const loanId = syncedLoanId(request.coopId, loanExternalId);
  try {
    const status = await applyOne(ctx, request, item, loanId);
    return { externalId: item.externalId, status, id: loanId };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return {
      externalId: item.externalId,
      status: 'rejected',
      problem: {
        code: error.code,
        detail: error.message,
        ...(error.pointer ? { pointer: `/items/${index}${error.pointer}` } : {}),
      },
    };
  }
}

async function applyOne(
  ctx: LoanContext,
  request: SyncRequest,
  item: SyncItem,
  loanId: string,
): Promise<'created' | 'unchanged'> {
  const { coopId, metadata } = request;
  switch (item.kind) {
    case 'loan': {
      notAfter(item.appliedOn, request.today, '/appliedOn');
      const memberId = item.memberId ?? memberByExternalId(ctx, coopId, item.memberExternalId);
      const product = await loadProduct(ctx, coopId, item.productCode);
      const result = await ctx.loans.execute(
        loanId,
        {
          type: 'ImportLoan',
          loanId,
          coopId,
          memberId,
          productCode: item.productCode,
          product: product.state,
          facts: ctx.parties.factsFor(coopId, memberId, item.appliedOn),
          principal: BigInt(item.principal.amount),
          termMonths: item.termMonths,
          graceMonths: item.graceMonths,
          collateralSavingsAccountId: item.collateral?.savingsAccountId ?? null,
          appliedOn: item.appliedOn,
          appliedBy: request.actor,
          externalId: item.externalId,
          approvedBy: request.actor,
          heldCollateral: item.collateral
            ? { holdId: item.collateral.holdId, amount: BigInt(item.collateral.heldAmount.amount) }
            : null,
        },
        { metadata, businessDate: item.appliedOn },
      );
      return result.events.length > 0 ? 'created' : 'unchanged';
    }
    case 'disbursement':
      notAfter(item.disbursedOn, request.today, '/disbursedOn');
      return disburseOnce(ctx, request, item, loanId);
    case 'repayment':
      notAfter(item.paidOn, request.today, '/paidOn');
      return repayOnce(ctx, request, item, loanId);
  }
}

/**
 * A disbursement's external id is the coop's for ever: it is claimed with the loan and the
 * payout's terms before the loan is paid out, so it never pays out another loan. A claim whose
 * disbursement the loan refused is given back. A loan paid out before ids were claimed is
 * recognised by the loan itself (its disbursement external id), and its id is claimed then.
 */
async function disburseOnce(
  ctx: LoanContext,
  request: SyncRequest,
  item: Extract<SyncItem, { kind: 'disbursement' }>,
  loanId: string,
): Promise<'created' | 'unchanged'> {
  const { coopId, metadata } = request;
  const stream = syncDisbursementStream(coopId, item.externalId);
  const fingerprint = { loanId, disbursedOn: item.disbursedOn, via: item.via };
  const fresh = await claimExternalId(ctx, DISBURSEMENT_IDS, stream, fingerprint, metadata);
  try {
    const { state } = await ctx.loans.load(loanId);
    const facts = ctx.parties.factsFor(coopId, state.memberId, item.disbursedOn);
    const result = await ctx.bookLimit.disburse(loanId, (bookOutstandingPrincipal) =>
      ctx.loans.execute(
        loanId,
        {
          type: 'DisburseLoan',
          disbursedOn: item.disbursedOn,
          via: item.via,
          disbursedBy: request.actor,
          externalId: item.externalId,
          facts,
          bookOutstandingPrincipal,
        },
        { metadata, coopId, businessDate: item.disbursedOn },
      ),
    );
    return result.events.length > 0 ? 'created' : 'unchanged';
  } catch (error) {
    if (fresh && error instanceof DomainError)
      await releaseExternalId(ctx, DISBURSEMENT_IDS, stream, fingerprint, metadata);
    throw error;
  }
}

/**
 * A repayment's external id is the coop's for ever: it is claimed with what it paid before the
 * repayment is applied, so two batches at once cannot both use it (the store refuses the second
 * claim at the same revision). A claim whose repayment the loan refused is given back.
 */
async function repayOnce(
  ctx: LoanContext,
  request: SyncRequest,
  item: Extract<SyncItem, { kind: 'repayment' }>,
  loanId: string,
): Promise<'created' | 'unchanged'> {
  const stream = syncRepaymentStream(request.coopId, item.externalId);
  const fingerprint = { loanId, amount: item.amount.amount, paidOn: item.paidOn, via: item.via };
  const fresh = await claimExternalId(ctx, REPAYMENT_IDS, stream, fingerprint, request.metadata);
  try {
    await ctx.loans.get(request.coopId, loanId);
    const result = await ctx.loans.execute(
      loanId,
      {
        type: 'RepayLoan',
        amount: BigInt(item.amount.amount),
        paidOn: item.paidOn,
        via: item.via,
        receivedBy: request.actor,
        externalId: item.externalId,
      },
      {
        metadata: request.metadata,
        businessDate: item.paidOn,
        idempotencyKey: `repayment:${item.externalId}`,
      },
    );
    return result.alreadyApplied ? 'unchanged' : 'created';
  } catch (error) {
    if (fresh && error instanceof DomainError)
      await releaseExternalId(ctx, REPAYMENT_IDS, stream, fingerprint, request.metadata);
    throw error;
  }
}

function memberByExternalId(
  ctx: LoanContext,
  coopId: string,
  externalId: string | undefined,
): string {
  const memberId =
    externalId === undefined ? undefined : ctx.parties.memberIdByExternalId(coopId, externalId);
  if (!memberId)
    throw rejected(
      'borrower_not_member',
      externalId === undefined
        ? 'name the borrower by memberId or memberExternalId'
        : `no member of this coop has external id ${externalId} (yet)`,
      '/memberExternalId',
    );
  return memberId;
}

function notAfter(date: string, today: string, pointer: string): void {
  if (date > today)
    throw rejected('date_in_future', `${date} is after today's business date ${today}`, pointer);
}
