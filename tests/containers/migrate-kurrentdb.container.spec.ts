import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openEventStore, type EventStore, type RecordedEvent } from '@kopfed/eventstore';
import { describeWithContainers } from '@kopfed/testkit';
import { repoPath } from '../infra/repo';
import { startKurrentDb, STARTUP_TIMEOUT_MS, type RunningKurrentDb } from './servers';

const run = promisify(execFile);
const CLI = repoPath('apps', 'cli', 'bin', 'kopfed.js');

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0, page = 0; page < 1_000; page++) {
    const batch = await store.readAll({ after, maxCount: 1_000 });
    events.push(...batch);
    if (batch.length < 1_000) return events;
    after = batch[batch.length - 1]!.position;
  }
  throw new Error('more events than the test wrote');
}

describeWithContainers('kopfed migrate: SQLite to KurrentDB', () => {
  let kurrentDb: RunningKurrentDb | undefined;
  let dir = '';

  beforeAll(async () => {
    kurrentDb = await startKurrentDb();
    dir = mkdtempSync(join(tmpdir(), 'kopfed-migrate-kdb-'));
    for (const service of ['member', 'savings']) {
      const store = openEventStore(`sqlite:${dir}`, { service });
      for (let i = 0; i < 30; i++) {
        await store.append(
          `account-${i % 4}`,
          Array.from({ length: 1 + (i % 4) }, (_, k) => ({
            id: randomUUID(),
            type: 'SavingsDeposited',
            schemaVersion: 1,
            data: { amount: String(100 * (i + k)) },
            metadata: { correlationId: randomUUID(), coopId: 'ksp-a' },
            recordedAt: new Date(Date.UTC(2023, 5, 1 + (i % 28))).toISOString(),
            businessDate: '2023-06-02',
          })),
          { expectedRevision: 'any' },
        );
      }
      // One append larger than --max-append-events below, split on the way.
      await store.append(
        'import-1',
        Array.from({ length: 1_200 }, (_, k) => ({
          id: randomUUID(),
          type: 'Imported',
          schemaVersion: 1,
          data: { k },
        })),
        { expectedRevision: 'no_stream' },
      );
      await store.close();
    }
  }, STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await kurrentDb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const migrate = () =>
    run(
      'node',
      [
        CLI,
        'migrate',
        '--from',
        `sqlite:${dir}`,
        '--to',
        kurrentDb!.url,
        '--max-append-events',
        '500',
      ],
      {
        timeout: 300_000,
      },
    );

  it('copies both stores and verifies them: every event in order, the new seal chain recomputed', async () => {
    const { stdout } = await migrate();
    expect(stdout).toMatch(/^member: verified — /m);
    expect(stdout).toMatch(/^savings: verified — /m);
    for (const service of ['member', 'savings']) {
      const source = openEventStore(`sqlite:${dir}`, { service });
      const target = openEventStore(kurrentDb!.url, { service });
      try {
        const [a, b] = [await allEvents(source), await allEvents(target)];
        const kept = (e: RecordedEvent) => [
          e.id,
          e.stream,
          e.revision,
          e.data,
          e.metadata,
          e.recordedAt,
          e.businessDate,
        ];
        expect(b.map(kept)).toEqual(a.map(kept));
      } finally {
        await Promise.all([source.close(), target.close()]);
      }
    }
  }, 300_000);

  it('copies nothing the second time and verifies again', async () => {
    const { stdout } = await migrate();
    expect(stdout).toMatch(/^member: verified — 0 events copied in 0 appends/m);
  }, 300_000);
});
