import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kopfed/eventstore';
import { loanModule } from '@kopfed/loan';
import { seedActiveLoans } from '@kopfed/loan/src/testing';
import { createLogger, InMemoryCoopDirectory } from '@kopfed/service-kit';
void (async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-'));
  const store = new SqliteEventStore({ file: join(dir, 'loan.db') });
  await seedActiveLoans(store, 5000, '2026-03-15');
  const instance = await loanModule.create({
    store,
    readModels: store.database,
    coopDirectory: new InMemoryCoopDirectory(),
    logger: createLogger({ level: 'silent' }),
    clock: () => new Date('2026-03-16T05:00:00Z'),
    dataDir: dir,
    env: {},
  });
  let t = performance.now();
  await instance.start?.();
  console.log('start', performance.now() - t);
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  t = performance.now();
  await instance.closeOfBusiness!('2026-03-15');
  console.log('cob', performance.now() - t);
  const { profile } = await session.post('Profiler.stop');
  const fs = await import('node:fs');
  fs.writeFileSync('/tmp/scratch/cob.cpuprofile', JSON.stringify(profile));
  await instance.close?.();
  await store.close();
})();
