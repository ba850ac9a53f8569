import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { applyPragmas, SqliteEventStore } from '@kopfed/eventstore';
import { createLogger, InMemoryCoopDirectory } from '@kopfed/service-kit';
import { createSettlement, type Settlement } from '../settlement';
import { expectBooksBalance } from '../testing/books';
import { FakeSavings } from '../testing/fake-savings';

/**
 * The payment saga killed with SIGKILL at each step — after a step took effect but before its
 * outcome was recorded, and just after it was recorded — then restarted: it ends with the
 * payment done once or fully undone, and money is neither created nor lost.
 */
const CHILD = join(__dirname, '..', 'testing', 'payment-crash-child.ts');
const A = 'coop-a';
const B = 'coop-b';
const P = 'coop-p';
const TOTAL = 1_000_000;

interface Opened {
  settlement: Settlement;
  savings: FakeSavings;
  close(): Promise<void>;
}

async function open(dir: string): Promise<Opened> {
  const store = new SqliteEventStore({ file: join(dir, 'settlement.db') });
  const savingsDb = new Database(join(dir, 'savings.db'));
  applyPragmas(savingsDb, 5_000);
  const savings = new FakeSavings(savingsDb);
  const settlement = await createSettlement(
    {
      store,
      readModels: store.database,
      coopDirectory: new InMemoryCoopDirectory([
        [A, P],
        [B, P],
      ]),
      logger: createLogger({ level: 'silent' }),
      clock: () => new Date(),
      dataDir: dir,
      env: {},
    },
    { savings, leaseTtlMs: 300 },
  );
  await settlement.instance.start?.();
  return {
    settlement,
    savings,
    async close() {
      await settlement.instance.close?.();
      await store.close();
      savingsDb.close();
    },
  };
}

function runChild(dir: string, killAt: string, payee: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, DATA_DIR: dir, KILL_AT: killAt, PAYEE: payee },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code !== null && code !== 0 ? reject(new Error(`child failed: ${stderr}`)) : resolve(signal),
    );
  });
}

const OK_POINTS = [
  'after:hold',
  'recorded:hold',
  'after:reserve',
  'recorded:reserve',
  'after:credit',
  'recorded:credit',
  'after:post',
  'recorded:post',
  'after:capture',
];
const UNDO_POINTS = ['after:credit', 'after:void', 'recorded:void', 'after:release'];
const scenarios = [
  ...OK_POINTS.map((killAt) => ({ killAt, payee: 'budi', outcome: 'completed' as const })),
  ...UNDO_POINTS.map((killAt) => ({ killAt, payee: 'nobody', outcome: 'failed' as const })),
];

async function scenario({ killAt, payee, outcome }: (typeof scenarios)[number]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-payment-crash-'));
  try {
    const setup = await open(dir);
    setup.savings.open(A, 'siti', TOTAL);
    setup.savings.open(B, 'budi', 0);
    await setup.settlement.limits.setLimits(
      A,
      {
        netDebitCap: { amount: '5000000', currency: 'IDR' },
        alarmAtBasisPoints: 8_000,
        autoLiquidityLoan: false,
      },
      {},
    );
    await setup.settlement.limits.setCover(A, { amount: '5000000', currency: 'IDR' }, {});
    // The child runs on the real clock: the agreement covers any date it may see.
    setup.settlement.agreements.signed({
      agreementId: 'pks-a-b',
      coopId: A,
      partnerCoopId: B,
      validFrom: '2000-01-01',
      validUntil: '2999-12-31',
    });
    await setup.close();

    expect({ killAt, signal: await runChild(dir, killAt, payee) }).toEqual({
      killAt,
      signal: 'SIGKILL',
    });

    const restarted = await open(dir);
    try {
      const { settlement, savings } = restarted;
      await settlement.payments.resumeAll();
      const state = await settlement.payments.state('p-crash');
      expect({ killAt, status: state.status }).toEqual({ killAt, status: outcome });
      expect(savings.totalBalance()).toBe(TOTAL);
      expect(savings.activeHolds()).toBe(0);
      const moved = outcome === 'completed' ? 250_000 : 0;
      expect([savings.balance(A, 'siti'), savings.balance(B, 'budi')]).toEqual([
        TOTAL - moved,
        moved,
      ]);
      const transfer = await settlement.transfers.get('pay-p-crash');
      expect(transfer?.status).toBe(outcome === 'completed' ? 'posted' : 'voided');
      const a = settlement.limits.view(A).currencies[0]!;
      expect([a.netDebit.amount, a.pendingDebit.amount]).toEqual([String(moved), '0']);
      await expectBooksBalance(settlement, [A, B, P]);
    } finally {
      await restarted.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the payment saga killed at each step and restarted', () => {
  it(`ends done once or fully undone, money never created or lost (${scenarios.length} kill points)`, async () => {
    const queue = [...scenarios];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await scenario(next);
    };
    await Promise.all([worker(), worker()]);
  }, 180_000);
});
