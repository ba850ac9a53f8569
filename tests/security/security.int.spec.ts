import {
  allOperations,
  auditorViolations,
  credentialViolations,
  crossCoopViolations,
  documentViolations,
  malformedViolations,
} from './checks';
import { isWrite } from './operations';
import { nodeTarget, type SecurityTarget } from './target';

/**
 * Every operation of every service the node mounts, as its OpenAPI document describes it:
 * a new route is covered the moment its service is mounted, without touching this file.
 */
const RUNS = Number(process.env.SECURITY_RUNS ?? 50);
const SEED = Number(process.env.SECURITY_SEED ?? 20_261_128);

describe('security suite', () => {
  let target: SecurityTarget;
  beforeAll(async () => {
    target = await nodeTarget();
  });
  afterAll(() => target.close());

  it('finds the services and their operations through the node', () => {
    expect(target.services.map((s) => s.name)).toContain('access');
    expect(allOperations(target).length).toBeGreaterThanOrEqual(5);
    expect(allOperations(target).filter(isWrite).length).toBeGreaterThanOrEqual(2);
  });

  it('has valid documents declaring a policy and closed, bounded input for every operation', () => {
    const violations = target.services.flatMap(({ name, document }) =>
      documentViolations(name, document),
    );
    expect(violations).toEqual([]);
  });

  it('answers 401 to every operation without valid credentials', async () => {
    const violations = [];
    for (const operation of allOperations(target))
      violations.push(...(await credentialViolations(target, operation)));
    expect(violations).toEqual([]);
  }, 120_000);

  it('keeps coop B out of coop A’s data in every operation', async () => {
    const violations = [];
    for (const operation of allOperations(target))
      violations.push(...(await crossCoopViolations(target, operation)));
    expect(violations).toEqual([]);
  }, 120_000);

  it('refuses every write to an auditor', async () => {
    const violations = [];
    for (const operation of allOperations(target))
      violations.push(...(await auditorViolations(target, operation)));
    expect(violations).toEqual([]);
  }, 120_000);

  it(`answers ${RUNS} malformed requests per operation with 4xx problems, changing nothing`, async () => {
    const violations = [];
    for (const [index, operation] of allOperations(target).entries()) {
      const report = await malformedViolations(target, operation, {
        runs: RUNS,
        seed: SEED + index,
      });
      violations.push(...report.violations);
      if (report.violations.length === 0)
        expect({ operation: operation.id, sent: report.sent >= RUNS }).toEqual({
          operation: operation.id,
          sent: true,
        });
    }
    expect(violations).toEqual([]);
  }, 120_000);
});
