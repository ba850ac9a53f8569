import { OrdersInFlight, type OrderedWorker } from './orders-in-flight';

/** A thread that only records what it is told and whether it is ref'd. */
function fakeWorker() {
  const posted: unknown[] = [];
  const worker = {
    refd: false,
    posted,
    postMessage: (message: unknown) => void posted.push(message),
    ref() {
      worker.refd = true;
    },
    unref() {
      worker.refd = false;
    },
  };
  return worker as typeof worker & OrderedWorker;
}

describe('orders in flight to a thread', () => {
  it('posts each order with a fresh id and settles it by that id', async () => {
    const orders = new OrdersInFlight();
    const worker = fakeWorker();
    const first = orders.post(worker, (id) => ({ id, kind: 'a' }));
    const second = orders.post(worker, (id) => ({ id, kind: 'b' }));
    expect(worker.posted).toEqual([
      { id: 1, kind: 'a' },
      { id: 2, kind: 'b' },
    ]);
    orders.settle(2, new Error('refused'));
    orders.settle(1);
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow('refused');
    // A late or repeated answer changes nothing.
    orders.settle(1, new Error('late'));
    expect(orders.size).toBe(0);
  });

  it('keeps a thread ref’d while an order of its own waits, and only then', () => {
    const orders = new OrdersInFlight();
    const a = fakeWorker();
    const b = fakeWorker();
    void orders.post(a, (id) => ({ id }));
    void orders.post(a, (id) => ({ id }));
    void orders.post(b, (id) => ({ id }));
    expect([a.refd, b.refd]).toEqual([true, true]);
    orders.settle(3);
    // b has nothing waiting; a still has two.
    expect([a.refd, b.refd]).toEqual([true, false]);
    orders.settle(1);
    expect(a.refd).toBe(true);
    orders.settle(2);
    expect(a.refd).toBe(false);
  });

  it('fails the orders of a thread that is gone, and no other thread’s', async () => {
    const orders = new OrdersInFlight();
    const gone = fakeWorker();
    const alive = fakeWorker();
    const lost = [orders.post(gone, (id) => ({ id })), orders.post(gone, (id) => ({ id }))];
    const kept = orders.post(alive, (id) => ({ id }));
    orders.failAll(gone, new Error('the thread stopped'));
    for (const order of lost) await expect(order).rejects.toThrow('the thread stopped');
    expect(orders.size).toBe(1);
    orders.settle(3);
    await expect(kept).resolves.toBeUndefined();
  });
});
