import { memberModule } from '@kopfed/member';
import { savingsModule } from '@kopfed/savings';
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
 * The savings service mounted in the whole node beside the member service it listens to:
 * the suite's checks over every savings operation its OpenAPI document describes.
 */
const RUNS = Number(process.env.SECURITY_RUNS ?? 30);
const SEED = Number(process.env.SECURITY_SEED ?? 20_261_129);

describe('security suite: savings in the node', () => {
  let target: SecurityTarget;
  const savingsOperations = () => allOperations(target).filter((o) => o.service === 'savings');
  beforeAll(async () => {
    target = await nodeTarget({ modules: [memberModule, savingsModule] });
  });
  afterAll(() => target.close());

  it('mounts savings beside member, with its reads and writes', () => {
    expect(target.services.map((s) => s.name)).toEqual(
      expect.arrayContaining(['access', 'member', 'savings']),
    );
    expect(savingsOperations().length).toBeGreaterThanOrEqual(20);
    expect(savingsOperations().filter(isWrite).length).toBeGreaterThanOrEqual(10);
  });

  it('has a valid document declaring a policy and closed, bounded input for every operation', () => {
    const savings = target.services.find((s) => s.name === 'savings')!;
    expect(documentViolations('savings', savings.document)).toEqual([]);
  });

  it('answers 401 to every operation without valid credentials', async () => {
    const violations = [];
    for (const operation of savingsOperations())
      violations.push(...(await credentialViolations(target, operation)));
    expect(violations).toEqual([]);
  }, 60_000);

  it('keeps coop B out of coop A’s accounts, products and batches', async () => {
    const violations = [];
    for (const operation of savingsOperations())
      violations.push(...(await crossCoopViolations(target, operation)));
    expect(violations).toEqual([]);
  }, 60_000);

  it('refuses every write to an auditor', async () => {
    const violations = [];
    for (const operation of savingsOperations())
      violations.push(...(await auditorViolations(target, operation)));
    expect(violations).toEqual([]);
  }, 60_000);

  it(`answers ${RUNS} malformed requests per operation with 4xx problems, changing nothing`, async () => {
    const violations = [];
    for (const [index, operation] of savingsOperations().entries()) {
      const report = await malformedViolations(target, operation, {
        runs: RUNS,
        seed: SEED + index,
      });
      violations.push(...report.violations);
      expect(report.sent).toBeGreaterThanOrEqual(RUNS);
    }
    expect(violations).toEqual([]);
  }, 120_000);
});
