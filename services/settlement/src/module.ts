import type { ServiceModule } from '@kopfed/service-kit';
import { loadSettlementSettings } from './config';
import { HttpSavings, NO_SAVINGS } from './payments/http-savings';
import { createSettlement } from './settlement';

/**
 * The settlement service as the node (or its own main) hosts it: inter-coop transfers,
 * limits, settlement batches, reconciliation, member-to-member payments and the federation's
 * books, under `/api/settlement/v1`.
 */
export const settlementModule: ServiceModule = {
  name: 'settlement',
  async create(deps) {
    const settings = loadSettlementSettings(deps.env);
    const settlement = await createSettlement(deps, {
      savings: settings.savings ? new HttpSavings(settings.savings) : NO_SAVINGS,
      expirySweepMs: settings.expirySweepMs,
      leaseTtlMs: settings.leaseTtlMs,
    });
    return settlement.instance;
  },
};
