import request from 'supertest';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '../testing/savings-harness';

const base = '/api/savings/v1';
let h: SavingsHarness;
const sync = (body: object, token = h.keys.coopA) =>
  request(h.app)
    .post(`${base}/coops/${COOPS.A}/sync/transactions`)
    .set({ Authorization: `Bearer ${token}` })
    .send(body);

beforeAll(async () => {
  h = await savingsHarness();
  await request(h.app)
    .post(`${base}/coops/${COOPS.A}/products`)
    .set({ Authorization: `Bearer ${h.keys.coopA}` })
    .send(PRODUCTS.SUKARELA)
    .expect(201);
  await h.joinPerson(COOPS.A, 'm-1', 'AGT-001');
});
afterAll(() => h.close());

const opening = {
  externalId: 'OB-1',
  accountId: 'AGT-001-S',
  type: 'open',
  memberExternalId: 'AGT-001',
  productCode: 'SUKARELA',
  businessDate: '2024-01-02',
  openingBalance: idr(1_000_000),
};

describe('bulk sync of savings transactions', () => {
  it('onboards an account with its original business date and applies transactions, with per-item results', async () => {
    const response = await sync({
      sequence: 1,
      items: [
        opening,
        {
          externalId: 'TX-1',
          accountId: 'AGT-001-S',
          type: 'deposit',
          amount: idr(200_000),
          businessDate: '2025-06-01',
        },
        {
          externalId: 'TX-2',
          accountId: 'AGT-001-S',
          type: 'withdrawal',
          amount: idr(5_000_000),
          businessDate: '2025-06-02',
        },
        {
          externalId: 'TX-3',
          accountId: 'AGT-001-S',
          type: 'withdrawal',
          amount: idr(100_000),
          businessDate: '2025-06-03',
        },
      ],
    }).expect(200);
    expect(response.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'created',
      'rejected',
      'created',
    ]);
    expect(response.body.results[2].problem.code).toBe('insufficient-funds');
    expect(response.body).toMatchObject({
      sequence: 1,
      duplicateSequence: false,
      counts: { created: 3, rejected: 1 },
    });
    const balance = await request(h.app)
      .get(`${base}/coops/${COOPS.A}/accounts/AGT-001-S/balance?on=2025-06-01`)
      .set({ Authorization: `Bearer ${h.keys.auditorP}` })
      .expect(200);
    expect(balance.body).toMatchObject({ basis: 'effective_on', balance: idr(1_200_000) });
    const early = await request(h.app)
      .get(`${base}/coops/${COOPS.A}/accounts/AGT-001-S/balance?on=2023-12-31`)
      .set({ Authorization: `Bearer ${h.keys.coopA}` })
      .expect(200);
    expect(early.body.balance).toEqual(idr(0));
    const recorded = (asOf: string) =>
      request(h.app)
        .get(`${base}/coops/${COOPS.A}/accounts/AGT-001-S/balance?asOf=${asOf}`)
        .set({ Authorization: `Bearer ${h.keys.coopA}` })
        .expect(200)
        .then((r) => r.body.balance);
    expect(await recorded('2026-03-10T02:59:59Z')).toEqual(idr(0));
    expect(await recorded('2026-03-10T03:00:00Z')).toEqual(idr(1_100_000));
  });

  it('a resent batch changes nothing; a reused external id is refused; gaps are reported', async () => {
    const head = await h.store.headPosition();
    const resent = await sync({
      sequence: 1,
      items: [
        opening,
        {
          externalId: 'TX-1',
          accountId: 'AGT-001-S',
          type: 'deposit',
          amount: idr(200_000),
          businessDate: '2025-06-01',
        },
      ],
    }).expect(200);
    expect(resent.body).toMatchObject({ duplicateSequence: true, counts: { unchanged: 2 } });
    const reused = await sync({
      sequence: 3,
      items: [
        {
          externalId: 'TX-1',
          accountId: 'AGT-001-S',
          type: 'deposit',
          amount: idr(999),
          businessDate: '2025-06-01',
        },
      ],
    }).expect(200);
    expect(reused.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'external-id-reused' },
    });
    expect(await h.store.headPosition()).toBe(head + 1);
    const status = await request(h.app)
      .get(`${base}/coops/${COOPS.A}/sync/transactions`)
      .set({ Authorization: `Bearer ${h.keys.coopA}` })
      .expect(200);
    expect(status.body).toMatchObject({
      lastSequence: 3,
      gaps: [{ from: 2, to: 2 }],
      missingCount: 1,
    });
  });

  it('refuses batches over 1,000 items before reading any', async () => {
    const items = Array.from({ length: 1_001 }, (_, i) => ({
      externalId: `X-${i}`,
      accountId: 'AGT-001-S',
      type: 'deposit',
      amount: idr(1),
      businessDate: '2025-06-01',
    }));
    const response = await sync({ sequence: 4, items });
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ pointer: '/items' });
  });

  it('shows a statement with opening and closing balances, paged by cursor', async () => {
    const page = (cursor?: string) =>
      request(h.app)
        .get(
          `${base}/coops/${COOPS.A}/accounts/AGT-001-S/statement?from=2025-01-01&to=2025-12-31&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        )
        .set({ Authorization: `Bearer ${h.keys.coopA}` })
        .expect(200);
    const first = await page();
    expect(first.body).toMatchObject({
      openingBalance: idr(1_000_000),
      closingBalance: idr(1_100_000),
    });
    expect(first.body.lines).toEqual([
      expect.objectContaining({
        businessDate: '2025-06-01',
        amount: idr(200_000),
        balance: idr(1_200_000),
      }),
    ]);
    const second = await page(first.body.nextCursor);
    expect(second.body.lines).toEqual([
      expect.objectContaining({
        businessDate: '2025-06-03',
        amount: idr(-100_000),
        balance: idr(1_100_000),
      }),
    ]);
    expect(second.body.nextCursor).toBeNull();
    // A cursor from outside the statement's dates (another statement's) is not this one's.
    for (const cursor of ['2000-01-01:0', '2026-01-01:1']) {
      const outside = await request(h.app)
        .get(
          `${base}/coops/${COOPS.A}/accounts/AGT-001-S/statement?from=2025-01-01&to=2025-12-31&cursor=${cursor}`,
        )
        .set({ Authorization: `Bearer ${h.keys.coopA}` });
      expect([outside.status, outside.body.code]).toEqual([422, 'bad-cursor']);
    }
  });

  it('totals balances per product for the coop', async () => {
    const totals = await request(h.app)
      .get(`${base}/coops/${COOPS.A}/totals`)
      .set({ Authorization: `Bearer ${h.keys.treasurerP}` })
      .expect(200);
    expect(totals.body.products).toEqual([
      {
        productCode: 'SUKARELA',
        kind: 'sukarela',
        classification: 'liability',
        accounts: 1,
        openAccounts: 1,
        balance: idr(1_100_000),
        held: idr(0),
      },
    ]);
  });

  it('publishes the federation’s savings by kind without credentials, sums only', async () => {
    const totals = await request(h.app).get(`${base}/public/totals`).expect(200);
    const coop = await request(h.app)
      .get(`${base}/coops/${COOPS.A}/totals`)
      .set({ Authorization: `Bearer ${h.keys.treasurerP}` })
      .expect(200);
    // Only coop A has savings here: the federation's figures are its figures, summed by kind.
    expect(totals.body).toEqual({
      kinds: [
        {
          kind: 'sukarela',
          classification: 'liability',
          coops: 1,
          openAccounts: 1,
          balance: idr(1_100_000),
        },
      ],
      total: idr(1_100_000),
    });
    expect(coop.body.products[0].balance).toEqual(totals.body.total);
    expect(JSON.stringify(totals.body)).not.toContain(COOPS.A);
  });

  it('opens an account for a member moved into a coop, by the external id the coop attached', async () => {
    await request(h.app)
      .post(`${base}/coops/${COOPS.B}/products`)
      .set({ Authorization: `Bearer ${h.keys.coopB}` })
      .send(PRODUCTS.SUKARELA)
      .expect(201);
    // A move joins the person to B with no external id; B's first sync of them attaches B's.
    await h.joinPerson(COOPS.B, 'm-moved', null);
    await h.member('ExternalIdAttached', {
      coopId: COOPS.B,
      memberId: 'm-moved',
      externalId: 'KM-90',
    });
    const response = await request(h.app)
      .post(`${base}/coops/${COOPS.B}/sync/transactions`)
      .set({ Authorization: `Bearer ${h.keys.coopB}` })
      .send({
        sequence: 1,
        items: [{ ...opening, accountId: 'KM-90-S', memberExternalId: 'KM-90' }],
      })
      .expect(200);
    expect(response.body.results).toEqual([
      expect.objectContaining({ externalId: 'OB-1', status: 'created' }),
    ]);
    const account = await request(h.app)
      .get(`${base}/coops/${COOPS.B}/accounts/KM-90-S`)
      .set({ Authorization: `Bearer ${h.keys.coopB}` })
      .expect(200);
    expect(account.body).toMatchObject({ memberId: 'm-moved' });
  });
});

describe('a statement paged while a back-dated item arrives', () => {
  it('keeps to the statement as it stood at its first page: lines, running balance and closing agree', async () => {
    const page = (cursor?: string) =>
      request(h.app)
        .get(
          `${base}/coops/${COOPS.A}/accounts/AGT-001-S/statement?from=2025-01-01&to=2025-12-31&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        )
        .set({ Authorization: `Bearer ${h.keys.coopA}` })
        .expect(200);
    const first = await page();
    expect(first.body.lines).toEqual([
      expect.objectContaining({ businessDate: '2025-06-01', balance: idr(1_200_000) }),
    ]);
    // The coop's core sends a deposit it had dated May, before the line the cursor names.
    const sent = await sync({
      sequence: 5,
      items: [
        {
          externalId: 'TX-LATE',
          accountId: 'AGT-001-S',
          type: 'deposit',
          amount: idr(50_000),
          businessDate: '2025-05-01',
        },
      ],
    }).expect(200);
    expect(sent.body.counts).toMatchObject({ created: 1 });
    const second = await page(first.body.nextCursor);
    expect(second.body).toMatchObject({
      openingBalance: first.body.openingBalance,
      closingBalance: first.body.closingBalance,
      lines: [
        expect.objectContaining({
          businessDate: '2025-06-03',
          amount: idr(-100_000),
          balance: idr(1_100_000),
        }),
      ],
      nextCursor: null,
    });
    // A statement asked for afresh shows the late deposit.
    const fresh = await page();
    expect(fresh.body.lines[0]).toMatchObject({ businessDate: '2025-05-01', amount: idr(50_000) });
    expect(fresh.body.closingBalance).toEqual(idr(1_150_000));
  });
});
