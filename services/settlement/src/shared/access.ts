import { notFound } from '@kopfed/domain';
import { HttpProblem, type AuthenticatedContext, type CoopDirectory } from '@kopfed/service-kit';

/** Refuses a caller that does not reach `coopId` (a body field, checked after validation). */
export function requireReach(ctx: AuthenticatedContext, coopId: string, field: string): void {
  if (!ctx.reaches(coopId)) {
    throw new HttpProblem('forbidden', `This credential does not reach coop ${coopId}.`, {
      errors: [{ in: 'body', pointer: field, detail: 'not reachable with this credential' }],
    });
  }
}

/** A coop's limits are its parent's business: the caller must reach the parent. */
export function requireParentReach(
  ctx: AuthenticatedContext,
  directory: CoopDirectory,
  coopId: string,
): string {
  const parent = directory.parentOf(coopId);
  if (parent === undefined)
    throw notFound('coop-has-no-parent', `Coop ${coopId} has no parent clearing for it.`);
  if (!ctx.reaches(parent)) {
    throw new HttpProblem('forbidden', `Coop ${coopId}'s limits are set by its parent ${parent}.`);
  }
  return parent;
}

/** A resource of a federation-wide route the caller may not see is, to it, not there. */
export function hideUnlessReached<T>(
  ctx: AuthenticatedContext,
  coopIds: readonly string[],
  value: T | undefined,
  missing: () => Error,
): T {
  if (value === undefined || !coopIds.some((c) => ctx.reaches(c))) throw missing();
  return value;
}
