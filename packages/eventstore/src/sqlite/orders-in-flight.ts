import type { Worker } from 'node:worker_threads';

/** The part of a worker thread that orders need. */
export type OrderedWorker = Pick<Worker, 'postMessage' | 'ref' | 'unref'>;

interface Waiting {
  worker: OrderedWorker;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The orders sent to a thread that it has not answered yet, each by the id its answer
 * carries. A thread with an order waiting is ref'd, so the process stays up for the answer;
 * one with none is unref'd, so an idle thread never keeps the process alive (its owner's close
 * ends it). SqliteWriterThread and the savings accounts projection's thread share it.
 */
export class OrdersInFlight {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  get size(): number {
    return this.waiting.size;
  }

  /** Posts the order made with a fresh id; settles when `settle` is called with that id. */
  post(worker: OrderedWorker, order: (id: number) => unknown): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      if (!this.waitsOn(worker)) worker.ref();
      this.waiting.set(id, { worker, resolve, reject });
      worker.postMessage(order(id));
    });
  }

  /**
   * Settles order `id` (an id not waiting is ignored: a late answer of a thread already given
   * up): done, or failed with `error`. Its thread is unref'd if nothing else waits on it.
   */
  settle(id: number, error?: Error): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    if (!this.waitsOn(waiting.worker)) waiting.worker.unref();
    if (error) waiting.reject(error);
    else waiting.resolve();
  }

  /** Fails every order still waiting on `worker` (it is gone) with `error`. */
  failAll(worker: OrderedWorker, error: Error): void {
    for (const [id, waiting] of [...this.waiting])
      if (waiting.worker === worker) {
        this.waiting.delete(id);
        waiting.reject(error);
      }
  }

  private waitsOn(worker: OrderedWorker): boolean {
    for (const waiting of this.waiting.values()) if (waiting.worker === worker) return true;
    return false;
  }
}
