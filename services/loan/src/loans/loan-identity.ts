import type { LoanCommand } from './loan-commands';
import type { LoanState } from './loan-state';

/**
 * Whose loan an event is about, carried in every loan event's metadata (coop, member,
 * product), so the relay maps any event to its public contract without reading the loan.
 */
export interface LoanIdentity {
  coopId: string;
  memberId: string;
  productCode: string;
}

export function identityOf(state: LoanState, command?: LoanCommand): LoanIdentity | undefined {
  if (state.status !== 'none')
    return { coopId: state.coopId, memberId: state.memberId, productCode: state.productCode };
  if (command && (command.type === 'ApplyForLoan' || command.type === 'ImportLoan'))
    return { coopId: command.coopId, memberId: command.memberId, productCode: command.productCode };
  return undefined;
}

export function identityFromMetadata(metadata: Record<string, unknown>): LoanIdentity | undefined {
  const { coopId, memberId, productCode } = metadata;
  return typeof coopId === 'string' &&
    typeof memberId === 'string' &&
    typeof productCode === 'string'
    ? { coopId, memberId, productCode }
    : undefined;
}
