import { isWithin, type CoopDirectory } from './coop-directory';
import { ROLES, type Principal, type Role } from './principal';

export type Access = 'read' | 'write';

/**
 * Every route declares who may call it; nothing is allowed unless a policy says so.
 *
 * The coop a request touches is named by a path parameter, so it is checked before the body is
 * read or validated: a caller learns nothing about another coop's resources, not even whether
 * its request would have been valid. Routes over no single coop ('federation') must filter what
 * they return with `ctx.reaches(coopId)`.
 */
export type RoutePolicy = 'public' | ProtectedPolicy;

export interface ProtectedPolicy {
  roles: readonly Role[];
  coopScope: { pathParam: string } | 'federation';
  /** GET and HEAD read, every other method writes, unless stated (e.g. a POST that searches). */
  access?: Access;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

export interface AuthoriseRequest {
  principal: Principal;
  method: string;
  /** Raw path parameters as routed, before validation. */
  params: Readonly<Record<string, string | undefined>>;
}

export function accessOf(policy: ProtectedPolicy, method: string): Access {
  if (policy.access !== undefined) return policy.access;
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

/** The coops a principal reaches: its own, and for treasurers and auditors those below it. */
export function reaches(principal: Principal, coopId: string, directory: CoopDirectory): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'coop':
      return coopId === principal.coopId;
    case 'treasurer':
    case 'auditor':
      return isWithin(directory, coopId, principal.coopId);
  }
}

/** Deny unless the role is listed, an auditor only reads, and the scope coop is reachable. */
export function authorise(
  policy: ProtectedPolicy,
  request: AuthoriseRequest,
  directory: CoopDirectory,
): Decision {
  const { principal } = request;
  if (!policy.roles.includes(principal.role)) {
    return { allowed: false, reason: `role ${principal.role} may not call this operation` };
  }
  if (principal.role === 'auditor' && accessOf(policy, request.method) === 'write') {
    return { allowed: false, reason: 'an auditor changes nothing' };
  }
  if (policy.coopScope === 'federation') return { allowed: true };
  const coopId = request.params[policy.coopScope.pathParam];
  if (coopId === undefined || !reaches(principal, coopId, directory)) {
    return { allowed: false, reason: 'this credential does not reach that coop' };
  }
  return { allowed: true };
}

/** Refuses, when an app is built, a policy that could never be what its author meant. */
export function assertPolicy(policy: unknown, method: string, pathParams: readonly string[]): void {
  if (policy === 'public') return;
  if (typeof policy !== 'object' || policy === null) {
    throw new Error('every route declares a policy (roles and coop scope, or public)');
  }
  const p = policy as Partial<ProtectedPolicy>;
  if (!Array.isArray(p.roles) || p.roles.length === 0) {
    throw new Error('a policy lists at least one role');
  }
  for (const role of p.roles as unknown[]) {
    if (!(ROLES as readonly unknown[]).includes(role))
      throw new Error(`unknown role ${String(role)}`);
  }
  if (p.coopScope !== 'federation') {
    const param = p.coopScope?.pathParam;
    if (param === undefined || !pathParams.includes(param)) {
      throw new Error(`coopScope names path parameter ${String(param)}, which the path lacks`);
    }
  }
  if (p.roles.includes('auditor') && accessOf(p as ProtectedPolicy, method) === 'write') {
    throw new Error('a write policy cannot admit auditors: they change nothing');
  }
}
