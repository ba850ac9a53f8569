import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface CrashOutcome {
  kills: number;
  /** Batches the writer reported as acknowledged before it was killed. */
  acknowledged: Set<number>;
  /** Cycles in which the writer reported its WAL checkpointed by the checkpoint thread. */
  checkpointedCycles: number;
}

/**
 * Runs the crash writer against a store `cycles` times and kills it with SIGKILL at a random
 * moment while appends are in flight. Batch numbers continue across cycles.
 */
export async function runCrashCycles(options: {
  url: string;
  service: string;
  cycles: number;
  batchSize: number;
  /** A SQLite store whose checkpoints go to the checkpoint thread from its first commit. */
  eagerCheckpoints?: boolean;
  /** The kill comes after a random number of acknowledgements in this range. */
  killAfterAcks?: [number, number];
}): Promise<CrashOutcome> {
  const acknowledged = new Set<number>();
  let kills = 0;
  let checkpointedCycles = 0;
  const [fewest, most] = options.killAfterAcks ?? [5, 60];
  for (let cycle = 0; cycle < options.cycles; cycle++) {
    const firstBatch = cycle * 1_000_000 + 1;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, 'crash-writer.ts'),
        options.url,
        options.service,
        String(firstBatch),
        String(options.batchSize),
        ...(options.eagerCheckpoints ? ['eager-checkpoints'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let buffered = '';
    let acks = 0;
    // Kill somewhere after the writer is demonstrably appending (by default between 5 and 60 acks).
    const killAfter = fewest + Math.floor(Math.random() * (most - fewest));
    let checkpointed = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('crash writer made no progress in 60 s')),
        60_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          if (line === 'checkpointed') checkpointed = true;
          if (!line.startsWith('ack ')) continue;
          acknowledged.add(Number(line.slice(4)));
          if (++acks === killAfter) {
            clearTimeout(timer);
            child.kill('SIGKILL');
            kills++;
            if (checkpointed) checkpointedCycles++;
            resolve();
          }
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (acks < killAfter) reject(new Error(`crash writer exited early with code ${code}`));
      });
    });
    await exited;
  }
  return { kills, acknowledged, checkpointedCycles };
}
