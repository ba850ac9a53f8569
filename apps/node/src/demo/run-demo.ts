import { openBooks } from './books';
import { bookSteps, savingsProducts, syncLoans, syncMembers, syncSavings } from './coop-sync';
import { addDays } from './dates';
import { buildFederation, type DemoKeys } from './federation';
import { DemoClient } from './http';
import type { DemoOptions } from './options';
import type { Progress } from './progress';
import { runSettlement, simulateShu } from './settlement';
import { inPool } from './sync';
import { planDemo, type DemoPlan } from './world';

/** Primary coops filled at once: enough to keep a two-core node busy, few enough to be fair. */
const COOP_CONCURRENCY = 3;

export interface DemoResult {
  plan: DemoPlan;
  keys: DemoKeys;
  batches: { settled: string[]; open: string };
  shu: { simulationId: string; members: number };
  closeOfBusiness: { businessDate: string; loansExamined: number; alreadyClosed: boolean };
  elapsedMs: number;
}

/**
 * Fills a running node through its public API only, as each party would: the admin and the
 * secondary coop's treasurer set up the federation, each primary coop's system syncs its
 * members, savings and loans in bulk, the treasurer runs settlement and one SHU simulation.
 */
export async function runDemo(
  baseUrl: string,
  adminKey: string,
  options: DemoOptions,
  progress: Progress,
): Promise<DemoResult> {
  const started = Date.now();
  const plan = planDemo(options);
  const admin = new DemoClient(baseUrl, adminKey, `demo:${options.seed}:${options.today}`);
  const transfers = plan.transferRounds.reduce((n, round) => n + round.length, 0);
  progress.start(
    4 +
      plan.coops.length * 7 +
      bookSteps(plan) +
      transfers +
      4 * (plan.transferRounds.length - 1) +
      2,
  );
  try {
    progress.stage('coops, approvals and API keys');
    const keys = await buildFederation(admin, plan, progress);
    const memberIds = new Map<string, string>();
    await inPool(plan.coops, COOP_CONCURRENCY, async (coop) => {
      const asCoop = admin.as(keys.coops[coop.coopId]!);
      progress.stage(`opening balances and GL mapping of ${coop.coopId}`);
      await openBooks(
        asCoop,
        coop,
        savingsProducts(plan.foundedOn),
        plan.transferRounds,
        plan.foundedOn,
      );
      progress.tick(2);
      progress.stage(`members, savings and loans of ${coop.coopId}`);
      for (const [externalId, id] of await syncMembers(asCoop, coop, progress))
        memberIds.set(externalId, id);
      await syncSavings(asCoop, coop, plan.foundedOn, progress);
      await syncLoans(asCoop, coop, plan.foundedOn, progress);
    });
    progress.stage('loan close of business');
    // Yesterday, the last date that has ended: today is closed by the node after midnight.
    const closed = addDays(plan.today, -1);
    const closeOfBusiness = await admin.write<DemoResult['closeOfBusiness']>(
      'POST',
      '/api/loan/v1/close-of-business',
      `close-of-business:${closed}`,
      { businessDate: closed },
      [200],
    );
    progress.tick();
    const batches = await runSettlement(admin.as(keys.treasurer), plan, progress);
    progress.stage('SHU simulation');
    const shu = await simulateShu(admin.as(keys.coops[plan.coops[0]!.coopId]!), plan, memberIds);
    progress.tick();
    progress.stage('done');
    return { plan, keys, batches, shu, closeOfBusiness, elapsedMs: Date.now() - started };
  } finally {
    progress.stop();
  }
}

/** What the person who ran the demo needs: what was built, and the keys to look at it with. */
export function demoReport(result: DemoResult, baseUrl: string): string {
  const { plan, keys } = result;
  const count = (f: (c: DemoPlan['coops'][number]) => number) =>
    plan.coops.reduce((n, c) => n + f(c), 0);
  const width = Math.max(...plan.coops.map((c) => c.coopId.length));
  return [
    '',
    `  kopfed demo federation at ${baseUrl} (today ${plan.today}), built in ${(result.elapsedMs / 1_000).toFixed(1)} s`,
    '',
    `    secondary coop   ${plan.secondary.coopId} with ${plan.coops.length} primary coops`,
    `    persons          ${count((c) => c.persons.length)} members, synced in bulk`,
    `    savings items    ${count((c) => c.savings.length)} (pokok, wajib, sukarela, berjangka)`,
    `    loans            ${count((c) => c.loans.length)}, close of business ${result.closeOfBusiness.businessDate} (${result.closeOfBusiness.loansExamined} examined)`,
    `    settlement       batches settled ${result.batches.settled.join(', ')}; open ${result.batches.open}`,
    `    SHU simulation   ${result.shu.simulationId} for ${plan.coops[0]!.coopId} (${result.shu.members} members)`,
    '',
    '  API keys (Authorization: Bearer <key>):',
    '',
    `    treasurer of ${plan.secondary.coopId}  ${keys.treasurer}`,
    `    auditor of ${plan.secondary.coopId}    ${keys.auditor}`,
    ...plan.coops.map((c) => `    ${c.coopId.padEnd(width)}  ${keys.coops[c.coopId]}`),
    '',
  ].join('\n');
}
