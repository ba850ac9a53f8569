import { loanModule } from '@kopfed/loan';
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
 * The loan service mounted in the whole node beside the member and savings services it works
 * with: the suite's checks over every loan operation its OpenAPI document describes.
 */
const RUNS = Number(process.env.SECURITY_RUNS ?? 30);
const SEED = Number(process.env.SECURITY_SEED ?? 20_261_128);

describe('security suite: loan in the node', () => {
  let target: SecurityTarget;
  const loanOperations = () => allOperations(target).filter((o) => o.service === 'loan');
  beforeAll(async () => {
    target = await nodeTarget({ modules: [memberModule, savingsModule, loanModule] });
  });
  afterAll(() => target.close());

  it('mounts loan beside member and savings, with its reads and writes', () => {
    expect(target.services.map((s) => s.name)).toEqual(
      expect.arrayContaining(['access', 'member', 'savings', 'loan']),
    );
    expect(loanOperations().length).toBeGreaterThanOrEqual(20);
    expect(loanOperations().filter(isWrite).length).toBeGreaterThanOrEqual(10);
  });

  it('has a valid document declaring a policy and closed, bounded input for every operation', () => {
    const loan = target.services.find((s) => s.name === 'loan')!;
    expect(documentViolations('loan', loan.document)).toEqual([]);
  });

  it('answers 401 without credentials, keeps coop B out of coop A, refuses writes to an auditor', async () => {
    const violations = [];
    for (const operation of loanOperations()) {
      violations.push(...(await credentialViolations(target, operation)));
      violations.push(...(await crossCoopViolations(target, operation)));
      violations.push(...(await auditorViolations(target, operation)));
    }
    expect(violations).toEqual([]);
  }, 60_000);

  it(`answers ${RUNS} malformed requests per operation with 4xx problems, changing nothing`, async () => {
    const violations = [];
    for (const [index, operation] of loanOperations().entries()) {
      const report = await malformedViolations(target, operation, {
        runs: RUNS,
        seed: SEED + index,
      });
      violations.push(...report.violations);
      expect(report.sent).toBeGreaterThanOrEqual(RUNS);
    }
    expect(violations).toEqual([]);
  }, 60_000);
});
