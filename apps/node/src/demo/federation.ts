import { coopBody } from '@kopfed/member/src/samples';
import { addDays } from './dates';
import type { DemoClient } from './http';
import type { Progress } from './progress';
import type { DemoPlan, PlannedCoop } from './world';

/** The API keys the demo made: one per primary coop's system, the treasurer's and the auditor's. */
export interface DemoKeys {
  treasurer: string;
  auditor: string;
  coops: Record<string, string>;
}

const body = (
  plan: DemoPlan,
  coop: PlannedCoop,
  kind: 'primary' | 'secondary',
  parent: string | null,
) => {
  const base = coopBody(coop.coopId, kind, parent);
  return {
    ...base,
    name:
      kind === 'secondary'
        ? 'Pusat Koperasi Nusantara'
        : `KSP ${coop.coopId.split('-')[1]} ${coop.coopId.slice(-2)}`,
    address: { line: 'Jl. Pemuda 12', province: coop.province },
    registeredOn: plan.foundedOn,
  };
};

async function key(admin: DemoClient, role: string, coopId: string): Promise<string> {
  const created = await admin.write<{ token: string }>(
    'POST',
    '/api/access/v1/keys',
    `key:${role}:${coopId}`,
    {
      role,
      coopId,
      label: `demo ${role} of ${coopId}`,
    },
  );
  return created.token;
}

/**
 * The admin registers the secondary coop and approves it; its treasurer registers each
 * primary coop as a member coop and approves it; each gets an API key for its own system.
 */
export async function buildFederation(
  admin: DemoClient,
  plan: DemoPlan,
  progress: Progress,
): Promise<DemoKeys> {
  const secondary = plan.secondary.coopId;
  await admin.write(
    'POST',
    '/api/member/v1/coops',
    `coop:${secondary}`,
    body(plan, plan.secondary, 'secondary', null),
    [201],
  );
  await admin.write(
    'POST',
    `/api/member/v1/coops/${secondary}/approval`,
    `approve:${secondary}`,
    { on: plan.foundedOn },
    [200],
  );
  const treasurer = await key(admin, 'treasurer', secondary);
  const auditor = await key(admin, 'auditor', secondary);
  progress.tick(4);
  const asTreasurer = admin.as(treasurer);
  const coops: Record<string, string> = {};
  for (const coop of plan.coops) {
    await asTreasurer.write(
      'POST',
      `/api/member/v1/coops/${secondary}/member-coops`,
      `coop:${coop.coopId}`,
      body(plan, coop, 'primary', secondary),
      [201],
    );
    await asTreasurer.write(
      'POST',
      `/api/member/v1/coops/${coop.coopId}/approval`,
      `approve:${coop.coopId}`,
      { on: plan.foundedOn },
      [200],
    );
    coops[coop.coopId] = await key(admin, 'coop', coop.coopId);
    progress.tick(3);
  }
  await signAgreements(asTreasurer, plan);
  return { treasurer, auditor, coops };
}

/**
 * Closed loop (BRIEF §5): coops that pay each other sign a cooperation agreement first. Signed
 * before the members are synced, so settlement has it from the bus by the first transfer.
 */
async function signAgreements(treasurer: DemoClient, plan: DemoPlan): Promise<void> {
  const pairs = new Map<string, [string, string]>();
  for (const t of plan.transferRounds.flat()) {
    const pair = [t.fromCoopId, t.toCoopId].sort() as [string, string];
    pairs.set(pair.join(' '), pair);
  }
  for (const [coopId, partnerCoopId] of pairs.values()) {
    await treasurer.write(
      'POST',
      `/api/member/v1/coops/${coopId}/cooperation-agreements`,
      `agreement:${coopId}:${partnerCoopId}`,
      { partnerCoopId, validFrom: plan.foundedOn, validUntil: addDays(plan.today, 5 * 365) },
      [201],
    );
  }
}
