import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import request from 'supertest';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';
import { ACCOUNTS_DDL } from './account-projection';
import { AccountsProjectionThread } from './accounts-projection-thread';

const base = `/api/savings/v1/coops/${COOPS.A}`;

describe('the accounts projection on a thread of its own', () => {
  let h: SavingsHarness;
  let projection: AccountsProjectionThread;
  /** A second connection to the accounts file, as another reader (or an operator) has. */
  let reader: Database.Database;
  const as = () => ({ Authorization: `Bearer ${h.keys.coopA}` });

  beforeEach(async () => {
    h = await savingsHarness({ file: true });
    expect(h.savings.projection).toBeInstanceOf(AccountsProjectionThread);
    projection = h.savings.projection as AccountsProjectionThread;
    reader = new Database(h.savings.accounts.db.name);
    await h.joinPerson(COOPS.A, 'm-1');
    await request(h.app).post(`${base}/products`).set(as()).send(PRODUCTS.SUKARELA).expect(201);
    await request(h.app)
      .post(`${base}/accounts`)
      .set(as())
      .send({
        accountId: 'a-1',
        memberId: 'm-1',
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(100_000) },
      })
      .expect(201);
    await projection.catchUp();
  });
  afterEach(async () => {
    reader.close();
    await h.close();
  });

  const deposit = (amount: number) =>
    request(h.app)
      .post(`${base}/accounts/a-1/deposits`)
      .set(as())
      .send({ amount: idr(amount), via: 'bank' })
      .expect(200);
  const balance = () =>
    reader.prepare('SELECT balance FROM savings_accounts WHERE account_id = ?').pluck().get('a-1');
  const lines = () =>
    reader
      .prepare(
        'SELECT type, amount FROM savings_statement_lines WHERE account_id = ? ORDER BY revision',
      )
      .all('a-1');
  const workerOf = (p: AccountsProjectionThread) => (p as unknown as { worker?: Worker }).worker;
  /** Waits for `condition`, which start, stop and rebuild make true a little later. */
  async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('the condition did not hold in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Tries catchUp until it resolves: a projection that failed reports it until it recovers. */
  async function caughtUpEventually(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await projection.catchUp();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  it('applies the events on its thread, and its commits show to every connection at once', async () => {
    expect(workerOf(projection)).toBeDefined();
    await deposit(25_000);
    await projection.catchUp();
    expect(balance()).toBe(125_000);
    expect(projection.position).toBe(await h.store.headPosition());
    // The thread reads the store through a connection of its own: nothing of the read model
    // is in the store's file.
    const inStore = h.store.database
      .prepare("SELECT count(*) FROM sqlite_master WHERE name = 'savings_accounts'")
      .pluck()
      .get();
    expect(inStore).toBe(0);
  });

  it('reports a batch that fails through catchUp, and goes on from its checkpoint once it can', async () => {
    await projection.stop();
    const failures: unknown[] = [];
    projection.start((error) => failures.push(error));
    // A batch applied first: the new thread has made its tables by then.
    await deposit(1_000);
    await projection.catchUp();
    reader.exec('DROP TABLE savings_statement_lines');
    await deposit(30_000);
    await expect(projection.catchUp()).rejects.toThrow(/no such table: savings_statement_lines/);
    expect(String(failures[0])).toMatch(/no such table/);
    // Nothing of the failed batch committed: the row is as before.
    expect(balance()).toBe(101_000);
    reader.exec(ACCOUNTS_DDL);
    await caughtUpEventually();
    expect(balance()).toBe(131_000);
    expect(lines()).toEqual([{ type: 'Deposited', amount: 30_000 }]);
  });

  it('replaces a thread that is lost, and the new one goes on from the checkpoint', async () => {
    await projection.stop();
    const failures: unknown[] = [];
    projection.start((error) => failures.push(error));
    await until(() => workerOf(projection) !== undefined);
    const first = workerOf(projection)!;
    await first.terminate();
    expect(String(failures[0])).toMatch(/the projection thread stopped/);
    await expect(projection.catchUp()).rejects.toThrow(/the projection thread stopped/);
    await deposit(40_000);
    await caughtUpEventually();
    expect(workerOf(projection)).toBeDefined();
    expect(workerOf(projection)).not.toBe(first);
    expect(balance()).toBe(140_000);
  });

  it('ends its thread when stopped, and starts again from its checkpoint', async () => {
    await projection.stop();
    expect(workerOf(projection)).toBeUndefined();
    const stoppedAt = projection.position;
    await deposit(5_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(projection.position).toBe(stoppedAt);
    expect(balance()).toBe(100_000);
    projection.start();
    await projection.catchUp();
    expect(balance()).toBe(105_000);
  });

  it('builds the same read model again from the log when rebuilt', async () => {
    await deposit(7_000);
    await projection.catchUp();
    const before = reader.prepare('SELECT * FROM savings_accounts').all();
    const linesBefore = lines();
    // Damaged, as a rebuild's reason may be: only building again from the log mends it.
    reader.exec('UPDATE savings_accounts SET balance = 0; DELETE FROM savings_statement_lines');
    await projection.rebuild();
    expect(reader.prepare('SELECT * FROM savings_accounts').all()).toEqual(before);
    expect(lines()).toEqual(linesBefore);
    expect(projection.position).toBe(await h.store.headPosition());
  });

  it('goes on from its checkpoint when a rebuild cannot drop the read model', async () => {
    // Another connection holds the file's write lock past the thread's busy timeout (5 s). The
    // new thread starts all the same (it leaves the tables' set-up to the event loop's
    // connection, which made them), and its reset, which must write, is refused.
    await projection.stop();
    const failures: unknown[] = [];
    projection.start((error) => failures.push(error));
    // A batch applied first: the thread is up before the lock is taken.
    await deposit(1_000);
    await projection.catchUp();
    reader.exec('BEGIN IMMEDIATE');
    try {
      await expect(projection.rebuild()).rejects.toThrow(/database is locked/);
    } finally {
      reader.exec('COMMIT');
    }
    // Nothing was dropped, and the thread applies what comes next.
    expect(balance()).toBe(101_000);
    await deposit(2_000);
    await caughtUpEventually();
    expect(balance()).toBe(103_000);
    // The thread the rebuild started was never lost.
    expect(failures).toEqual([]);
  }, 20_000);

  it('keeps one thread however start, stop and rebuild overlap, and none once stopped', async () => {
    // Every thread the projection starts from here on, to see which are still running.
    const spawned: Worker[] = [];
    const internals = projection as unknown as { spawn: () => Worker };
    const spawn = internals.spawn.bind(projection);
    internals.spawn = () => {
      const worker = spawn();
      spawned.push(worker);
      return worker;
    };
    const live = () => spawned.filter((worker) => worker.threadId !== -1);
    const oneThreadAndItsOwn = async () => {
      await until(() => live().length <= 1);
      // By thread id: a diff of Worker objects cannot be printed.
      expect(live().map((worker) => worker.threadId)).toEqual([workerOf(projection)?.threadId]);
    };
    // A start while a stop closes the thread.
    const stopping = projection.stop();
    projection.start();
    await stopping;
    await deposit(9_000);
    await projection.catchUp();
    expect(balance()).toBe(109_000);
    await oneThreadAndItsOwn();
    // A rebuild, a stop and a start, none waiting for the one before.
    const rebuilding = projection.rebuild();
    const stoppingAgain = projection.stop();
    projection.start();
    await Promise.all([rebuilding, stoppingAgain]);
    await deposit(1_000);
    await projection.catchUp();
    expect(balance()).toBe(110_000);
    await oneThreadAndItsOwn();
    await projection.stop();
    await until(() => live().length === 0);
    expect(workerOf(projection)).toBeUndefined();
  });
});
