import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kopfed/eventstore';
import { loanModule } from '@kopfed/loan';
import { seedActiveLoans } from '@kopfed/loan/src/testing';
import { createLogger, InMemoryCoopDirectory } from '@kopfed/service-kit';
void (async () => {
  const n = Number(process.argv[2] ?? 5000);
  const dir = mkdtempSync(join(tmpdir(), 'kb-'));
  const store = new SqliteEventStore({ file: join(dir, 'loan.db') });
  let t = performance.now();
  await seedActiveLoans(store, n, '2026-03-15');
  console.log('seed', Math.round(performance.now() - t));
  const instance = await loanModule.create({ store, readModels: store.database, coopDirectory: new InMemoryCoopDirectory(), logger: createLogger({ level: 'silent' }), clock: () => new Date('2026-03-20T05:00:00Z'), dataDir: dir, env: {} });
  t = performance.now();
  await instance.start?.();
  console.log('start', Math.round(performance.now() - t));
  await instance.closeOfBusiness!('2026-03-14');
  const { Session } = await import('node:inspector/promises');
  const session = new Session(); session.connect();
  await session.post('Profiler.enable'); await session.post('Profiler.start');
  for (const d of ['2026-03-15', '2026-03-16']) {
    t = performance.now();
    const c = process.cpuUsage();
    await instance.closeOfBusiness!(d);
    const u = process.cpuUsage(c);
    console.log('cob', d, 'wall', Math.round(performance.now() - t), 'cpu', Math.round((u.user + u.system) / 1000));
  }
  const { profile } = await session.post('Profiler.stop');
  (await import('node:fs')).writeFileSync('/tmp/scratch/cob.cpuprofile', JSON.stringify(profile));
  await instance.close?.(); await store.close();
})();
