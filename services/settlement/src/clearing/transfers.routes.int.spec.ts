import type { SqliteEventStore } from '@kopfed/eventstore';
import { createLogger } from '@kopfed/service-kit';
import { A, B, C, idr, P, settlementHarness, type Harness } from '../testing/harness';
import { expectBooksBalance } from '../testing/books';
import { ClearingCore } from './engine/clearing-core';
import { encodeClearing } from './snapshot';

describe('inter-coop transfers over HTTP', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await settlementHarness();
    await h.fund(A, 1_000_000);
    await h.fund(B, 1_000_000);
  });
  afterEach(async () => {
    await expectBooksBalance(h.settlement, [A, B, C, P]);
    await h.close();
  });

  const transfer = (id: string, extra: object = {}) => ({
    transferId: id,
    fromCoopId: A,
    toCoopId: B,
    amount: idr(250_000),
    ...extra,
  });

  it('posts a transfer at once, returns the original for the same id and fields, and names the field that differs', async () => {
    const created = await h.post('/transfers', transfer('t-1', { reference: 'INV-7' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      transferId: 't-1',
      status: 'posted',
      parentCoopId: P,
      postedAmount: idr(250_000),
    });
    expect(created.headers.location).toBe('/api/settlement/v1/transfers/t-1');

    const again = await h.post('/transfers', transfer('t-1', { reference: 'INV-7' }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(created.body);

    const conflicting = await h.post(
      '/transfers',
      transfer('t-1', { reference: 'INV-7', amount: idr(250_001) }),
    );
    expect(conflicting.status).toBe(409);
    expect(conflicting.body).toMatchObject({
      code: 'transfer-id-conflict',
      errors: [{ in: 'body', pointer: '/amount/amount' }],
    });
    const otherPayee = await h.post(
      '/transfers',
      transfer('t-1', { reference: 'INV-7', toCoopId: C }),
    );
    expect(otherPayee.body.errors[0].pointer).toBe('/toCoopId');
    // A timeout the posted original did not have differs too (and alone would be refused).
    const withTimeout = await h.post(
      '/transfers',
      transfer('t-1', { reference: 'INV-7', timeoutSeconds: 60 }),
    );
    expect(withTimeout.status).toBe(409);
    expect(withTimeout.body.errors[0].pointer).toBe('/timeoutSeconds');

    // A transfer id taken under another federation tells its coops nothing but that.
    for (const coop of ['coop-q1', 'coop-q2']) h.kit.directory.setParent(coop, 'coop-q');
    await h.agree('coop-q1', 'coop-q2');
    const otherTreasurer = (
      await h.kit.registry.create({ role: 'treasurer', coopId: 'coop-q', createdBy: 'test' })
    ).token;
    const elsewhere = await h.post(
      '/transfers',
      transfer('t-1', { fromCoopId: 'coop-q1', toCoopId: 'coop-q2' }),
      otherTreasurer,
    );
    // Naming one of the transfer's coops as payee proves nothing: only the payer is checked.
    const namingPayee = await h.post(
      '/transfers',
      transfer('t-1', { fromCoopId: 'coop-q1', toCoopId: B }),
      otherTreasurer,
    );
    for (const reply of [elsewhere, namingPayee]) {
      expect(reply.status).toBe(409);
      expect(reply.body).toMatchObject({
        code: 'transfer-id-conflict',
        detail: 'Transfer id t-1 is already in use: choose another.',
        errors: [{ in: 'body', pointer: '/transferId' }],
      });
    }

    const limits = await h.get(`/coops/${A}/limits`);
    expect(limits.body.currencies[0]).toMatchObject({
      netDebit: idr(250_000),
      pendingDebit: idr(0),
    });
  });

  it('reserves a pending transfer, then posts part of it and releases the rest', async () => {
    const reserved = await h.post(
      '/transfers',
      transfer('t-2', { pending: true, timeoutSeconds: 600 }),
    );
    expect(reserved.status).toBe(201);
    expect(reserved.body).toMatchObject({
      status: 'pending',
      batchId: null,
      expiresAt: '2026-11-27T03:10:00.000Z',
    });
    expect((await h.get(`/coops/${A}/limits`)).body.currencies[0]).toMatchObject({
      pendingDebit: idr(250_000),
      position: idr(250_000),
    });

    const tooMuch = await h.post('/transfers/t-2/post', { amount: idr(250_001) });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.code).toBe('post-exceeds-reserved');

    const posted = await h.post('/transfers/t-2/post', { amount: idr(100_000) });
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({
      status: 'posted',
      postedAmount: idr(100_000),
      amount: idr(250_000),
    });
    expect((await h.get(`/coops/${A}/limits`)).body.currencies[0]).toMatchObject({
      pendingDebit: idr(0),
      netDebit: idr(100_000),
    });

    const twice = await h.post('/transfers/t-2/post', {});
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      code: 'transfer-not-pending',
      details: { status: 'posted' },
    });
    expect((await h.get('/transfers/t-2')).body.status).toBe('posted');
  });

  it('posts a pending transfer in full when no amount is given', async () => {
    await h.post('/transfers', transfer('t-3', { pending: true }));
    const posted = await h.post('/transfers/t-3/post', undefined);
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ status: 'posted', postedAmount: idr(250_000) });
  });

  it('voids a pending transfer and releases what it reserved', async () => {
    await h.post('/transfers', transfer('t-4', { pending: true }));
    const voided = await h.post('/transfers/t-4/void', undefined);
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ status: 'voided', postedAmount: null });
    expect((await h.get(`/coops/${A}/limits`)).body.currencies[0]).toMatchObject({
      pendingDebit: idr(0),
      position: idr(0),
    });
    expect((await h.post('/transfers/t-4/post', undefined)).status).toBe(409);
  });

  it('expires a pending transfer after its timeout, and refuses to post it', async () => {
    await h.post('/transfers', transfer('t-5', { pending: true, timeoutSeconds: 60 }));
    h.advance(59_000);
    expect(await h.settlement.transfers.expireDue()).toBe(0);
    h.advance(1_000);
    const late = await h.post('/transfers/t-5/post', undefined);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('transfer-expired');
    expect(await h.settlement.transfers.expireDue()).toBe(1);
    expect((await h.get('/transfers/t-5')).body).toMatchObject({
      status: 'expired',
      voidedAt: '2026-11-27T03:01:00.000Z',
    });
    expect((await h.get(`/coops/${A}/limits`)).body.currencies[0]).toMatchObject({
      position: idr(0),
    });
  });

  it('at close of business expires every transfer due, however many sweeps that takes', async () => {
    for (const id of ['t-40', 't-41', 't-42'])
      await h.post('/transfers', transfer(id, { pending: true, timeoutSeconds: 60 }));
    h.advance(60_000);
    // Sweeps of two at a time: the close of business goes on until one finds fewer.
    expect(await h.settlement.transfers.expireAllDue(2)).toBe(3);
    for (const id of ['t-40', 't-41', 't-42'])
      expect((await h.get(`/transfers/${id}`)).body.status).toBe('expired');
  });

  it('closing waits for the expiry sweep in progress, which stops between transfers', async () => {
    await h.post('/transfers', transfer('t-30', { pending: true, timeoutSeconds: 60 }));
    await h.post('/transfers', transfer('t-31', { pending: true, timeoutSeconds: 60 }));
    h.advance(60_000);
    expect(await h.settlement.transfers.expireDue(AbortSignal.abort())).toBe(0);

    await h.settlement.instance.close?.();
    const restarted = await h.reopen({ expirySweepMs: 10 });
    const { transfers } = restarted;
    const expireDue = transfers.expireDue.bind(transfers);
    let entered!: () => void;
    const inSweep = new Promise<void>((resolve) => (entered = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const sweeps = jest.spyOn(transfers, 'expireDue').mockImplementation(async (signal) => {
      entered();
      await gate;
      return expireDue(signal);
    });
    await restarted.instance.start?.();
    await inSweep;
    let closed = false;
    const closing = restarted.instance.close!().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    open();
    await closing;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sweeps).toHaveBeenCalledTimes(1);
    expect((await transfers.get('t-30'))?.status).toBe('pending');
    expect((await transfers.get('t-31'))?.status).toBe('pending');
  });

  it('refuses a transfer over the cap or the cover, with the headroom left, and changes nothing', async () => {
    await h.fund(C, 300_000, 200_000);
    const overCover = await h.post('/transfers', {
      transferId: 't-6',
      fromCoopId: C,
      toCoopId: A,
      amount: idr(200_001),
    });
    expect(overCover.status).toBe(422);
    expect(overCover.body).toMatchObject({
      code: 'liquidity-cover-exceeded',
      details: { headroom: idr(200_000), liquidityCover: idr(200_000) },
    });
    await h.put(`/coops/${C}/limits/IDR`, { netDebitCap: idr(300_000), autoLiquidityLoan: true });
    const overCap = await h.post('/transfers', {
      transferId: 't-6',
      fromCoopId: C,
      toCoopId: A,
      amount: idr(300_001),
    });
    expect(overCap.status).toBe(422);
    expect(overCap.body).toMatchObject({
      code: 'net-debit-cap-exceeded',
      errors: [{ pointer: '/amount/amount' }],
      details: { headroom: idr(300_000) },
    });
    expect((await h.get('/transfers/t-6')).status).toBe(404);
    expect(
      (
        await h.post('/transfers', {
          transferId: 't-6',
          fromCoopId: C,
          toCoopId: A,
          amount: idr(300_000),
        })
      ).status,
    ).toBe(201);
  });

  it('refuses transfers between coops without a common parent, to itself, or from a coop the caller does not reach', async () => {
    h.kit.directory.setParent('coop-x', 'coop-other');
    const strangers = await h.post('/transfers', {
      transferId: 't-7',
      fromCoopId: A,
      toCoopId: 'coop-x',
      amount: idr(1),
    });
    expect(strangers.body).toMatchObject({ status: 422, code: 'coops-not-siblings' });
    expect(
      (
        await h.post('/transfers', {
          transferId: 't-8',
          fromCoopId: A,
          toCoopId: A,
          amount: idr(1),
        })
      ).body.code,
    ).toBe('transfer-to-self');
    const foreign = await h.post(
      '/transfers',
      { transferId: 't-9', fromCoopId: B, toCoopId: A, amount: idr(1) },
      h.kit.keys.coopA,
    );
    expect(foreign.status).toBe(403);
    const own = await h.post(
      '/transfers',
      { transferId: 't-9', fromCoopId: A, toCoopId: B, amount: idr(1) },
      h.kit.keys.coopA,
    );
    expect(own.status).toBe(201);
    expect((await h.get('/transfers/t-9', h.kit.keys.coopB)).status).toBe(200);
    expect(
      (
        await h.post('/transfers', {
          transferId: 't-10',
          fromCoopId: A,
          toCoopId: B,
          amount: idr(-5),
        })
      ).status,
    ).toBe(400);
  });

  it('makes an atomic group: every leg or none, and deduplicates it for ever', async () => {
    const legs = [
      transfer('g-1a'),
      { ...transfer('g-1b'), fromCoopId: B, toCoopId: A, amount: idr(2_000_000) },
    ];
    const refused = await h.post('/transfer-groups', { groupId: 'g-1', transfers: legs });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].pointer).toBe('/transfers/1/amount/amount');
    expect((await h.get('/transfers/g-1a')).status).toBe(404);

    legs[1] = { ...legs[1]!, amount: idr(300_000) };
    const made = await h.post('/transfer-groups', { groupId: 'g-1', transfers: legs });
    expect(made.status).toBe(201);
    expect(made.body.transfers.map((t: { status: string }) => t.status)).toEqual([
      'posted',
      'posted',
    ]);
    expect((await h.post('/transfer-groups', { groupId: 'g-1', transfers: legs })).status).toBe(
      200,
    );
    const changed = await h.post('/transfer-groups', {
      groupId: 'g-1',
      transfers: [legs[0], { ...legs[1], memo: 'other' }],
    });
    expect(changed.body).toMatchObject({ status: 409, errors: [{ pointer: '/transfers/1/memo' }] });
    // The group id again with fresh transfer ids: a conflict, even where the legs would be refused.
    for (const amount of [idr(250_000), idr(9_000_000)]) {
      const other = await h.post('/transfer-groups', {
        groupId: 'g-1',
        transfers: [transfer('g-1x', { amount }), transfer('g-1y')],
      });
      expect(other.body).toMatchObject({
        status: 409,
        code: 'transfer-id-conflict',
        errors: [{ pointer: '/transfers/0/transferId' }],
      });
    }
    expect((await h.get('/transfers/g-1x')).status).toBe(404);

    const reuse = await h.post('/transfers', transfer('g-1a'));
    expect(reuse.body).toMatchObject({
      status: 409,
      code: 'transfer-id-conflict',
      errors: [{ pointer: '/transferId' }],
    });
    const legAgain = await h.post('/transfer-groups', {
      groupId: 'g-2',
      transfers: [transfer('t-11'), transfer('g-1b')],
    });
    expect(legAgain.body).toMatchObject({
      status: 409,
      errors: [{ pointer: '/transfers/1/transferId' }],
    });
    expect((await h.get('/transfers/t-11')).status).toBe(404);
    expect((await h.get('/transfer-groups/g-1')).body.transfers).toHaveLength(2);
  });

  it("refuses a group whose leg takes a single transfer's id, before and after a snapshot", async () => {
    expect((await h.post('/transfers', transfer('t-1', { amount: idr(1_000) }))).status).toBe(201);
    expect((await h.post('/transfers', transfer('t-2', { amount: idr(1_000) }))).status).toBe(201);
    const group = (groupId: string, taken: string) =>
      h.post('/transfer-groups', {
        groupId,
        transfers: [transfer(`${groupId}-a`, { amount: idr(1_000) }), transfer(taken)],
      });
    const conflict = {
      status: 409,
      code: 'transfer-id-conflict',
      errors: [{ pointer: '/transfers/1/transferId' }],
    };
    expect((await group('g-1', 't-1')).body).toMatchObject(conflict);
    h.settlement.core.snapshot();
    expect((await group('g-2', 't-2')).body).toMatchObject(conflict);
    expect((await h.get('/transfers/g-1-a')).status).toBe(404);
    expect((await h.get('/transfers/g-2-a')).status).toBe(404);
  });

  it('shows a coop only the legs of a group it is a party to', async () => {
    const legs = [
      transfer('g-4a', { amount: idr(1_000) }),
      transfer('g-4b', { amount: idr(2_000), toCoopId: C }),
    ];
    expect((await h.post('/transfer-groups', { groupId: 'g-4', transfers: legs })).status).toBe(
      201,
    );
    const ids = async (key: string) =>
      (await h.get('/transfer-groups/g-4', key)).body.transfers.map(
        (t: { transferId: string }) => t.transferId,
      );
    expect(await ids(h.kit.keys.coopB)).toEqual(['g-4a']);
    expect(await ids(h.kit.keys.coopA)).toEqual(['g-4a', 'g-4b']);
    expect(await ids(h.kit.keys.treasurerP)).toEqual(['g-4a', 'g-4b']);
  });

  it('tells a coop reusing the group id of a group it is no party to only that the id is taken', async () => {
    const legs = ['g-5a', 'g-5b', 'g-5c'].map((id) =>
      transfer(id, { amount: idr(1_000), toCoopId: C }),
    );
    const made = await h.post('/transfer-groups', { groupId: 'g-5', transfers: legs });
    expect(made.status).toBe(201);
    const other = await h.post(
      '/transfer-groups',
      {
        groupId: 'g-5',
        transfers: [{ transferId: 'g-5x', fromCoopId: B, toCoopId: A, amount: idr(5) }],
      },
      h.kit.keys.coopB,
    );
    expect(other.body).toMatchObject({
      status: 409,
      code: 'group-id-conflict',
      detail: 'Group id g-5 is already in use: choose another.',
      errors: [{ in: 'body', pointer: '/groupId' }],
    });
    // A party to it still learns what differs.
    const party = await h.post('/transfer-groups', { groupId: 'g-5', transfers: legs.slice(0, 2) });
    expect(party.body).toMatchObject({ status: 409, detail: 'Group g-5 has 3 transfers.' });
    expect((await h.get('/transfers/g-5x')).status).toBe(404);
  });

  it('posts and voids pending legs of a group one by one', async () => {
    const legs = [transfer('g-3a', { pending: true }), transfer('g-3b', { pending: true })];
    expect((await h.post('/transfer-groups', { groupId: 'g-3', transfers: legs })).status).toBe(
      201,
    );
    expect((await h.post('/transfers/g-3a/post', undefined)).body.status).toBe('posted');
    expect((await h.post('/transfers/g-3b/void', undefined)).body.status).toBe('voided');
    const group = await h.get('/transfer-groups/g-3');
    expect(group.body.transfers.map((t: { status: string }) => t.status)).toEqual([
      'posted',
      'voided',
    ]);
    expect((await h.get(`/coops/${A}/limits`)).body.currencies[0]).toMatchObject({
      netDebit: idr(250_000),
      pendingDebit: idr(0),
    });
  });

  it('opens a new batch when a new window length starts where a closed window did, and replays', async () => {
    const configure = (windowMinutes: number) =>
      h.put(`/coops/${P}/clearing-config`, { windowMinutes, defaultModel: 'multilateral_net' });
    expect((await configure(60)).status).toBe(200);
    const first = await h.post('/transfers', transfer('w-1'));
    const firstBatch: string = first.body.batchId;
    h.advance(65 * 60_000); // the 10:00–11:00 Jakarta window has ended
    expect((await h.post(`/settlement-batches/${firstBatch}/close`, undefined)).status).toBe(200);

    expect((await configure(120)).status).toBe(200); // 10:00–12:00 starts where it did
    const second = await h.post('/transfers', transfer('w-2'));
    expect(second.status).toBe(201);
    expect(second.body.batchId).not.toBe(firstBatch);
    expect((await h.get(`/settlement-batches/${firstBatch}`)).body.transferCount).toBe(1);
    expect((await h.get(`/settlement-batches/${second.body.batchId}`)).body).toMatchObject({
      status: 'open',
      transferCount: 1,
    });

    const restored = new ClearingCore({
      store: h.kit.store,
      db: (h.kit.store as SqliteEventStore).database,
      logger: createLogger({ level: 'silent' }),
    });
    await restored.restore();
    expect(encodeClearing(restored.state)).toEqual(encodeClearing(h.settlement.core.state));
  });
  it('refuses a transfer or a group leg that would take a batch total past 18 digits, and the batch still settles', async () => {
    const huge = 900_000_000_000_000_000n;
    for (const coop of [A, C]) {
      await h.put(`/coops/${coop}/limits/IDR`, {
        netDebitCap: idr(huge),
        alarmAtBasisPoints: 8_000,
      });
      await h.put(`/coops/${coop}/liquidity-cover/IDR`, { amount: idr(huge) });
    }
    const first = await h.post('/transfers', transfer('big-1', { amount: idr(huge) }));
    expect(first.status).toBe(201);
    const batchId: string = first.body.batchId;

    const over = await h.post('/transfers', {
      ...transfer('big-2', { amount: idr(huge) }),
      fromCoopId: C,
    });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({
      code: 'batch-total-too-large',
      errors: [{ pointer: '/amount/amount' }],
      details: { batchId, headroom: idr(99_999_999_999_999_999n) },
    });
    const group = await h.post('/transfer-groups', {
      groupId: 'big-g',
      transfers: [
        { ...transfer('big-g1', { amount: idr(60_000_000_000_000_000n) }), fromCoopId: C },
        { ...transfer('big-g2', { amount: idr(50_000_000_000_000_000n) }), fromCoopId: C },
      ],
    });
    expect(group.body).toMatchObject({
      code: 'batch-total-too-large',
      errors: [{ pointer: '/transfers/1/amount/amount' }],
    });
    expect((await h.get('/transfers/big-g1')).status).toBe(404);
    expect((await h.get(`/coops/${C}/limits`)).body.currencies[0].netDebit).toEqual(idr(0));

    const last = await h.post('/transfers', {
      ...transfer('big-3', { amount: idr(99_999_999_999_999_999n) }),
      fromCoopId: C,
    });
    expect(last.body).toMatchObject({ status: 'posted', batchId });
    const closed = await h.post(`/settlement-batches/${batchId}/close`, undefined);
    expect(closed.body.total).toEqual(idr(999_999_999_999_999_999n));
    expect(
      (await h.post(`/settlement-batches/${batchId}/record-settlement`, undefined)).status,
    ).toBe(200);
  });
});

describe('the closed-loop rule on inter-coop transfers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await settlementHarness({ agreements: false }); // 2026-11-27 in Jakarta
    await h.fund(A, 1_000_000);
  });
  afterEach(async () => {
    await h.close();
  });

  const send = (id: string, from: string = A, to: string = B) =>
    h.post('/transfers', { transferId: id, fromCoopId: from, toCoopId: to, amount: idr(1_000) });

  const expectNothingChanged = async () => {
    expect((await h.get('/settlement-batches?status=open')).body.items).toEqual([]);
    expect((await h.get(`/coops/${A}/limits`)).body.currencies[0]).toMatchObject({
      netDebit: idr(0),
      pendingDebit: idr(0),
    });
  };

  it('refuses a transfer between coops without a cooperation agreement, and changes nothing', async () => {
    const refused = await send('pks-1');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'no-cooperation-agreement',
      errors: [{ pointer: '/toCoopId' }],
    });
    expect(refused.body.detail).toContain('2026-11-27');
    expect((await h.get('/transfers/pks-1')).status).toBe(404);
    await h.agree(A, C); // another pair's agreement does not count
    expect((await send('pks-1')).status).toBe(422);
    await expectNothingChanged();
  });

  it('takes a transfer either way under an agreement in force today', async () => {
    await h.agree(B, A, { validFrom: '2026-11-27', validUntil: '2026-11-27' });
    expect((await send('pks-2')).status).toBe(201);
    await h.fund(B, 1_000_000);
    expect((await send('pks-3', B, A)).status).toBe(201);
    h.advance(24 * 3_600_000); // 2026-11-28: past its last day
    expect((await send('pks-4')).body.code).toBe('no-cooperation-agreement');
  });

  it('refuses under an agreement not yet begun or terminated by today', async () => {
    await h.agree(A, B, { validFrom: '2026-11-28', validUntil: '2027-11-27' });
    expect((await send('pks-5')).body.code).toBe('no-cooperation-agreement');
    const signed = await h.agree(A, B, { validFrom: '2026-01-01', validUntil: '2026-12-31' });
    await h.terminateAgreement(signed, '2026-11-27');
    expect((await send('pks-5')).body.code).toBe('no-cooperation-agreement');
    await expectNothingChanged();
  });

  it('refuses a whole group when one leg has no agreement', async () => {
    await h.agree(A, B);
    const group = await h.post('/transfer-groups', {
      groupId: 'pks-g',
      transfers: [
        { transferId: 'pks-g1', fromCoopId: A, toCoopId: B, amount: idr(1_000) },
        { transferId: 'pks-g2', fromCoopId: A, toCoopId: C, amount: idr(1_000) },
      ],
    });
    expect(group.status).toBe(422);
    expect(group.body).toMatchObject({
      code: 'no-cooperation-agreement',
      errors: [{ pointer: '/transfers/1/toCoopId' }],
    });
    expect((await h.get('/transfers/pks-g1')).status).toBe(404);
    await expectNothingChanged();
  });
});
