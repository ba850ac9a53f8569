import request from 'supertest';
import type { Express } from 'express';
import { createServiceApp } from '@kopfed/service-kit';
import { COOPS, kitFixture, type KitFixture } from '@kopfed/service-kit/src/testing';
import Database from 'better-sqlite3';
import { MemberActivityBook } from './bases/member-activity';
import { shuRoutes } from './shu-routes';

let fixture: KitFixture;
let app: Express;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const path = `/api/settlement/v1/coops/${COOPS.A}/shu-simulations`;

const body = {
  financialYear: 2026,
  surplus: '10000001',
  allocation: {
    reserve: '25',
    memberCapital: '20',
    memberBusiness: '25',
    board: '10',
    staff: '5',
    education: '7.5',
    social: '7.5',
  },
  bases: [
    { memberId: 'm-a', memberNumber: '10', capitalBasis: '1000000', businessBasis: '100' },
    { memberId: 'm-c', memberNumber: '11', capitalBasis: '3000000', businessBasis: '100' },
    { memberId: 'm-b', memberNumber: '9', capitalBasis: '2000000', businessBasis: '100' },
  ],
};

beforeAll(async () => {
  fixture = await kitFixture();
  app = createServiceApp(
    {
      service: 'settlement',
      version: 'v1',
      title: 'settlement (SHU routes)',
      routes: shuRoutes({ store: fixture.store, clock: () => new Date('2027-02-01T03:00:00Z') }),
    },
    fixture.deps,
  );
});
afterAll(() => fixture.close());

describe('SHU over HTTP', () => {
  it('simulates, approves at the RAT and distributes once; a second distribution is refused', async () => {
    const simulated = await request(app)
      .post(path)
      .set(auth(fixture.keys.coopA))
      .send(body)
      .expect(201);
    expect(simulated.body).toMatchObject({
      simulationId: '2026-1',
      status: 'simulated',
      pools: { reserve: '2500001', memberCapital: '2000000', memberBusiness: '2500000' },
      members: [
        { memberId: 'm-b', capitalShare: '666667', businessShare: '833334', total: '1500001' },
        { memberId: 'm-a', capitalShare: '333333', businessShare: '833333', total: '1166666' },
        { memberId: 'm-c', capitalShare: '1000000', businessShare: '833333', total: '1833333' },
      ],
    });
    expect(simulated.headers.location).toBe(`${path}/2026-1`);

    await request(app)
      .post(`${path}/2026-1/distribution`)
      .set(auth(fixture.keys.coopA))
      .send({ businessDate: '2027-01-20' })
      .expect(409);
    await request(app)
      .post(`${path}/2026-1/approval`)
      .set(auth(fixture.keys.coopA))
      .send({ ratReference: 'RAT-2027/01', ratHeldOn: '2027-01-15' })
      .expect(200);
    const distributed = await request(app)
      .post(`${path}/2026-1/distribution`)
      .set(auth(fixture.keys.treasurerP))
      .send({ businessDate: '2027-01-20' })
      .expect(200);
    expect(distributed.body).toMatchObject({ status: 'distributed', distributedOn: '2027-01-20' });

    const again = await request(app)
      .post(`${path}/2026-1/distribution`)
      .set(auth(fixture.keys.coopA))
      .send({ businessDate: '2027-01-21' })
      .expect(409);
    expect(again.body).toMatchObject({ code: 'shu-already-distributed' });
    const read = await request(app)
      .get(`${path}/2026-1`)
      .set(auth(fixture.keys.auditorP))
      .expect(200);
    expect(read.body).toMatchObject({ status: 'distributed', distributedOn: '2027-01-20' });
  });

  it('refuses an allocation not summing to 100 with the field named, and records nothing', async () => {
    const before = await fixture.store.readStream(`shu-${COOPS.A}-2025`);
    const response = await request(app)
      .post(path)
      .set(auth(fixture.keys.coopA))
      .send({ ...body, financialYear: 2025, allocation: { ...body.allocation, board: '11' } })
      .expect(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'shu-allocation-not-100' });
    expect(response.body.errors).toEqual([expect.objectContaining({ pointer: '/allocation' })]);
    expect(await fixture.store.readStream(`shu-${COOPS.A}-2025`)).toEqual(before);
  });

  it('names a malformed percent, asks for bases when the books have none, and keeps auditors out', async () => {
    const malformed = await request(app)
      .post(path)
      .set(auth(fixture.keys.coopA))
      .send({ ...body, allocation: { ...body.allocation, staff: 'five' } })
      .expect(400);
    expect(JSON.stringify(malformed.body.errors)).toMatch(/allocation\/staff/);
    const { bases: _bases, ...withoutBases } = body;
    const noBases = await request(app)
      .post(path)
      .set(auth(fixture.keys.coopA))
      .send(withoutBases)
      .expect(422);
    expect(noBases.body.errors).toEqual([expect.objectContaining({ pointer: '/bases' })]);
    await request(app).post(path).set(auth(fixture.keys.auditorP)).send(body).expect(403);
    await request(app).get(`${path}/2026-9`).set(auth(fixture.keys.coopA)).expect(404);
    await request(app).get(`${path}/2026-1`).set(auth(fixture.keys.coopB)).expect(403);
  });
});

describe("SHU dated after today (the routes' clock: 2027-02-01 in Jakarta)", () => {
  it('refuses a distribution dated decades after today, naming the field and recording nothing', async () => {
    await request(app)
      .post(path)
      .set(auth(fixture.keys.coopA))
      .send({ ...body, financialYear: 2022 })
      .expect(201);
    await request(app)
      .post(`${path}/2022-1/approval`)
      .set(auth(fixture.keys.coopA))
      .send({ ratReference: 'RAT-2027/01', ratHeldOn: '2027-01-15' })
      .expect(200);
    const before = await fixture.store.readStream(`shu-${COOPS.A}-2022`);
    // Meant 2027-01-20: distributed once, it would be recorded as 2072 for good.
    for (const businessDate of ['2072-01-20', '2027-02-02']) {
      const typo = await request(app)
        .post(`${path}/2022-1/distribution`)
        .set(auth(fixture.keys.coopA))
        .send({ businessDate })
        .expect(422);
      expect(typo.body).toMatchObject({ code: 'shu-distribution-dated-ahead' });
      expect(typo.body.errors).toEqual([expect.objectContaining({ pointer: '/businessDate' })]);
    }
    expect(await fixture.store.readStream(`shu-${COOPS.A}-2022`)).toEqual(before);
    const distributed = await request(app)
      .post(`${path}/2022-1/distribution`)
      .set(auth(fixture.keys.coopA))
      .send({ businessDate: '2027-02-01' })
      .expect(200);
    expect(distributed.body).toMatchObject({ status: 'distributed', distributedOn: '2027-02-01' });
  });

  it('refuses a RAT "held" decades after today, which would lock the year, recording nothing', async () => {
    await request(app)
      .post(path)
      .set(auth(fixture.keys.coopA))
      .send({ ...body, financialYear: 2021 })
      .expect(201);
    const before = await fixture.store.readStream(`shu-${COOPS.A}-2021`);
    for (const ratHeldOn of ['2072-01-15', '2027-02-02']) {
      const typo = await request(app)
        .post(`${path}/2021-1/approval`)
        .set(auth(fixture.keys.coopA))
        .send({ ratReference: 'RAT-2027/01', ratHeldOn })
        .expect(422);
      expect(typo.body).toMatchObject({ code: 'shu-rat-held-ahead' });
      expect(typo.body.errors).toEqual([expect.objectContaining({ pointer: '/ratHeldOn' })]);
    }
    expect(await fixture.store.readStream(`shu-${COOPS.A}-2021`)).toEqual(before);
    const approved = await request(app)
      .post(`${path}/2021-1/approval`)
      .set(auth(fixture.keys.coopA))
      .send({ ratReference: 'RAT-2027/01', ratHeldOn: '2027-02-01' })
      .expect(200);
    expect(approved.body.status).toBe('approved');
  });
});

describe('SHU bases taken from the books', () => {
  it('splits by the members’ average pokok + wajib and the interest and fees they paid', async () => {
    const book = new MemberActivityBook(new Database(':memory:'));
    const change = (memberId: string, amount: bigint) =>
      book.recordSavings({
        sourceId: `s-${memberId}`,
        coopId: COOPS.B,
        memberId,
        kind: 'pokok',
        businessDate: '2025-01-01',
        deltaMinor: amount,
      });
    change('m-1', 100_000n);
    change('m-2', 300_000n);
    book.recordLoanPayment({
      sourceId: 'r-1',
      coopId: COOPS.B,
      memberId: 'm-2',
      businessDate: '2026-05-05',
      parts: { interest: 10_000n, accruedInterest: 0n, fee: 0n, penalty: 0n },
    });
    const booksApp = createServiceApp(
      {
        service: 'settlement',
        version: 'v1',
        title: 'settlement (SHU routes)',
        routes: shuRoutes({ store: fixture.store, clock: () => new Date(), bases: book }),
      },
      fixture.deps,
    );
    const { bases: _bases, ...withoutBases } = body;
    const res = await request(booksApp)
      .post(`/api/settlement/v1/coops/${COOPS.B}/shu-simulations`)
      .set(auth(fixture.keys.coopB))
      .send({ ...withoutBases, surplus: '1000000' })
      .expect(201);
    // Capital pool 200,000 by 1:3; business pool 250,000 all to m-2, the only one who paid.
    expect(res.body).toMatchObject({
      basesFrom: 'books',
      members: [
        { memberId: 'm-1', capitalShare: '50000', businessShare: '0', total: '50000' },
        { memberId: 'm-2', capitalShare: '150000', businessShare: '250000', total: '400000' },
      ],
    });
  });
});

describe('the surplus a simulation divides', () => {
  /** SHU routes over books that closed 2025 with `result` (2026 is still open). */
  const withBooks = (result: bigint) =>
    createServiceApp(
      {
        service: 'settlement',
        version: 'v1',
        title: 'settlement (SHU routes)',
        routes: shuRoutes({
          store: fixture.store,
          clock: () => new Date('2027-02-01T03:00:00Z'),
          surplus: {
            closedYear: async (coopId, year) =>
              coopId === COOPS.B && year === 2025 ? { result, carriedForward: false } : null,
            yearOpen: async () => false,
          },
        }),
      },
      fixture.deps,
    );
  const pathB = `/api/settlement/v1/coops/${COOPS.B}/shu-simulations`;
  const { surplus: _surplus, ...withoutSurplus } = body;
  const recorded = () => fixture.store.readStream(`shu-${COOPS.B}-2025`);

  it('is the books’ when they closed the year, given or left out', async () => {
    const app = withBooks(4_000_000n);
    const fromBooks = await request(app)
      .post(pathB)
      .set(auth(fixture.keys.coopB))
      .send({ ...withoutSurplus, financialYear: 2025 })
      .expect(201);
    expect(fromBooks.body).toMatchObject({
      surplus: '4000000',
      surplusFrom: 'books',
      pools: { reserve: '1000000' },
    });
    const matching = await request(app)
      .post(pathB)
      .set(auth(fixture.keys.coopB))
      .send({ ...body, financialYear: 2025, surplus: '4000000' })
      .expect(201);
    expect(matching.body).toMatchObject({ surplus: '4000000', surplusFrom: 'books' });
  });

  it('refuses a surplus other than the books’, and a year the books closed at a deficit, recording nothing', async () => {
    const before = await recorded();
    const differs = await request(withBooks(4_000_000n))
      .post(pathB)
      .set(auth(fixture.keys.coopB))
      .send({ ...body, financialYear: 2025, surplus: '4000001' })
      .expect(422);
    expect(differs.body).toMatchObject({ code: 'shu-surplus-differs-from-books' });
    expect(differs.body.detail).toMatch(/4000000/);
    expect(differs.body.errors).toEqual([expect.objectContaining({ pointer: '/surplus' })]);
    const deficit = await request(withBooks(-250_000n))
      .post(pathB)
      .set(auth(fixture.keys.coopB))
      .send({ ...withoutSurplus, financialYear: 2025 })
      .expect(422);
    expect(deficit.body).toMatchObject({ code: 'shu-no-surplus' });
    // A year closed with no income or expense (nothing to close) divides nothing either.
    const nothing = await request(withBooks(0n))
      .post(pathB)
      .set(auth(fixture.keys.coopB))
      .send({ ...withoutSurplus, financialYear: 2025 })
      .expect(422);
    expect(nothing.body).toMatchObject({ code: 'shu-no-surplus' });
    expect(nothing.body.detail).toMatch(/neither surplus nor deficit/);
    expect(await recorded()).toEqual(before);
  });

  it('must be sent while the books have not closed the year, and is then the request’s', async () => {
    const app = withBooks(4_000_000n);
    const missing = await request(app)
      .post(pathB)
      .set(auth(fixture.keys.coopB))
      .send(withoutSurplus)
      .expect(422);
    expect(missing.body).toMatchObject({ code: 'shu-surplus-required' });
    expect(missing.body.errors).toEqual([expect.objectContaining({ pointer: '/surplus' })]);
    const sent = await request(app)
      .post(pathB)
      .set(auth(fixture.keys.coopB))
      .send(body)
      .expect(201);
    expect(sent.body).toMatchObject({ surplus: '10000001', surplusFrom: 'request' });
  });

  it('is not distributed while the books here have not closed its year', async () => {
    const app = createServiceApp(
      {
        service: 'settlement',
        version: 'v1',
        title: 'settlement (SHU routes)',
        routes: shuRoutes({
          store: fixture.store,
          clock: () => new Date('2027-02-01T03:00:00Z'),
          surplus: { closedYear: async () => null, yearOpen: async () => true },
        }),
      },
      fixture.deps,
    );
    const simulated = await request(app)
      .post(pathB)
      .set(auth(fixture.keys.coopB))
      .send({ ...body, financialYear: 2024 })
      .expect(201);
    expect(simulated.body).toMatchObject({ surplusFrom: 'request' });
    const simulation = `${pathB}/${simulated.body.simulationId as string}`;
    await request(app)
      .post(`${simulation}/approval`)
      .set(auth(fixture.keys.coopB))
      .send({ ratReference: 'RAT-2024', ratHeldOn: '2025-03-01' })
      .expect(200);
    const before = await fixture.store.readStream(`shu-${COOPS.B}-2024`);
    const open = await request(app)
      .post(`${simulation}/distribution`)
      .set(auth(fixture.keys.coopB))
      .send({ businessDate: '2025-03-15' })
      .expect(422);
    expect(open.body).toMatchObject({ code: 'shu-year-open' });
    expect(await fixture.store.readStream(`shu-${COOPS.B}-2024`)).toEqual(before);
  });
});
