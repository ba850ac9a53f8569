import { expectBooksBalance } from '../testing/books';
import { FakeSavings } from '../testing/fake-savings';
import { A, B, P, idr, settlementHarness, type Harness } from '../testing/harness';
import Database from 'better-sqlite3';

describe('member-to-member payments across coops', () => {
  let h: Harness;
  let savings: FakeSavings;
  beforeEach(async () => {
    savings = new FakeSavings(new Database(':memory:'));
    savings.open(A, 'siti', 1_000_000);
    savings.open(B, 'budi', 0);
    h = await settlementHarness({ savings });
    await h.fund(A, 5_000_000);
  });
  afterEach(async () => {
    await expectBooksBalance(h.settlement, [A, B, P]);
    expect(savings.activeHolds()).toBe(0);
    expect(savings.totalBalance()).toBe(1_000_000);
    await h.close();
  });

  const pay = (paymentId: string, amount = 250_000, payee = 'budi') =>
    h.post(
      '/payments',
      {
        paymentId,
        payer: { coopId: A, accountId: 'siti' },
        payee: { coopId: B, accountId: payee },
        amount: idr(amount),
      },
      h.kit.keys.coopA,
    );

  it('moves the money once: payer debited, payee credited, the transfer posted at the parent', async () => {
    const paid = await pay('p-1');
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({
      status: 'completed',
      stepsDone: ['hold', 'reserve', 'credit', 'post', 'capture'],
    });
    expect([savings.balance(A, 'siti'), savings.balance(B, 'budi')]).toEqual([750_000, 250_000]);
    expect((await h.get('/transfers/pay-p-1')).body).toMatchObject({
      status: 'posted',
      fromCoopId: A,
      toCoopId: B,
    });
    const again = await pay('p-1');
    expect(again.status).toBe(200);
    expect([savings.balance(A, 'siti'), savings.balance(B, 'budi')]).toEqual([750_000, 250_000]);
    expect((await pay('p-1', 1)).body).toMatchObject({ status: 409, code: 'payment-id-conflict' });
  });

  it('undoes everything when the payee cannot be credited', async () => {
    const failed = await pay('p-2', 250_000, 'nobody');
    expect(failed.body).toMatchObject({
      status: 'failed',
      refusal: { step: 'credit', code: 'account-not-found' },
    });
    expect((await h.get('/transfers/pay-p-2')).body.status).toBe('voided');
    expect(savings.balance(A, 'siti')).toBe(1_000_000);
  });

  it('releases the hold when the parent refuses the transfer, and refuses what the payer lacks', async () => {
    await h.put(`/coops/${A}/limits/IDR`, { netDebitCap: idr(100_000) });
    const refused = await pay('p-3');
    expect(refused.body).toMatchObject({
      status: 'failed',
      refusal: { step: 'reserve', code: 'net-debit-cap-exceeded' },
    });
    const poor = await pay('p-4', 2_000_000);
    expect(poor.body).toMatchObject({
      status: 'failed',
      refusal: { step: 'hold', code: 'insufficient-funds' },
    });
    expect((await h.get('/transfers/pay-p-4')).status).toBe(404);
    // The payer's balance and limits are the payer's business, not the payee coop's.
    expect((await h.get('/payments/p-4', h.kit.keys.coopA)).body.refusal.detail).toMatch(
      /available 1000000/,
    );
    const seenByPayee = await h.get('/payments/p-4', h.kit.keys.coopB);
    expect(seenByPayee.body.refusal).toEqual({
      step: 'hold',
      code: 'insufficient-funds',
      detail: "The payer's side refused the payment.",
    });
    expect((await h.get('/payments/p-3', h.kit.keys.coopB)).body.refusal.detail).not.toMatch(/\d/);
  });

  it('finishes a payment after the savings service was unreachable at the capture', async () => {
    savings.outages.set('capture', 1);
    const waiting = await pay('p-5');
    expect(waiting.status).toBe(202);
    expect(waiting.body).toMatchObject({
      status: 'in_progress',
      stepsDone: ['hold', 'reserve', 'credit', 'post'],
    });
    expect(await h.settlement.payments.resumeAll()).toBe(1);
    expect((await h.get('/payments/p-5', h.kit.keys.coopB)).body.status).toBe('completed');
    expect([savings.balance(A, 'siti'), savings.balance(B, 'budi')]).toEqual([750_000, 250_000]);
  });

  it('captures a new hold when the first lapsed while the savings service was unreachable past the pivot', async () => {
    savings.outages.set('capture', 1);
    const waiting = await pay('p-6');
    expect(waiting.body).toMatchObject({ stepsDone: ['hold', 'reserve', 'credit', 'post'] });
    // A week without the savings service: the payer's hold lapses, the payee has the money.
    h.advance(8 * 86_400_000);
    savings.expire('pay-p-6');
    expect(await h.settlement.payments.resumeAll()).toBe(1);
    const paid = await h.get('/payments/p-6', h.kit.keys.coopA);
    expect(paid.body).toMatchObject({ status: 'completed', stalled: null });
    expect([savings.balance(A, 'siti'), savings.balance(B, 'budi')]).toEqual([750_000, 250_000]);
    expect(savings.holdsPlaced()).toBe(2);
  });

  it('shows a payment the payer can no longer pay past the pivot as stalled, and finishes it once it can', async () => {
    savings.outages.set('capture', 1);
    await pay('p-7');
    h.advance(8 * 86_400_000);
    savings.expire('pay-p-7');
    // Meanwhile the lapsed hold let the member take the money out.
    savings.refusals.set(`${A}/siti`, { step: 'hold', code: 'insufficient-funds' });
    await h.settlement.payments.resumeAll();
    const stuck = await h.get('/payments/p-7', h.kit.keys.coopA);
    expect(stuck.body).toMatchObject({
      status: 'in_progress',
      stepsDone: ['hold', 'reserve', 'credit', 'post'],
      stalled: { step: 'capture', code: 'insufficient-funds' },
    });
    expect(stuck.body.stalled.detail).toMatch(/payee was credited/);
    await h.settlement.payments.resumeAll();
    const stalls = (await h.kit.store.readStream('payment-p-7')).filter(
      (e) => e.type === 'PaymentStalled',
    );
    expect(stalls).toHaveLength(1);
    savings.refusals.delete(`${A}/siti`);
    await h.settlement.payments.resumeAll();
    const paid = await h.get('/payments/p-7', h.kit.keys.coopA);
    expect(paid.body).toMatchObject({ status: 'completed', stalled: null });
    expect([savings.balance(A, 'siti'), savings.balance(B, 'budi')]).toEqual([750_000, 250_000]);
  });

  it('refuses a payment to a member of the payer’s own coop before it holds anything', async () => {
    savings.open(A, 'ani', 0);
    const within = await h.post(
      '/payments',
      {
        paymentId: 'p-10',
        payer: { coopId: A, accountId: 'siti' },
        payee: { coopId: A, accountId: 'ani' },
        amount: idr(1_000),
      },
      h.kit.keys.coopA,
    );
    expect(within.body).toMatchObject({ status: 422, code: 'payment-within-coop' });
    expect(savings.holdsPlaced()).toBe(0);
    expect((await h.get('/payments/p-10', h.kit.keys.coopA)).status).toBe(404);
  });

  it("leaves a payment's transfer to the payment: no one voids or posts it by hand", async () => {
    savings.outages.set('credit', 1);
    const waiting = await pay('p-9');
    expect(waiting.body).toMatchObject({ status: 'in_progress', stepsDone: ['hold', 'reserve'] });
    for (const key of [h.kit.keys.coopA, h.kit.keys.treasurerP]) {
      expect((await h.post('/transfers/pay-p-9/void', undefined, key)).body).toMatchObject({
        status: 409,
        code: 'transfer-of-payment',
      });
      expect((await h.post('/transfers/pay-p-9/post', { amount: idr(1) }, key)).body).toMatchObject(
        { status: 409, code: 'transfer-of-payment' },
      );
    }
    expect((await h.get('/transfers/pay-p-9')).body.status).toBe('pending');
    expect(await h.settlement.payments.resumeAll()).toBe(1);
    expect((await h.get('/payments/p-9', h.kit.keys.coopA)).body.status).toBe('completed');
    expect((await h.get('/transfers/pay-p-9')).body.postedAmount).toEqual(idr(250_000));
    expect([savings.balance(A, 'siti'), savings.balance(B, 'budi')]).toEqual([750_000, 250_000]);
  });
});

/** Savings whose captures fail while `unreachable`, and wait at `gate` once it is set. */
class GatedSavings extends FakeSavings {
  unreachable = false;
  gate: Promise<void> | undefined;
  captures = 0;
  private entered: (() => void) | undefined;

  /** Resolves when the next capture reaches the gate. */
  arm(gate: Promise<void>): Promise<void> {
    this.gate = gate;
    return new Promise((resolve) => (this.entered = resolve));
  }

  override async capture(input: Parameters<FakeSavings['capture']>[0]) {
    this.captures++;
    if (this.unreachable) throw new Error('savings service unreachable');
    if (this.gate) {
      this.entered?.();
      await this.gate;
    }
    return super.capture(input);
  }
}

describe('closing the service while payments are in progress', () => {
  let h: Harness;
  let savings: GatedSavings;
  const start = async (closeGraceMs: number) => {
    savings = new GatedSavings(new Database(':memory:'));
    savings.open(A, 'siti', 1_000_000);
    savings.open(B, 'budi', 0);
    h = await settlementHarness({ savings, paymentSweepMs: 10, closeGraceMs });
    await h.fund(A, 5_000_000);
  };
  afterEach(() => h.kit.close());

  const payLeftAtCapture = async (paymentId: string) => {
    savings.unreachable = true;
    const paid = await h.post(
      '/payments',
      {
        paymentId,
        payer: { coopId: A, accountId: 'siti' },
        payee: { coopId: B, accountId: 'budi' },
        amount: idr(100_000),
      },
      h.kit.keys.coopA,
    );
    expect(paid.body).toMatchObject({
      status: 'in_progress',
      stepsDone: ['hold', 'reserve', 'credit', 'post'],
    });
  };
  const closing = () => {
    let closed = false;
    const done = h.settlement.instance.close!().then(() => (closed = true));
    return { done, closed: () => closed };
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('waits for the step the sweeper has in progress, starts no other, and a restart finishes the rest', async () => {
    await start(5_000);
    await payLeftAtCapture('p-6');
    await payLeftAtCapture('p-7');
    let open!: () => void;
    const entered = savings.arm(new Promise((resolve) => (open = resolve)));
    savings.unreachable = false;
    await entered; // the sweeper's run is in p-6's capture
    const close = closing();
    await pause(50);
    expect(close.closed()).toBe(false);
    open();
    await close.done;
    const captures = savings.captures;
    await pause(50);
    expect(savings.captures).toBe(captures);
    expect((await h.settlement.payments.state('p-6')).status).toBe('completed');
    expect((await h.settlement.payments.state('p-7')).status).toBe('in_progress');
    expect(await h.settlement.payments.resumeAll()).toBe(0);

    const restarted = await h.reopen({ savings, paymentSweepMs: 3_600_000 });
    await restarted.instance.start?.();
    await restarted.payments.run('p-7');
    expect((await restarted.payments.state('p-7')).status).toBe('completed');
    await restarted.instance.close?.();
    expect([savings.balance(A, 'siti'), savings.balance(B, 'budi')]).toEqual([800_000, 200_000]);
    expect(savings.activeHolds()).toBe(0);
  });

  it('lets the stores close after the grace when a step never ends, and a restart redoes it', async () => {
    await start(100);
    await payLeftAtCapture('p-8');
    const entered = savings.arm(new Promise<void>(() => undefined));
    savings.unreachable = false;
    await entered;
    const started = Date.now();
    await h.settlement.instance.close?.();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await h.settlement.payments.state('p-8')).status).toBe('in_progress');

    savings.gate = undefined;
    const restarted = await h.reopen({ savings, paymentSweepMs: 3_600_000 });
    await restarted.instance.start?.();
    await restarted.payments.run('p-8');
    expect((await restarted.payments.state('p-8')).status).toBe('completed');
    await restarted.instance.close?.();
  });
});

describe('resuming payments after a failed start-up scan', () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let h: Harness;
  afterEach(() => h.kit.close());

  /**
   * Payment p-scan left in progress (its capture failed) when the service closes; then the
   * store refuses reads of the payment log while `unavailable()` says so (a KurrentDB blip).
   */
  async function paymentOpenAcrossARestart(unavailable: () => boolean) {
    const savings = new FakeSavings(new Database(':memory:'));
    savings.open(A, 'siti', 1_000_000);
    savings.open(B, 'budi', 0);
    h = await settlementHarness({ savings, paymentSweepMs: 3_600_000 });
    await h.fund(A, 5_000_000);
    savings.outages.set('capture', 1);
    const paid = await h.post(
      '/payments',
      {
        paymentId: 'p-scan',
        payer: { coopId: A, accountId: 'siti' },
        payee: { coopId: B, accountId: 'budi' },
        amount: idr(100_000),
      },
      h.kit.keys.coopA,
    );
    expect(paid.body.status).toBe('in_progress');
    await h.settlement.instance.close?.();
    const store = h.kit.store;
    const readAll = store.readAll.bind(store);
    store.readAll = async (options) => {
      if (options?.categories?.includes('payment') && unavailable())
        throw new Error('store briefly unavailable');
      return readAll(options);
    };
    return savings;
  }

  it('resumes an open payment once the store answers again after the start-up scan failed', async () => {
    // The store fails the first read of the restart's scan once.
    let failures = 1;
    const savings = await paymentOpenAcrossARestart(() => failures-- > 0);
    const restarted = await h.reopen({ savings, paymentSweepMs: 20 });
    await restarted.instance.start?.();
    await pause(500); // ~25 further sweeps
    const status = (await restarted.payments.state('p-scan')).status;
    await restarted.instance.close?.();
    expect(status).toBe('completed');
  });

  it('resumes the payment open at the restart even though a new payment stays open meanwhile', async () => {
    let blip = true;
    const savings = await paymentOpenAcrossARestart(() => blip);
    // A new payment's hold keeps failing (its payer's savings are unreachable for a while).
    const hold = savings.hold.bind(savings);
    savings.hold = async (input) => {
      if (input.holdId === 'pay-p-new') throw new Error('savings unreachable');
      return hold(input);
    };
    const restarted = await h.reopen({ savings, paymentSweepMs: 20 });
    await restarted.instance.start?.();
    await pause(60); // the start-up scan (and a sweep or two) failed
    await restarted.payments.request(
      {
        paymentId: 'p-new',
        payer: { coopId: A, accountId: 'siti' },
        payee: { coopId: B, accountId: 'budi' },
        amount: idr(10_000),
        reference: null,
      },
      { correlationId: 'payment-p-new' },
    );
    blip = false; // the store answers again
    await pause(500); // ~25 further sweeps
    const status = (await restarted.payments.state('p-scan')).status;
    await restarted.instance.close?.();
    expect(status).toBe('completed');
  });
});
