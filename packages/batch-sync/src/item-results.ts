import { z } from 'zod';

/** Items per sync batch: large enough to move 100,000 members in 100 requests. */
export const MAX_BATCH_ITEMS = 1_000;

/** The coop's own id of a record: dedupes upserts for ever, per coop. */
export const ExternalId = z
  .string()
  .regex(/^[A-Za-z0-9._:/-]{1,64}$/, 'letters, digits and . _ : / - (at most 64)');

export const ItemProblem = z.object({
  code: z.string(),
  detail: z.string(),
  pointer: z.string().optional().describe('JSON pointer into the item'),
});
export type ItemProblem = z.output<typeof ItemProblem>;

export const ItemResult = z.object({
  externalId: z.string(),
  status: z.enum(['created', 'updated', 'unchanged', 'rejected']),
  id: z.string().optional().describe('the id kopfed gave the record'),
  problem: ItemProblem.optional(),
});
export type ItemResult = z.output<typeof ItemResult>;

export const BatchResult = z.object({
  sequence: z.int(),
  /** True when this sequence had been received before: nothing new was recorded. */
  duplicateSequence: z.boolean(),
  results: z.array(ItemResult),
  counts: z.object({ created: z.int(), updated: z.int(), unchanged: z.int(), rejected: z.int() }),
});
export type BatchResult = z.output<typeof BatchResult>;

export const SyncStatusResponse = z.object({
  lastSequence: z.int().nullable(),
  batchesReceived: z.int(),
  gaps: z.array(z.object({ from: z.int(), to: z.int() })),
  missingCount: z.int(),
});

export function countResults(results: readonly ItemResult[]) {
  const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}
