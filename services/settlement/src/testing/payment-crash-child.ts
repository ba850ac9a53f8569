/**
 * A process that makes one payment and is killed (SIGKILL) at the step named by KILL_AT, for
 * the payment crash test: `after:<step>` — the step took effect but its outcome was not yet
 * recorded; `recorded:<step>` — just after the outcome was recorded.
 *
 *   DATA_DIR=… KILL_AT=after:credit PAYEE=budi node --import tsx payment-crash-child.ts
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { applyPragmas, SqliteEventStore } from '@kopfed/eventstore';
import { createLogger, InMemoryCoopDirectory } from '@kopfed/service-kit';
import { createSettlement } from '../settlement';
import { FakeSavings } from './fake-savings';

async function main(): Promise<void> {
  const dir = process.env.DATA_DIR!;
  const killAt = process.env.KILL_AT ?? '';
  const die = (point: string) => {
    if (point === killAt) process.kill(process.pid, 'SIGKILL');
  };
  const store = new SqliteEventStore({ file: join(dir, 'settlement.db') });
  const savingsDb = new Database(join(dir, 'savings.db'));
  applyPragmas(savingsDb, 5_000);
  const settlement = await createSettlement(
    {
      store,
      readModels: store.database,
      coopDirectory: new InMemoryCoopDirectory([
        ['coop-a', 'coop-p'],
        ['coop-b', 'coop-p'],
      ]),
      logger: createLogger({ level: 'silent' }),
      clock: () => new Date(),
      dataDir: dir,
      env: {},
    },
    {
      savings: new FakeSavings(savingsDb),
      leaseTtlMs: 300,
      paymentHooks: {
        afterStep: (step) => die(`after:${step}`),
        afterRecord: (step) => die(`recorded:${step}`),
      },
    },
  );
  await settlement.payments.request(
    {
      paymentId: 'p-crash',
      payer: { coopId: 'coop-a', accountId: 'siti' },
      payee: { coopId: 'coop-b', accountId: process.env.PAYEE ?? 'budi' },
      amount: { amount: '250000', currency: 'IDR' },
      reference: null,
    },
    { correlationId: 'crash-test' },
  );
  await settlement.instance.close?.();
  await store.close();
  process.stdout.write('finished without being killed\n');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
