import { createAuditModule } from '@kopfed/audit';
import { loanModule } from '@kopfed/loan';
import { memberModule } from '@kopfed/member';
import { savingsModule } from '@kopfed/savings';
import { settlementModule } from '@kopfed/settlement';
import type { ServiceModule } from '@kopfed/service-kit';
import { PROJECTION_SOURCES } from './audit/projection-sources';

/** The services of the federation, each with its own event store. */
export const SERVICES = ['member', 'savings', 'loan', 'settlement'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The domain services, in the order the node starts them. A service lands by adding it here. */
export const DOMAIN_MODULES: readonly ServiceModule[] = [
  memberModule,
  savingsModule,
  loanModule,
  settlementModule,
];

/** Audit, with every service's projections for rebuild-check over HTTP. */
const auditModule = createAuditModule({ projections: PROJECTION_SOURCES });

/**
 * Everything the node serves, each under `/api/<name>/v1` with its OpenAPI document: the
 * domain services, then audit (signed checkpoints of every store, proofs, verify, replay),
 * which runs whatever subset of the services the node runs.
 */
export const SERVICE_MODULES: readonly ServiceModule[] = [...DOMAIN_MODULES, auditModule];

/**
 * The modules named in `KOPFED_SERVICES` (all when absent), in the node's order, so that a
 * service's consumers still subscribe before any relay starts. An unknown name is refused.
 */
export function selectModules(names: readonly string[] | undefined): readonly ServiceModule[] {
  if (names === undefined) return SERVICE_MODULES;
  const known = DOMAIN_MODULES.map((m) => m.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown service ${unknown.join(', ')}: the node runs ${known.join(', ')}`);
  }
  return [...DOMAIN_MODULES.filter((m) => names.includes(m.name)), auditModule];
}
