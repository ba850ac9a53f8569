import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { catalog } from '@kopfed/contracts';
import { type RecordedEvent } from '@kopfed/eventstore';
import { publicEventEncoder } from '@kopfed/messaging';
import { createNode, SERVICE_MODULES, type FederationNode } from '@kopfed/node';
import type { SavingsInstance } from '../module';
import { idr, PRODUCTS } from '../testing/savings-harness';

/**
 * A coop's SHU distribution reaching its members' savings through the whole node (member,
 * savings, settlement on the in-process bus): simulated, approved and distributed over
 * settlement's API, each share lands in the member's SUKARELA account once.
 */
const COOP = { A: 'shu-coop-a', P: 'shu-coop-p' } as const;
const TODAY = '2027-03-15';
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

let dataDir: string;
let node: FederationNode;
let coopKey: string;
const members: string[] = [];
const accountOf = new Map<string, string>();

async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Member n (1–9) joins coop A as a person; returns the member id. */
async function joinMember(n: number): Promise<string> {
  const joined = await request(node.app)
    .post(`/api/member/v1/coops/${COOP.A}/members`)
    .set(auth(coopKey))
    .send({
      kind: 'person',
      memberNumber: `A-000${n}`,
      joinedOn: '2026-02-01',
      person: {
        name: `Anggota ${n}`,
        nik: `337402450280000${n}`,
        birthDate: '1980-02-05',
        gender: 'female',
        address: { line: 'Jl. Pemuda 1', province: '33' },
      },
    })
    .expect(201);
  return joined.body.memberId as string;
}

/** Each member's SUKARELA accounts and their balances, from the savings read model. */
function sukarela(): Map<string, { accountId: string; balance: number }[]> {
  const savings = node.host.services.find((s) => s.name === 'savings')!.instance;
  const rows = (savings as SavingsInstance).accounts.db
    .prepare<[string], { member_id: string; account_id: string; balance: number }>(
      "SELECT member_id, account_id, balance FROM savings_accounts WHERE coop_id = ? AND product_code = 'SUKARELA' ORDER BY member_id, account_id",
    )
    .all(COOP.A);
  const byMember = new Map<string, { accountId: string; balance: number }[]>();
  for (const row of rows)
    byMember.set(row.member_id, [
      ...(byMember.get(row.member_id) ?? []),
      { accountId: row.account_id, balance: row.balance },
    ]);
  return byMember;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kopfed-savings-shu-'));
  node = await createNode({
    dataDir,
    env: {},
    modules: SERVICE_MODULES.filter((m) => ['member', 'savings', 'settlement'].includes(m.name)),
    clock: () => new Date(`${TODAY}T03:00:00.000Z`),
  });
  node.coopDirectory.setParent(COOP.A, COOP.P);
  const key = async (role: 'admin' | 'coop', coopId: string) =>
    (await node.keys.create({ role, coopId, createdBy: 'shu-tests' })).token;
  const admin = await key('admin', 'federation');
  coopKey = await key('coop', COOP.A);
  const post = (path: string, token: string, body: object) =>
    request(node.app).post(path).set(auth(token)).send(body);
  await post('/api/member/v1/coops', admin, coopBody(COOP.P, 'secondary', null)).expect(201);
  await post(`/api/member/v1/coops/${COOP.P}/approval`, admin, { on: '2026-01-06' }).expect(200);
  await post(
    `/api/member/v1/coops/${COOP.P}/member-coops`,
    admin,
    coopBody(COOP.A, 'primary', COOP.P),
  ).expect(201);
  await post(`/api/member/v1/coops/${COOP.A}/approval`, admin, { on: '2026-01-07' }).expect(200);
  await eventually(() =>
    post(`/api/savings/v1/coops/${COOP.A}/products`, coopKey, PRODUCTS.SUKARELA).expect(201),
  );
  for (let n = 1; n <= 3; n++) members.push(await joinMember(n));
  // Members 1 and 2 hold a SUKARELA account; member 3 has none yet.
  for (const [memberId, deposit] of [
    [members[0]!, 100_000],
    [members[1]!, 20_000],
  ] as const) {
    const opened = await eventually(() =>
      post(`/api/savings/v1/coops/${COOP.A}/accounts`, coopKey, {
        memberId,
        productCode: 'SUKARELA',
        initialDeposit: { amount: idr(deposit), via: 'cash' },
      }).expect(201),
    );
    accountOf.set(memberId, opened.body.accountId as string);
  }
  await eventually(() => expect(sukarela().size).toBe(2));
}, 30_000);
afterAll(async () => {
  await node.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a distributed SHU reaches the members’ savings (in the node)', () => {
  it('deposits each member’s share into their SUKARELA account, opening one for a member without', async () => {
    // The year's surplus, in the books, closed into SHU tahun berjalan before it is divided.
    const books = `/api/settlement/v1/coops/${COOP.A}`;
    await eventually(() =>
      request(node.app)
        .post(`${books}/journal-entries`)
        .set(auth(coopKey))
        .send({
          entryId: 'pendapatan-2026',
          businessDate: '2026-06-30',
          description: 'Pendapatan jasa 2026',
          lines: [
            { account: '1-110', debit: idr(1_000_000) },
            { account: '4-110', credit: idr(1_000_000) },
          ],
        })
        .expect(201),
    );
    await request(node.app)
      .post(`${books}/periods/close`)
      .set(auth(coopKey))
      .send({ period: { kind: 'year', year: 2026 } })
      .expect(200);
    const shu = `/api/settlement/v1/coops/${COOP.A}/shu-simulations`;
    const simulated = await request(node.app)
      .post(shu)
      .set(auth(coopKey))
      .send({
        financialYear: 2026,
        surplus: '1000000',
        allocation: {
          reserve: '40',
          memberCapital: '20',
          memberBusiness: '20',
          board: '5',
          staff: '5',
          education: '5',
          social: '5',
        },
        bases: [
          { memberId: members[0], capitalBasis: '1', businessBasis: '1' },
          { memberId: members[1], capitalBasis: '1', businessBasis: '0' },
          { memberId: members[2], capitalBasis: '2', businessBasis: '3' },
        ],
      })
      .expect(201);
    const id = simulated.body.simulationId as string;
    await request(node.app)
      .post(`${shu}/${id}/approval`)
      .set(auth(coopKey))
      .send({ ratReference: 'RAT-2026', ratHeldOn: '2027-03-01' })
      .expect(200);
    await request(node.app)
      .post(`${shu}/${id}/distribution`)
      .set(auth(coopKey))
      .send({ businessDate: TODAY })
      .expect(200);

    // Capital pool 200,000 split 1:1:2, business pool 200,000 split 1:0:3.
    const expected = new Map([
      [members[0]!, [{ accountId: accountOf.get(members[0]!)!, balance: 100_000 + 100_000 }]],
      [members[1]!, [{ accountId: accountOf.get(members[1]!)!, balance: 20_000 + 50_000 }]],
      [members[2]!, [{ accountId: expect.any(String), balance: 250_000 }]],
    ]);
    await eventually(() => expect(sukarela()).toEqual(expected));
  });

  it('publishes each share as a deposit from the SHU payable, which the books take out of the divided SHU, not out of cash', async () => {
    const savings = node.stores.get('savings')!;
    const deposits = (await savings.readAll({ after: 0, types: ['Deposited'] })).map(
      (e) => e.data as { via: string; amount: string },
    );
    expect(deposits.filter((d) => d.via === 'shu_payable').map((d) => d.amount)).toEqual(
      expect.arrayContaining(['100000', '50000', '250000']),
    );
    // Cash holds the two opening deposits and the year's income only; what the RAT divided
    // left SHU tahun berjalan (3-500) for utang SHU anggota (2-140, emptied into the members'
    // savings) and cadangan; the board, staff, education and social pools stay in 3-500.
    const expectedBooks = {
      '1-110': ['1120000', '0'],
      '2-110': ['0', '520000'],
      '2-140': ['0', '0'],
      '3-300': ['0', '400000'],
      '3-500': ['0', '200000'],
    };
    await eventually(async () => {
      const trial = await request(node.app)
        .get(`/api/settlement/v1/coops/${COOP.A}/books/trial-balance`)
        .set(auth(coopKey))
        .expect(200);
      const rows = trial.body.rows as {
        account: string;
        debitBalance: string;
        creditBalance: string;
      }[];
      const balances = Object.fromEntries(
        rows
          .filter((r) => r.account in expectedBooks)
          .map((r) => [r.account, [r.debitBalance, r.creditBalance]]),
      );
      expect(balances).toEqual(expectedBooks);
      for (const total of trial.body.totals as { debitBalance: string; creditBalance: string }[])
        expect(total.debitBalance).toBe(total.creditBalance);
    });
  });

  it('credits nothing more when the same event is delivered again', async () => {
    const before = sukarela();
    const settlement = node.stores.get('settlement')!;
    const [distributed] = await settlement.readAll({ after: 0, types: ['ShuDistributed'] });
    const message = encode(distributed!);
    const consumption = node.host.services
      .find((s) => s.name === 'savings')!
      .instance.consumes!.find((c) => c.group === 'savings.shu')!;
    for (let attempt = 1; attempt <= 2; attempt++)
      await consumption.handler({
        ...message,
        topic: catalog.topicOf('settlement'),
        headers: {},
        attempt,
      });
    expect(sukarela()).toEqual(before);
    const statement = await request(node.app)
      .get(`/api/savings/v1/coops/${COOP.A}/accounts/${accountOf.get(members[0]!)!}`)
      .set(auth(coopKey))
      .expect(200);
    expect(statement.body.balance).toEqual(idr(200_000));
  });
});

describe('a share for an account the read model has not caught up with', () => {
  it('goes into that account, not into a second one', async () => {
    const memberId = await joinMember(4);
    const savings = node.host.services.find((s) => s.name === 'savings')!
      .instance as SavingsInstance;
    // The account is opened while the read model stands still, as it does between batches.
    await savings.projection.stop();
    const opened = await eventually(() =>
      request(node.app)
        .post(`/api/savings/v1/coops/${COOP.A}/accounts`)
        .set(auth(coopKey))
        .send({
          memberId,
          productCode: 'SUKARELA',
          initialDeposit: { amount: idr(10_000), via: 'cash' },
        })
        .expect(201),
    );
    const settlement = node.stores.get('settlement')!;
    const [distributed] = await settlement.readAll({ after: 0, types: ['ShuDistributed'] });
    const share: RecordedEvent = {
      ...distributed!,
      id: randomUUID(),
      data: { ...(distributed!.data as object), credits: [{ memberId, amount: '30000' }] },
    };
    const consumption = savings.consumes!.find((c) => c.group === 'savings.shu')!;
    const delivered = consumption.handler({
      ...encode(share),
      topic: catalog.topicOf('settlement'),
      headers: {},
      attempt: 1,
    });
    savings.projection.start();
    await delivered;
    await eventually(() =>
      expect(sukarela().get(memberId)).toEqual([
        { accountId: opened.body.accountId as string, balance: 40_000 },
      ]),
    );
  });
});

/** The settlement service's encoding of the event, as the relay publishes it. */
const encode = (event: RecordedEvent) => {
  const d = event.data as {
    coopId: string;
    financialYear: number;
    simulationId: string;
    currency: string;
    credits: { memberId: string; amount: string }[];
    pools?: unknown;
    businessDate: string;
    distributedAt: string;
  };
  const { pools: _pools, ...published } = d;
  return publicEventEncoder(catalog, () => ({
    name: 'ShuDistributed',
    subject: `${d.coopId}/${d.financialYear}`,
    data: {
      ...published,
      credits: d.credits.map((c) => ({ memberId: c.memberId, amount: idr(Number(c.amount)) })),
    },
  }))(event, undefined)!;
};

function coopBody(coopId: string, kind: 'primary' | 'secondary', parentCoopId: string | null) {
  return {
    coopId,
    kind,
    name: `Koperasi ${coopId}`,
    legalEntityNumber: `AHU-${coopId}`,
    nikKoperasi: { number: '3374010020190001', validUntil: '2030-12-31' },
    npwp: '012345678901234',
    address: { line: 'Jl. Pandanaran 1', province: '33' },
    parentCoopId,
    registeredOn: '2020-01-01',
  };
}
