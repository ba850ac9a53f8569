import { conflict, rejected, unreachable } from '@kopfed/domain';
import { minorOf, moneyJson, type MoneyJson } from '../shared/money';
import { isBetween, isInForce, type CooperationAgreement } from './agreements';
import { batchIdOf, batchKeyOf, jakartaDateOf, windowOf } from './batch-window';
import {
  configOf,
  type ClearingState,
  type OpenBatch,
  type PendingTransfer,
} from './clearing-state';
import {
  assertDebitAllowed,
  exposureKey,
  exposureOf,
  type Exposure,
  type InFlightDebits,
} from './limits';
import type {
  BatchRef,
  GroupLeg,
  SettlementModel,
  TransferEvent,
  TransferGroupSubmitted,
  TransferRecord,
} from './model';

/** A transfer as the client asks for it (issue 8). */
export interface TransferRequest {
  transferId: string;
  fromCoopId: string;
  toCoopId: string;
  amount: MoneyJson;
  pending: boolean;
  timeoutSeconds?: number | undefined;
  reference?: string | undefined;
  memo?: string | undefined;
  settlementModel?: SettlementModel | undefined;
}

/** The parents of both coops, as the federation tree says when the request arrives. */
export interface Parents {
  from: string | undefined;
  to: string | undefined;
}

/** What is known of two coops when a transfer between them is asked for. */
export interface Counterparties {
  parents: Parents;
  /** The cooperation agreements signed between them, in force or not. */
  agreements: readonly CooperationAgreement[];
}

/** What a decision reads besides the state: what is in flight, and batches being closed. */
export interface DecisionContext {
  state: ClearingState;
  inFlight: InFlightDebits;
  /** Per batch, amounts decided into it but not yet durable. */
  inFlightPosts: ReadonlyMap<string, bigint>;
  closing: ReadonlySet<string>;
}

/**
 * The largest batch total: amounts travel with at most 18 digits (contracts' money), and a
 * batch's settlement instructions carry its totals. A coop's debits, credits and net in a
 * batch never exceed its total, so bounding the total bounds them all.
 */
export const MAX_BATCH_TOTAL_MINOR = 10n ** 18n - 1n;

/** Refuses a post that would take its batch's total past 18 digits: it could never settle. */
function assertBatchRoom(
  context: DecisionContext,
  batch: BatchRef,
  amountMinor: bigint,
  extra: Map<string, bigint>,
  at: string,
): void {
  const open = context.state.batches.get(batch.batchId);
  const totalMinor =
    (open?.status === 'open' ? open.positions.totalMinor : 0n) +
    (context.inFlightPosts.get(batch.batchId) ?? 0n) +
    (extra.get(batch.batchId) ?? 0n);
  if (totalMinor + amountMinor > MAX_BATCH_TOTAL_MINOR) {
    throw rejected(
      'batch-total-too-large',
      `Settlement batch ${batch.batchId} would total more than 18 digits of ${batch.currency}; it could not be settled.`,
      `${at}/amount/amount`,
      {
        batchId: batch.batchId,
        total: moneyJson(totalMinor, batch.currency),
        headroom: moneyJson(MAX_BATCH_TOTAL_MINOR - totalMinor, batch.currency),
      },
    );
  }
  extra.set(batch.batchId, (extra.get(batch.batchId) ?? 0n) + amountMinor);
}

export type TransferCommand =
  | {
      type: 'CreateTransfer';
      request: TransferRequest;
      counterparties: Counterparties;
      now: string;
    }
  | {
      type: 'SubmitGroup';
      groupId: string;
      legs: readonly { request: TransferRequest; counterparties: Counterparties }[];
      now: string;
    }
  | { type: 'PostPending'; transferId: string; amount: MoneyJson | undefined; now: string }
  | { type: 'VoidPending'; transferId: string; now: string }
  | { type: 'ExpirePending'; transferId: string; now: string };

function recordOf(
  request: TransferRequest,
  { parents, agreements }: Counterparties,
  groupId: string | null,
  context: DecisionContext,
  now: string,
  at: string,
): TransferRecord {
  if (request.fromCoopId === request.toCoopId) {
    throw rejected('transfer-to-self', 'A transfer needs two different coops.', `${at}/toCoopId`);
  }
  if (parents.from === undefined || parents.from !== parents.to) {
    throw rejected(
      'coops-not-siblings',
      `Coops ${request.fromCoopId} and ${request.toCoopId} do not share a parent that clears between them.`,
      `${at}/toCoopId`,
      { fromParent: parents.from ?? null, toParent: parents.to ?? null },
    );
  }
  // Closed loop (BRIEF §5): two coops transact only under a cooperation agreement in force.
  const businessDate = jakartaDateOf(now);
  const inForce = agreements.some(
    (a) => isBetween(a, request.fromCoopId, request.toCoopId) && isInForce(a, businessDate),
  );
  if (!inForce) {
    throw rejected(
      'no-cooperation-agreement',
      `Coops ${request.fromCoopId} and ${request.toCoopId} have no cooperation agreement in force on ${businessDate}.`,
      `${at}/toCoopId`,
      { businessDate },
    );
  }
  if (!request.pending && request.timeoutSeconds !== undefined) {
    throw rejected(
      'timeout-needs-pending',
      'Only a pending transfer has a timeout.',
      `${at}/timeoutSeconds`,
    );
  }
  const timeoutSeconds = request.pending ? (request.timeoutSeconds ?? null) : null;
  return {
    transferId: request.transferId,
    parentCoopId: parents.from,
    fromCoopId: request.fromCoopId,
    toCoopId: request.toCoopId,
    amount: request.amount,
    pending: request.pending,
    timeoutSeconds,
    expiresAt:
      timeoutSeconds === null
        ? null
        : new Date(Date.parse(now) + timeoutSeconds * 1000).toISOString(),
    model: request.settlementModel ?? configOf(context.state, parents.from).defaultModel,
    reference: request.reference ?? null,
    memo: request.memo ?? null,
    groupId,
    createdAt: now,
  };
}

/** Ample for a window closed early again and again; past it something is wrong. */
const MAX_GENERATIONS_PER_WINDOW = 10_000;

/**
 * The batch a transfer posted now falls into: the open one of its key, or the next. A new
 * batch never takes the id of one the state holds: a closed batch takes no more transfers.
 */
export function batchFor(context: DecisionContext, record: TransferRecord, now: string): BatchRef {
  const { state, closing } = context;
  const window = windowOf(now, configOf(state, record.parentCoopId).windowMinutes);
  const base = {
    parentCoopId: record.parentCoopId,
    model: record.model,
    currency: record.amount.currency,
    windowStart: window.start,
    windowEnd: window.end,
  };
  const key = batchKeyOf(base);
  const openId = state.openBatchByKey.get(key);
  if (openId !== undefined && !closing.has(openId))
    return (state.batches.get(openId) as OpenBatch).ref;
  const first = (state.generations.get(key) ?? 0) + 1;
  for (let generation = first; generation < first + MAX_GENERATIONS_PER_WINDOW; generation++) {
    const batchId = batchIdOf(base, generation);
    if (!state.batches.has(batchId)) return { ...base, batchId };
  }
  throw conflict(
    'batch-window-exhausted',
    `The window from ${window.start} has had ${MAX_GENERATIONS_PER_WINDOW} batches; no more can open.`,
  );
}

/**
 * What a decision has debited each payer so far, per payer and currency, beside its exposure
 * before them (the state and what is in flight, read once: a decision does not change them).
 */
type Debited = Map<string, Map<string, { exposure: Exposure; earlierMinor: bigint }>>;

function checkLimits(
  context: DecisionContext,
  record: TransferRecord,
  amountMinor: bigint,
  debited: Debited,
  at: string,
): void {
  const { fromCoopId } = record;
  const { currency } = record.amount;
  let byCurrency = debited.get(fromCoopId);
  if (byCurrency === undefined) {
    byCurrency = new Map();
    debited.set(fromCoopId, byCurrency);
  }
  let payer = byCurrency.get(currency);
  if (payer === undefined) {
    const inFlight = context.inFlight.get(exposureKey(fromCoopId, currency)) ?? 0n;
    payer = {
      exposure: exposureOf(context.state, fromCoopId, currency, inFlight),
      earlierMinor: 0n,
    };
    byCurrency.set(currency, payer);
  }
  assertDebitAllowed(payer.exposure, payer.earlierMinor, fromCoopId, currency, amountMinor, at);
  payer.earlierMinor += amountMinor;
}

function createTransfer(
  command: Extract<TransferCommand, { type: 'CreateTransfer' }>,
  context: DecisionContext,
): TransferEvent[] {
  const record = recordOf(command.request, command.counterparties, null, context, command.now, '');
  const amountMinor = minorOf(record.amount);
  checkLimits(context, record, amountMinor, new Map(), '');
  if (record.pending) return [{ type: 'TransferReserved', data: { transfer: record } }];
  const batch = batchFor(context, record, command.now);
  assertBatchRoom(context, batch, amountMinor, new Map(), '');
  return [
    {
      type: 'TransferPosted',
      data: { transfer: record, posted: record.amount, batch, postedAt: command.now },
    },
  ];
}

function batchOf(batches: readonly BatchRef[], record: TransferRecord): BatchRef | undefined {
  for (const batch of batches)
    if (batch.model === record.model && batch.currency === record.amount.currency) return batch;
  return undefined;
}

/** Every leg or none (issue 8): one event, so the group is durable all at once. */
function submitGroup(
  command: Extract<TransferCommand, { type: 'SubmitGroup' }>,
  context: DecisionContext,
): TransferGroupSubmitted[] {
  const seen = new Set<string>();
  const debited: Debited = new Map();
  const posted = new Map<string, bigint>();
  // Every leg has the same parent and time: its batch depends only on its model and currency,
  // so a group has a few at most, found by a scan.
  const batches: BatchRef[] = [];
  let parent: string | undefined;
  const legs = command.legs.map(({ request, counterparties }, index): GroupLeg => {
    const at = `/transfers/${index}`;
    if (seen.has(request.transferId)) {
      throw rejected(
        'transfer-id-repeated',
        `Transfer id ${request.transferId} appears twice in the group.`,
        `${at}/transferId`,
      );
    }
    seen.add(request.transferId);
    const record = recordOf(request, counterparties, command.groupId, context, command.now, at);
    if (parent !== undefined && record.parentCoopId !== parent) {
      throw rejected(
        'group-spans-parents',
        'Every leg of a group is cleared by the same parent.',
        `${at}/fromCoopId`,
      );
    }
    parent = record.parentCoopId;
    const amountMinor = minorOf(record.amount);
    checkLimits(context, record, amountMinor, debited, at);
    if (record.pending) return { transfer: record, batch: null };
    let batch = batchOf(batches, record);
    if (batch === undefined) {
      batch = batchFor(context, record, command.now);
      batches.push(batch);
    }
    assertBatchRoom(context, batch, amountMinor, posted, at);
    return { transfer: record, batch };
  });
  if (parent === undefined)
    throw rejected('group-empty', 'A group needs at least one transfer.', '/transfers');
  return [
    {
      type: 'TransferGroupSubmitted',
      data: { groupId: command.groupId, parentCoopId: parent, legs, submittedAt: command.now },
    },
  ];
}

const isExpired = (pending: PendingTransfer, now: string): boolean =>
  pending.record.expiresAt !== null && Date.parse(pending.record.expiresAt) <= Date.parse(now);

function postPending(
  command: Extract<TransferCommand, { type: 'PostPending' }>,
  pending: PendingTransfer,
  context: DecisionContext,
): TransferEvent[] {
  const { record } = pending;
  if (isExpired(pending, command.now)) {
    throw conflict(
      'transfer-expired',
      `Transfer ${record.transferId} expired at ${record.expiresAt}.`,
      { expiresAt: record.expiresAt },
    );
  }
  const reserved = minorOf(record.amount);
  const posted = command.amount ?? record.amount;
  if (posted.currency !== record.amount.currency) {
    throw rejected(
      'currency-mismatch',
      `The transfer is in ${record.amount.currency}.`,
      '/amount/currency',
    );
  }
  if (minorOf(posted) > reserved) {
    throw rejected(
      'post-exceeds-reserved',
      `At most ${reserved} ${posted.currency} can be posted.`,
      '/amount/amount',
      {
        reserved: record.amount,
      },
    );
  }
  const batch = batchFor(context, record, command.now);
  assertBatchRoom(context, batch, minorOf(posted), new Map(), '');
  return [
    {
      type: 'TransferPosted',
      data: {
        transfer: record,
        posted: moneyJson(minorOf(posted), posted.currency),
        batch,
        postedAt: command.now,
      },
    },
  ];
}

/**
 * Decides a command against the clearing house. `pending` is the transfer a post, void or
 * expiry concerns, when it is pending; the caller refuses the others with their status.
 */
export function decideTransfer(
  command: TransferCommand,
  context: DecisionContext,
  pending: PendingTransfer | undefined,
): (TransferEvent | TransferGroupSubmitted)[] {
  switch (command.type) {
    case 'CreateTransfer':
      return createTransfer(command, context);
    case 'SubmitGroup':
      return submitGroup(command, context);
    case 'PostPending':
      if (!pending)
        throw conflict('transfer-not-pending', `Transfer ${command.transferId} is not pending.`);
      return postPending(command, pending, context);
    case 'VoidPending':
      if (!pending)
        throw conflict('transfer-not-pending', `Transfer ${command.transferId} is not pending.`);
      return [
        {
          type: 'TransferVoided',
          data: { transfer: pending.record, reason: 'voided', voidedAt: command.now },
        },
      ];
    case 'ExpirePending':
      if (!pending || !isExpired(pending, command.now)) return [];
      return [
        {
          type: 'TransferVoided',
          data: { transfer: pending.record, reason: 'expired', voidedAt: command.now },
        },
      ];
    default:
      return unreachable(command, 'transfer command');
  }
}
