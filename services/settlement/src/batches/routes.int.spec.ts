import { expectBooksBalance } from '../testing/books';
import { A, B, C, idr, P, settlementHarness, type Harness } from '../testing/harness';

describe('settlement batches over HTTP', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await settlementHarness();
    for (const coop of [A, B, C]) {
      await h.fund(coop, 1_000_000);
      const opening = await h.post(`/coops/${coop}/journal-entries`, {
        entryId: `opening-${coop}`,
        businessDate: '2026-11-01',
        description: 'Saldo awal (opening balance)',
        lines: [
          { account: '1-120', debit: idr(5_000_000) },
          { account: '3-300', credit: idr(5_000_000) },
        ],
      });
      expect(opening.status).toBe(201);
    }
  });
  afterEach(async () => {
    await expectBooksBalance(h.settlement, [A, B, C, P]);
    expect(h.settlement.unposted.list(undefined, 10)).toEqual([]);
    await h.close();
  });

  const send = (id: string, from: string, to: string, amount: number) =>
    h.post('/transfers', { transferId: id, fromCoopId: from, toCoopId: to, amount: idr(amount) });

  async function closedBatch(): Promise<string> {
    await send('t-1', A, B, 300_000);
    await send('t-2', B, C, 100_000);
    await send('t-3', C, A, 50_000);
    const open = await h.get('/settlement-batches?status=open');
    expect(open.body.items).toHaveLength(1);
    const batchId: string = open.body.items[0].batchId;
    const closed = await h.post(`/settlement-batches/${batchId}/close`, undefined);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', transferCount: 3, total: idr(450_000) });
    return batchId;
  }

  it('keeps positions as the batch fills, nets them to zero, and settles coop by coop', async () => {
    const batchId = await closedBatch();
    const positions = await h.get(`/settlement-batches/${batchId}/positions`);
    expect(positions.body.positions).toEqual([
      { coopId: A, debits: idr(300_000), credits: idr(50_000), net: idr(-250_000) },
      { coopId: B, debits: idr(100_000), credits: idr(300_000), net: idr(200_000) },
      { coopId: C, debits: idr(50_000), credits: idr(100_000), net: idr(50_000) },
    ]);
    expect(positions.body.sumOfNets).toEqual(idr(0));
    expect(positions.body.bilateral).toHaveLength(3);

    const next = await send('t-4', A, B, 10_000);
    expect(next.body.batchId).not.toBe(batchId);
    expect((await h.post(`/settlement-batches/${batchId}/close`, undefined)).status).toBe(409);

    const recorded = await h.post(`/settlement-batches/${batchId}/record-settlement`, undefined);
    expect(
      recorded.body.instructions.map(
        (i: { coopId: string; direction: string; amount: unknown }) => [
          i.coopId,
          i.direction,
          i.amount,
        ],
      ),
    ).toEqual([
      [A, 'pay', idr(250_000)],
      [B, 'receive', idr(200_000)],
      [C, 'receive', idr(50_000)],
    ]);
    expect((await h.post(`/settlement-batches/${batchId}/reserve`, undefined)).body.status).toBe(
      'reserved',
    );
    expect((await h.post(`/settlement-batches/${batchId}/commit`, undefined)).body.status).toBe(
      'committed',
    );

    const early = await h.post(`/settlement-batches/${batchId}/settlements`, {
      coopId: B,
      bankReference: 'BNI-778',
    });
    expect(early.body).toMatchObject({
      status: 409,
      code: 'settle-payers-first',
      details: { payers: [A] },
    });
    const paid = await h.post(`/settlement-batches/${batchId}/settlements`, {
      coopId: A,
      bankReference: 'BNI-777',
      settledOn: '2026-11-27',
    });
    expect(paid.body.status).toBe('settling');
    expect((await h.get(`/coops/${A}/limits`)).body.currencies[0].netDebit).toEqual(idr(10_000));
    await h.post(`/settlement-batches/${batchId}/settlements`, {
      coopId: B,
      bankReference: 'BNI-778',
    });
    const done = await h.post(`/settlement-batches/${batchId}/settlements`, {
      coopId: C,
      bankReference: 'BNI-779',
    });
    expect(done.body).toMatchObject({
      status: 'settled',
      settlements: [{ coopId: A }, { coopId: B }, { coopId: C }],
    });
    expect(
      (
        await h.post(`/settlement-batches/${batchId}/settlements`, {
          coopId: C,
          bankReference: 'BNI-779',
        })
      ).status,
    ).toBe(200);
    expect(
      (await h.get('/settlement-batches?status=settled')).body.items.map(
        (b: { batchId: string }) => b.batchId,
      ),
    ).toEqual([batchId]);
    expect((await h.get(`/settlement-batches/${batchId}/positions`)).body.positions).toHaveLength(
      3,
    );

    await h.settlement.settle();
    const gl = await h.get(`/coops/${A}/books/general-ledger?account=1-160`);
    expect(gl.body.closing).toBe('-10000');
    const parent = await h.get(`/coops/${P}/books/trial-balance`);
    const clearing = parent.body.rows.filter((r: { account: string }) =>
      r.account.startsWith('1-160.'),
    );
    // After settlement only the next batch's transfer is owed: A owes 10000, B is owed it.
    expect(
      clearing.map((r: { debitBalance: string; creditBalance: string }) => [
        r.debitBalance,
        r.creditBalance,
      ]),
    ).toEqual([
      ['10000', '0'],
      ['0', '10000'],
      ['0', '0'],
    ]);
    const consolidated = await h.get(`/coops/${P}/books/consolidated/trial-balance`);
    expect(consolidated.status).toBe(200);
    expect(consolidated.body.coops).toEqual(expect.arrayContaining([P, A, B, C]));
    expect(
      consolidated.body.statement.rows.find((r: { account: string }) => r.account === '1-199'),
    ).toBeUndefined();
  });

  it('refuses a bank value date before the day the batch was closed, and changes nothing', async () => {
    const batchId = await closedBatch(); // closed on 2026-11-27, Jakarta time
    h.advance(24 * 3_600_000);
    for (const step of ['record-settlement', 'reserve', 'commit'])
      expect((await h.post(`/settlement-batches/${batchId}/${step}`, undefined)).status).toBe(200);
    for (const settledOn of ['2001-01-01', '2026-11-26']) {
      const early = await h.post(`/settlement-batches/${batchId}/settlements`, {
        coopId: A,
        bankReference: 'BNI-1',
        settledOn,
      });
      expect(early.body).toMatchObject({
        status: 422,
        code: 'settled-on-before-batch',
        errors: [{ pointer: '/settledOn' }],
      });
    }
    expect((await h.get(`/settlement-batches/${batchId}`)).body).toMatchObject({
      status: 'committed',
      settlements: [],
    });
    const paid = await h.post(`/settlement-batches/${batchId}/settlements`, {
      coopId: A,
      bankReference: 'BNI-1',
      settledOn: '2026-11-27',
    });
    expect(paid.body).toMatchObject({
      status: 'settling',
      settlements: [{ settledOn: '2026-11-27' }],
    });
    for (const coopId of [B, C])
      await h.post(`/settlement-batches/${batchId}/settlements`, {
        coopId,
        bankReference: 'BNI-2',
      });
    await h.settlement.settle();
  });

  it('aborts a settlement back to closed, and holds a disputed batch until the dispute is resolved', async () => {
    const batchId = await closedBatch();
    await h.post(`/settlement-batches/${batchId}/record-settlement`, undefined);
    const aborted = await h.post(`/settlement-batches/${batchId}/abort`, {
      reason: 'wrong bank account',
    });
    expect(aborted.body).toMatchObject({ status: 'closed', instructions: [] });
    const disputed = await h.post(
      `/settlement-batches/${batchId}/disputes`,
      { coopId: B, reason: 'we count 290000 from A' },
      h.kit.keys.coopB,
    );
    expect(disputed.body).toMatchObject({
      status: 'disputed',
      dispute: { coopId: B, previousStatus: 'closed' },
    });
    expect(
      (await h.post(`/settlement-batches/${batchId}/record-settlement`, undefined)).body.code,
    ).toBe('batch-status-invalid');
    expect(
      (
        await h.post(
          `/settlement-batches/${batchId}/disputes`,
          { coopId: A, reason: 'x' },
          h.kit.keys.coopB,
        )
      ).status,
    ).toBe(403);
    const resolved = await h.post(`/settlement-batches/${batchId}/disputes/resolve`, {
      resolution: 'statement confirms 300000',
    });
    expect(resolved.body).toMatchObject({ status: 'closed', dispute: null });
    expect((await h.post(`/settlement-batches/${batchId}/commit`, undefined)).status).toBe(409);
  });

  it("answers a coop's dispute with its own part of the batch, not the other coops'", async () => {
    const batchId = await closedBatch();
    for (const step of ['record-settlement', 'reserve'])
      expect((await h.post(`/settlement-batches/${batchId}/${step}`, undefined)).status).toBe(200);
    const disputed = await h.post(
      `/settlement-batches/${batchId}/disputes`,
      { coopId: B, reason: 'we count 290000 from A' },
      h.kit.keys.coopB,
    );
    expect(disputed.body).toMatchObject({ status: 'disputed', dispute: { coopId: B } });
    const coops = (items: { coopId: string }[]) => [...new Set(items.map((i) => i.coopId))];
    expect(coops(disputed.body.instructions)).toEqual([B]);
    expect(disputed.body.reservations).toEqual([]);
    const whole = await h.get(`/settlement-batches/${batchId}`);
    expect(coops(whole.body.instructions)).toEqual([A, B, C]);
    expect(coops(whole.body.reservations)).toEqual([A]);
  });

  it('refuses to reserve a net debit above the cover, unless the shortfall may become a liquidity loan', async () => {
    const batchId = await closedBatch();
    await h.put(`/coops/${A}/liquidity-cover/IDR`, { amount: idr(100_000) });
    await h.post(`/settlement-batches/${batchId}/record-settlement`, undefined);
    const refused = await h.post(`/settlement-batches/${batchId}/reserve`, undefined);
    expect(refused.body).toMatchObject({ status: 422, code: 'liquidity-cover-insufficient' });
    await h.put(`/coops/${A}/limits/IDR`, { netDebitCap: idr(1_000_000), autoLiquidityLoan: true });
    const reserved = await h.post(`/settlement-batches/${batchId}/reserve`, undefined);
    expect(reserved.body.reservations).toEqual([
      { coopId: A, amount: idr(250_000), cover: idr(100_000), shortfall: idr(150_000) },
    ]);
    await h.post(`/settlement-batches/${batchId}/commit`, undefined);
    const stream = await h.kit.store.readStream(`batch-${batchId}`);
    expect(stream.map((e) => e.type)).toContain('LiquidityLoanRequested');
    expect(stream.find((e) => e.type === 'LiquidityLoanRequested')!.data).toMatchObject({
      coopId: A,
      parentCoopId: P,
      shortfall: idr(150_000),
    });
  });

  it('raises an alarm as a position passes its share of the cap, and clears it once settled', async () => {
    await send('t-9', A, B, 850_000);
    const alarms = await h.get('/alarms');
    expect(alarms.body.items).toEqual([
      expect.objectContaining({ coopId: A, position: idr(850_000), netDebitCap: idr(1_000_000) }),
    ]);
    const batchId = (await h.get('/settlement-batches?status=open')).body.items[0].batchId;
    await h.post(`/settlement-batches/${batchId}/close`, undefined);
    for (const step of ['record-settlement', 'reserve', 'commit'])
      await h.post(`/settlement-batches/${batchId}/${step}`, undefined);
    await h.post(`/settlement-batches/${batchId}/settlements`, {
      coopId: A,
      bankReference: 'REF-1',
    });
    expect((await h.get('/alarms')).body.items).toEqual([]);
    const limits = await h.kit.store.readStream(`limits-${A}`);
    expect(limits.map((e) => e.type)).toEqual(
      expect.arrayContaining(['NetDebitAlarmRaised', 'NetDebitAlarmCleared']),
    );
  });

  describe('clears the alarm of a coop whose position falls as it is paid', () => {
    const alarmedCoops = async () =>
      (await h.get('/alarms')).body.items.map((a: { coopId: string }) => a.coopId);
    const alarmOfA = async () =>
      (await h.get(`/coops/${A}/limits`)).body.currencies[0].alarm as unknown;

    beforeEach(async () => {
      expect((await send('t-9', A, B, 850_000)).status).toBe(201);
      expect(await alarmedCoops()).toEqual([A]);
    });

    it('by a transfer it receives', async () => {
      expect((await send('t-10', B, A, 500_000)).status).toBe(201);
      expect((await h.get(`/coops/${A}/limits`)).body.currencies[0].position).toEqual(idr(350_000));
      expect(await alarmOfA()).toBeNull();
      expect(await alarmedCoops()).toEqual([]);
    });

    it('by a pending transfer to it, once posted', async () => {
      const reserved = await h.post('/transfers', {
        transferId: 't-10',
        fromCoopId: B,
        toCoopId: A,
        amount: idr(500_000),
        pending: true,
      });
      expect(reserved.status).toBe(201);
      expect(await alarmedCoops()).toEqual([A]);
      expect((await h.post('/transfers/t-10/post', {})).status).toBe(200);
      expect(await alarmOfA()).toBeNull();
    });

    it('by a group in which it is paid', async () => {
      const group = await h.post('/transfer-groups', {
        groupId: 'g-back',
        transfers: [
          { transferId: 't-10', fromCoopId: B, toCoopId: A, amount: idr(300_000) },
          { transferId: 't-11', fromCoopId: C, toCoopId: A, amount: idr(200_000) },
        ],
      });
      expect(group.status).toBe(201);
      expect(await alarmOfA()).toBeNull();
      expect(await alarmedCoops()).toEqual([]);
    });
  });

  it('pages batches, open ones first, never more than the limit, each one reached once', async () => {
    const closedId = await closedBatch();
    await send('t-10', A, B, 10_000);
    h.advance(86_400_000);
    await send('t-11', A, B, 10_000);
    const opened = (await h.get('/settlement-batches?status=open')).body.items.map(
      (b: { batchId: string }) => b.batchId,
    );
    expect(opened).toHaveLength(2);
    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const res = await h.get(
          `/settlement-batches?limit=1${query}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(1);
        seen.push(...res.body.items.map((b: { batchId: string }) => b.batchId));
        cursor = res.body.next;
        if (cursor === null) return seen;
      }
      throw new Error('paging did not end');
    };
    expect(await walk('')).toEqual([...[...opened].sort(), closedId]);
    expect(await walk('&status=open')).toEqual([...opened].sort());
    expect(await walk('&status=closed')).toEqual([closedId]);
  });
});
