import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BACKGROUND_NICE } from './background-priority';

/** Runs lowerThreadPriority on a thread of its own; its answer and its nice value after. */
function onAThread(): Promise<{ lowered: boolean; nice: number | undefined }> {
  const module = require.resolve('./background-priority');
  const tsx = require.resolve('tsx/cjs/api');
  const script = `require(${JSON.stringify(tsx)}).register();
    const { readFileSync } = require('node:fs');
    const lowered = require(${JSON.stringify(module)}).lowerThreadPriority();
    let nice;
    try {
      const stat = readFileSync('/proc/thread-self/stat', 'utf8');
      nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    } catch {}
    require('node:worker_threads').parentPort.postMessage({ lowered, nice });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { eval: true });
    worker.once('message', (answer: { lowered: boolean; nice: number | undefined }) => {
      resolve(answer);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('a background thread’s priority', () => {
  it('lowers the calling thread only, never the process', async () => {
    const before = getPriority();
    const answer = await onAThread();
    expect(getPriority()).toBe(before);
    if (existsSync('/proc/thread-self')) {
      // Linux: the thread's own nice value moved.
      expect(answer).toEqual({ lowered: true, nice: BACKGROUND_NICE });
    } else {
      // Elsewhere the thread keeps the process's priority, and says so.
      expect(answer.lowered).toBe(false);
    }
  });
});
