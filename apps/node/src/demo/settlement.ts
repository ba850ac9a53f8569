import type { DemoClient } from './http';
import { idr } from './http';
import type { Progress } from './progress';
import type { DemoPlan, PlannedTransfer } from './world';

/** Each primary coop may owe up to 1 miliar rupiah between settlements, fully covered. */
const NET_DEBIT_CAP = 1_000_000_000;

interface BatchView {
  batchId: string;
  status: string;
  instructions?: { coopId: string; direction: 'pay' | 'receive' }[];
}

/**
 * The treasurer sets limits and cover, the coops pay each other, and every round of
 * transfers but the last is closed and settled coop by coop; the last batch stays open.
 */
export async function runSettlement(
  treasurer: DemoClient,
  plan: DemoPlan,
  progress: Progress,
): Promise<{ settled: string[]; open: string }> {
  for (const coop of plan.coops) {
    await treasurer.write(
      'PUT',
      `/api/settlement/v1/coops/${coop.coopId}/limits/IDR`,
      `limit:${coop.coopId}`,
      {
        netDebitCap: idr(NET_DEBIT_CAP),
        alarmAtBasisPoints: 8_000,
      },
      [200],
    );
    await treasurer.write(
      'PUT',
      `/api/settlement/v1/coops/${coop.coopId}/liquidity-cover/IDR`,
      `cover:${coop.coopId}`,
      {
        amount: idr(NET_DEBIT_CAP),
      },
      [200],
    );
    progress.tick(2);
  }
  const settled: string[] = [];
  let open = '';
  for (const [round, transfers] of plan.transferRounds.entries()) {
    progress.stage(`inter-coop transfers, round ${round + 1}`);
    const batchId = await sendRound(treasurer, transfers, progress);
    if (round === plan.transferRounds.length - 1) {
      open = batchId;
      break;
    }
    progress.stage(`settling batch ${batchId}`);
    await settleBatch(treasurer, batchId, plan.today);
    settled.push(batchId);
    progress.tick(4);
  }
  return { settled, open };
}

async function sendRound(
  treasurer: DemoClient,
  transfers: readonly PlannedTransfer[],
  progress: Progress,
): Promise<string> {
  const batches = new Set<string>();
  for (const t of transfers) {
    const sent = await treasurer.write<{ batchId: string | null }>(
      'POST',
      '/api/settlement/v1/transfers',
      `transfer:${t.transferId}`,
      {
        transferId: t.transferId,
        fromCoopId: t.fromCoopId,
        toCoopId: t.toCoopId,
        amount: idr(t.amount),
        reference: t.transferId,
      },
    );
    if (sent.batchId) batches.add(sent.batchId);
    progress.tick();
  }
  if (batches.size !== 1)
    throw new Error(
      `a round of transfers should fill one settlement batch, filled ${[...batches].join(', ') || 'none'}`,
    );
  return [...batches][0]!;
}

async function settleBatch(treasurer: DemoClient, batchId: string, today: string): Promise<void> {
  const path = `/api/settlement/v1/settlement-batches/${batchId}`;
  await treasurer.write('POST', `${path}/close`, `batch-close:${batchId}`, undefined, [200]);
  const recorded = await treasurer.write<BatchView>(
    'POST',
    `${path}/record-settlement`,
    `batch-record:${batchId}`,
    undefined,
    [200],
  );
  await treasurer.write('POST', `${path}/reserve`, `batch-reserve:${batchId}`, undefined, [200]);
  await treasurer.write('POST', `${path}/commit`, `batch-commit:${batchId}`, undefined, [200]);
  const instructions = recorded.instructions ?? [];
  // Payers settle first: the receivers are paid out of what they bring.
  const ordered = [
    ...instructions.filter((i) => i.direction === 'pay'),
    ...instructions.filter((i) => i.direction !== 'pay'),
  ];
  let last: BatchView | undefined;
  for (const [n, instruction] of ordered.entries()) {
    last = await treasurer.write<BatchView>(
      'POST',
      `${path}/settlements`,
      `batch-settle:${batchId}:${instruction.coopId}`,
      {
        coopId: instruction.coopId,
        bankReference: `BANK-${batchId}-${String(n + 1).padStart(3, '0')}`.slice(0, 64),
        settledOn: today,
      },
      [200],
    );
  }
  if (last?.status !== 'settled')
    throw new Error(`settlement batch ${batchId} ended ${last?.status ?? 'without settlements'}`);
}

interface MemberBasis {
  memberId: string;
  memberNumber: string;
  capitalBasis: string;
  businessBasis: string;
}

/**
 * One year-end SHU simulation for the first primary coop, its bases taken from the books
 * kopfed keeps; where those hold none, from the simpanan pokok + wajib the demo paid in
 * (jasa modal) and the loans it took (jasa usaha).
 */
export async function simulateShu(
  coop: DemoClient,
  plan: DemoPlan,
  memberIds: ReadonlyMap<string, string>,
): Promise<{ simulationId: string; members: number }> {
  const first = plan.coops[0]!;
  const path = `/api/settlement/v1/coops/${first.coopId}/shu-simulations`;
  const body = {
    financialYear: Number(plan.today.slice(0, 4)),
    surplus: String(2_500_000 * first.persons.length),
    allocation: {
      reserve: '25',
      memberCapital: '20',
      memberBusiness: '25',
      board: '10',
      staff: '5',
      education: '7.5',
      social: '7.5',
    },
  };
  const fromBooks = await coop.attempt('POST', path, `shu:${first.coopId}`, body);
  if (fromBooks.status === 201) return shape(fromBooks.body);
  const code = (fromBooks.body as { code?: string } | null)?.code;
  if (fromBooks.status !== 422 || code !== 'shu-bases-required')
    throw new Error(`SHU simulation: HTTP ${fromBooks.status} ${JSON.stringify(fromBooks.body)}`);
  const borrowers = new Set(first.loans.map((l) => l.memberExternalId));
  const wajib = new Map<string, number>();
  for (const item of first.savings)
    if (item.type === 'deposit' && item.accountId.endsWith('-WAJIB'))
      wajib.set(item.accountId, (wajib.get(item.accountId) ?? 0) + Number(item.amount.amount));
  const bases: MemberBasis[] = first.persons.map((p) => ({
    memberId: memberIds.get(p.externalId) ?? p.externalId,
    memberNumber: p.memberNumber,
    capitalBasis: String(150_000 + (wajib.get(`${p.externalId}-WAJIB`) ?? 0)),
    businessBasis: borrowers.has(p.externalId) ? '1' : '0',
  }));
  return shape(
    await coop.write('POST', path, `shu-bases:${first.coopId}`, { ...body, bases }, [201]),
  );
}

function shape(body: unknown): { simulationId: string; members: number } {
  const view = body as { simulationId: string; members: unknown[] };
  return { simulationId: view.simulationId, members: view.members.length };
}
