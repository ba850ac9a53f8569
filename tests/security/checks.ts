import fc from 'fast-check';
import { openObjects, type OpenAPIObject } from '@kopfed/service-kit';
import { openApiProblems, operationValidators } from '@kopfed/service-kit/src/testing';
import { baseRequest, isMalformed, malformedRequests } from './malformed';
import { coopParam, isPublic, isWrite, operationsOf, rolesOf, type Operation } from './operations';
import { problemViolation, send, type RequestSpec } from './requests';
import type { Keys, SecurityTarget } from './target';
import { COOPS } from './target';
import { unboundedStrings } from './bounded-strings';

/**
 * The suite's checks return what they found wrong instead of failing on the spot, so a test
 * can also run them against a deliberately broken service and see them find its faults.
 */
export type Violations = string[];

/** Operations meant to be read without credentials: the console's transparency page. */
export const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set<string>([
  // The transparency page's aggregate counts (BRIEF §1): no personal data, no coop's books.
  'member.publicStatistics',
  // The directory of coops: legal entities' names, provinces, registration and RAT standing.
  'member.publicCoopDirectory',
  // The federation's savings by product kind and loans by class: sums, no account, no coop.
  'savings.publicSavingsTotals',
  'loan.publicLoanPortfolio',
]);

export function allOperations(target: SecurityTarget): Operation[] {
  return target.services.flatMap(({ name, document }) => operationsOf(name, document));
}

/** The document is valid OpenAPI 3.1, and every operation declares a policy and closed, bounded input. */
export function documentViolations(service: string, document: OpenAPIObject): Violations {
  const violations = openApiProblems(document).map(
    (problem) => `${service}: invalid OpenAPI: ${problem}`,
  );
  for (const operation of operationsOf(service, document)) {
    const name = operation.id;
    if (!operation.policy) violations.push(`${name}: declares no policy (x-kopfed-policy)`);
    if (isPublic(operation) && !PUBLIC_OPERATIONS.has(name))
      violations.push(`${name}: is public but not in PUBLIC_OPERATIONS`);
    const security = (document.paths?.[operation.path] as Record<string, { security?: unknown[] }>)[
      operation.method
    ]?.security;
    if (!isPublic(operation) && (!Array.isArray(security) || security.length === 0)) {
      violations.push(`${name}: requires no credentials in its document`);
    }
    for (const pointer of openObjects(operation.bodySchema, document)) {
      violations.push(`${name}: request body object at ${pointer} accepts unknown fields`);
    }
    for (const pointer of unboundedStrings(operation, document)) {
      violations.push(`${name}: request string at ${pointer} has no maximum length`);
    }
  }
  return violations;
}

/** The token of a principal the policy admits, preferring the one that reaches every coop. */
export function privilegedToken(operation: Operation, keys: Keys): string | undefined {
  const roles = rolesOf(operation);
  if (roles.includes('admin')) return keys.admin;
  if (roles.includes('coop')) return keys.coopA;
  if (roles.includes('treasurer')) return keys.treasurerP;
  if (roles.includes('auditor')) return keys.auditorP;
  return undefined;
}

function context(operation: Operation, seed: number) {
  const validators = operationValidators(operation.document, operation.path, operation.method);
  return baseRequest(operation, COOPS.A, validators, seed);
}

/** Without credentials, or with bad, revoked ones: 401, and nothing else. */
export async function credentialViolations(
  target: SecurityTarget,
  operation: Operation,
): Promise<Violations> {
  if (isPublic(operation) && PUBLIC_OPERATIONS.has(operation.id)) return [];
  const { base } = context(operation, 1);
  const violations: Violations = [];
  const attempts: [string, string | undefined][] = [
    ['no credentials', undefined],
    ['an unknown key', `kpf_0000000000000000_${'x'.repeat(43)}`],
    ['garbage', 'not-a-key'],
    ['a revoked key', target.keys.revoked],
  ];
  for (const [what, token] of attempts) {
    const response = await send(target.server, base, token);
    if (response.status !== 401)
      violations.push(`${operation.id}: with ${what} answered ${response.status}, not 401`);
    else if (!response.headers['www-authenticate'])
      violations.push(`${operation.id}: 401 without WWW-Authenticate`);
    const problem = problemViolation(response);
    if (problem) violations.push(`${operation.id}: with ${what} ${problem}`);
  }
  return violations;
}

/** Coop B's key on coop A's resource: 403 or 404, and not a trace of A's data. */
export async function crossCoopViolations(
  target: SecurityTarget,
  operation: Operation,
): Promise<Violations> {
  if (isPublic(operation)) return [];
  const { base } = context(operation, 2);
  const response = await send(target.server, base, target.keys.coopB);
  const scoped = coopParam(operation) !== undefined;
  if (scoped || !rolesOf(operation).includes('coop')) {
    if (response.status !== 403 && response.status !== 404) {
      return [
        `${operation.id}: coop B's key on coop A's resource answered ${response.status}, not 403/404`,
      ];
    }
    const problem = problemViolation(response);
    return problem ? [`${operation.id}: coop B's key ${problem}`] : [];
  }
  // A federation-wide route open to coops must filter: B sees nothing of A.
  return response.text.includes(COOPS.A) ? [`${operation.id}: showed coop B data of coop A`] : [];
}

/** An auditor changes nothing: every write answers it 403. */
export async function auditorViolations(
  target: SecurityTarget,
  operation: Operation,
): Promise<Violations> {
  if (!isWrite(operation)) return [];
  const { base } = context(operation, 3);
  const response = await send(target.server, base, target.keys.auditorP);
  if (response.status !== 403)
    return [`${operation.id}: an auditor's write answered ${response.status}, not 403`];
  const problem = problemViolation(response);
  return problem ? [`${operation.id}: auditor ${problem}`] : [];
}

export interface MalformedReport {
  violations: Violations;
  /** Malformed requests sent (the suite asks for at least `runs`). */
  sent: number;
  kinds: Record<string, number>;
}

/**
 * `runs` malformed requests from fast-check (broken JSON, wrong types, missing and unknown
 * fields, huge strings, bad money and dates, bad parameters and headers), each sent by a
 * principal the policy admits: every answer is a 4xx problem, and no store moves.
 */
export async function malformedViolations(
  target: SecurityTarget,
  operation: Operation,
  options: { runs: number; seed: number },
): Promise<MalformedReport> {
  const ctx = context(operation, options.seed);
  const token = isPublic(operation) ? undefined : privilegedToken(operation, target.keys);
  const kinds: Record<string, number> = {};
  let sent = 0;
  const before = await target.heads();
  const property = fc.asyncProperty(malformedRequests(ctx), async (candidate) => {
    fc.pre(isMalformed(candidate, ctx.validators));
    sent += 1;
    kinds[candidate.kind] = (kinds[candidate.kind] ?? 0) + 1;
    const response = await send(target.server, candidate.spec, token);
    if (response.status < 400 || response.status >= 500) {
      throw new Error(
        `${candidate.kind} answered ${response.status}: ${describe(candidate.spec)} → ${response.text.slice(0, 300)}`,
      );
    }
    const problem = problemViolation(response);
    if (problem) throw new Error(`${candidate.kind} ${problem}: ${describe(candidate.spec)}`);
  });
  const details = await fc.check(property, {
    numRuns: options.runs,
    seed: options.seed,
    endOnFailure: true,
  });
  const violations: Violations = [];
  if (details.failed) {
    violations.push(
      `${operation.id}: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)} (seed ${options.seed})`,
    );
  }
  const after = await target.heads();
  for (const [store, head] of Object.entries(after)) {
    if (before[store] !== head)
      violations.push(
        `${operation.id}: malformed requests moved the ${store} store from ${before[store]} to ${head}`,
      );
  }
  return { violations, sent, kinds };
}

function describe(spec: RequestSpec): string {
  const body =
    spec.body === undefined
      ? ''
      : 'json' in spec.body
        ? JSON.stringify(spec.body.json)
        : `${spec.body.contentType} ${spec.body.raw}`;
  const query = Object.keys(spec.query).length > 0 ? ` ?${JSON.stringify(spec.query)}` : '';
  return `${spec.method.toUpperCase()} ${spec.path}${query} ${JSON.stringify(spec.headers)} ${body.slice(0, 200)}`;
}
