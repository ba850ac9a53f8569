import { z } from 'zod';
import { ExternalId, MAX_BATCH_ITEMS } from '@kopfed/batch-sync';
import {
  Amount,
  BusinessDate,
  EntityId,
  Funds,
  MaturityInstruction,
  ProductCode,
} from '../shared/schemas';

/**
 * One savings transaction from a primary coop's own core: the coop's id for it (deduplicated
 * for ever), the account, and its original business date (onboarding brings history).
 */
const base = { externalId: ExternalId, accountId: EntityId, businessDate: BusinessDate };

export const SyncItem = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('open'),
    memberId: EntityId.optional(),
    memberExternalId: ExternalId.optional().meta({
      description: 'The member’s id in the coop’s own system.',
    }),
    productCode: ProductCode,
    openingBalance: Amount.optional(),
    via: Funds.default('cash'),
    maturityInstruction: MaturityInstruction.optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('deposit'),
    amount: Amount,
    via: Funds.default('cash'),
  }),
  z.strictObject({
    ...base,
    type: z.literal('withdrawal'),
    amount: Amount,
    via: Funds.default('cash'),
  }),
]);
export type SyncItem = z.output<typeof SyncItem>;

export const SyncBatch = z
  .strictObject({
    sequence: z.int().min(1).max(2_147_483_647),
    items: z.array(SyncItem).min(1).max(MAX_BATCH_ITEMS),
  })
  .meta({ id: 'SavingsSyncBatch' });
