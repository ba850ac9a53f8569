import { z } from 'zod';
import {
  CoopId,
  GroupId,
  Memo,
  MoneyOut,
  PositiveMoney,
  Reference,
  SettlementModel,
  TransferId,
} from '../shared/schemas';
import type { GroupView } from './engine/transfer-service';
import type { TransferRequest } from './transfer.decider';
import type { TransferView } from './transfer-view';

const DAY_SECONDS = 24 * 60 * 60;

export const TransferBody = z.strictObject({
  transferId: TransferId.describe('chosen by the client; deduplicated for ever'),
  fromCoopId: CoopId,
  toCoopId: CoopId,
  amount: PositiveMoney,
  pending: z.boolean().default(false).describe('reserve now, post or void later (two-phase)'),
  timeoutSeconds: z
    .int()
    .min(1)
    .max(30 * DAY_SECONDS)
    .optional()
    .describe('a pending transfer expires after this; without it, it waits to be posted or voided'),
  reference: Reference.optional(),
  memo: Memo.optional(),
  settlementModel: SettlementModel.optional().describe("the parent's default when absent"),
});

export const GroupBody = z.strictObject({
  groupId: GroupId,
  transfers: z.array(TransferBody).min(1).max(1_000).describe('every transfer or none'),
});

export const PostBody = z
  .strictObject({
    amount: PositiveMoney.optional().describe(
      'less than reserved: a partial post, the rest is released',
    ),
  })
  .optional();

export const TransferOut = z.object({
  transferId: z.string(),
  parentCoopId: z.string(),
  fromCoopId: z.string(),
  toCoopId: z.string(),
  amount: MoneyOut,
  pending: z.boolean(),
  timeoutSeconds: z.int().nullable(),
  expiresAt: z.string().nullable(),
  settlementModel: SettlementModel,
  reference: z.string().nullable(),
  memo: z.string().nullable(),
  groupId: z.string().nullable(),
  status: z.enum(['pending', 'posted', 'voided', 'expired']),
  postedAmount: MoneyOut.nullable(),
  batchId: z.string().nullable(),
  createdAt: z.string(),
  postedAt: z.string().nullable(),
  voidedAt: z.string().nullable(),
});
export type TransferOut = z.input<typeof TransferOut>;

export const GroupOut = z.object({
  groupId: z.string(),
  parentCoopId: z.string(),
  submittedAt: z.string(),
  transfers: z.array(TransferOut),
});

/** Field by field, not by spreading the rest: a group builds one per leg, read many times. */
export function toRequest(body: z.output<typeof TransferBody>): TransferRequest {
  return {
    transferId: body.transferId,
    fromCoopId: body.fromCoopId,
    toCoopId: body.toCoopId,
    amount: { amount: body.amount.amount, currency: body.amount.currency },
    pending: body.pending,
    timeoutSeconds: body.timeoutSeconds,
    reference: body.reference,
    memo: body.memo,
    settlementModel: body.settlementModel,
  };
}

export function transferOut(view: TransferView): TransferOut {
  const { record } = view;
  return {
    transferId: record.transferId,
    parentCoopId: record.parentCoopId,
    fromCoopId: record.fromCoopId,
    toCoopId: record.toCoopId,
    amount: record.amount,
    pending: record.pending,
    timeoutSeconds: record.timeoutSeconds,
    expiresAt: record.expiresAt,
    settlementModel: record.model,
    reference: record.reference,
    memo: record.memo,
    groupId: record.groupId,
    status: view.status,
    postedAmount: view.posted,
    batchId: view.batchId,
    createdAt: record.createdAt,
    postedAt: view.postedAt,
    voidedAt: view.voidedAt,
  };
}

export const groupOut = (group: GroupView) => ({
  ...group,
  transfers: group.transfers.map(transferOut),
});

/** What submitting a group answers: each transfer's status; GET the group for the rest. */
export const GroupSubmittedOut = z.object({
  groupId: z.string(),
  parentCoopId: z.string(),
  submittedAt: z.string(),
  transfers: z.array(
    z.object({
      transferId: z.string(),
      status: z.enum(['pending', 'posted', 'voided', 'expired']),
      batchId: z.string().nullable(),
    }),
  ),
});

export const groupSubmittedOut = (group: GroupView) => ({
  groupId: group.groupId,
  parentCoopId: group.parentCoopId,
  submittedAt: group.submittedAt,
  transfers: group.transfers.map((t) => ({
    transferId: t.record.transferId,
    status: t.status,
    batchId: t.batchId,
  })),
});
