import { z } from 'zod';

/**
 * The settlement service's shared vocabulary. A settlement batch settles by one of three
 * models (BRIEF §6): deferred multilateral net (the default) — each coop pays or receives its
 * net with the parent; bilateral net — each pair settles its net through the parent; gross —
 * each coop pays its debits and receives its credits.
 */
export const SettlementModel = z
  .enum(['multilateral_net', 'bilateral_net', 'gross'])
  .describe('how the batch settles: multilateral net (default), bilateral net, or gross');
export type SettlementModel = z.output<typeof SettlementModel>;

/** A reference a client or a bank chose: printable ASCII. */
export const SettlementReference = z.string().regex(/^[\x20-\x7e]{1,64}$/);

export const SETTLEMENT_PARENT_EXAMPLE = '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c00';
export const SETTLEMENT_COOP_A_EXAMPLE = '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01';
export const SETTLEMENT_COOP_B_EXAMPLE = '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c02';
export const SETTLEMENT_BATCH_EXAMPLE = 'MIDR20260305T0000-3fa2b1c9';
