import { v7 as uuidv7 } from 'uuid';
import { A, B, C, P, idr, settlementHarness, type Harness } from '../testing/harness';

const ALLOCATION = {
  reserve: '40',
  memberCapital: '20',
  memberBusiness: '20',
  board: '5',
  staff: '5',
  education: '5',
  social: '5',
};
const MEMBERS = ['0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e21', '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e22'];
const BASES = MEMBERS.map((memberId) => ({ memberId, capitalBasis: '1', businessBasis: '1' }));

/**
 * The SHU a simulation divides is the surplus the coop's books closed the year with, when the
 * books are kept here: checked when it is simulated, approved and distributed.
 */
describe('the SHU a simulation divides, against the books', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await settlementHarness({ start: '2027-03-15T03:00:00.000Z' });
  });
  afterAll(async () => {
    await h.close();
  });

  const balance = async (coopId: string, account: string) => {
    await h.settlement.settle();
    const trial = await h.settlement.books.trialBalance(coopId, {});
    const row = trial.rows.find((r) => r.account === account);
    return row ? row.debitBalanceMinor - row.creditBalanceMinor : 0n;
  };
  const income = (coopId: string, entryId: string, account: string, amount: number) =>
    h
      .post(`/coops/${coopId}/journal-entries`, {
        entryId,
        businessDate: '2026-06-30',
        description: 'Pendapatan',
        lines: [
          { account: '1-110', debit: idr(amount) },
          { account, credit: idr(amount) },
        ],
      })
      .expect(201);

  it('a simulation made while the year was open is not approved and distributed once the books closed it with less', async () => {
    await income(A, 'rv-income-a', '4-110', 1_000_000);
    // The year is open: the request's surplus, ten times what the books will close with.
    const simulated = await h
      .post(`/coops/${A}/shu-simulations`, {
        financialYear: 2026,
        surplus: '10000000',
        allocation: ALLOCATION,
        bases: BASES,
      })
      .expect(201);
    expect(simulated.body).toMatchObject({ surplus: '10000000', surplusFrom: 'request' });
    await h.post(`/coops/${A}/periods/close`, { period: { kind: 'year', year: 2026 } }).expect(200);
    expect(await balance(A, '3-500')).toBe(-1_000_000n);
    // A new simulation with that figure is refused now...
    await h
      .post(`/coops/${A}/shu-simulations`, {
        financialYear: 2026,
        surplus: '10000000',
        allocation: ALLOCATION,
        bases: BASES,
      })
      .expect(422);
    // ...and so are approving and distributing the one recorded before the close.
    const path = `/coops/${A}/shu-simulations/${simulated.body.simulationId as string}`;
    const approval = await h
      .post(`${path}/approval`, { ratReference: 'RAT-2026', ratHeldOn: '2027-03-01' })
      .expect(422);
    expect(approval.body).toMatchObject({ code: 'shu-surplus-differs-from-books' });
    expect(approval.body.detail).toMatch(/simulate again/);
    const distribution = await h
      .post(`${path}/distribution`, { businessDate: '2027-03-15' })
      .expect(422);
    expect(distribution.body).toMatchObject({ code: 'shu-surplus-differs-from-books' });
    expect(await balance(A, '3-500')).toBe(-1_000_000n);
    // A simulation of what the books hold goes through.
    const again = await h
      .post(`/coops/${A}/shu-simulations`, {
        financialYear: 2026,
        allocation: ALLOCATION,
        bases: BASES,
      })
      .expect(201);
    const pathAgain = `/coops/${A}/shu-simulations/${again.body.simulationId as string}`;
    await h
      .post(`${pathAgain}/approval`, { ratReference: 'RAT-2026', ratHeldOn: '2027-03-01' })
      .expect(200);
    await h.post(`${pathAgain}/distribution`, { businessDate: '2027-03-15' }).expect(200);
    expect(await balance(A, '3-500')).toBe(-200_000n);
  });

  it('a closed year whose income account was removed from the chart since is simulated, not a 500', async () => {
    await h
      .post(`/coops/${B}/chart/changes`, {
        upsert: [
          {
            code: '4-190',
            name: 'Pendapatan Sewa',
            type: 'income',
            parent: '4-100',
          },
        ],
      })
      .expect(200);
    await income(B, 'rv-income-b', '4-190', 2_000_000);
    await h.post(`/coops/${B}/periods/close`, { period: { kind: 'year', year: 2026 } }).expect(200);
    // The close emptied 4-190: an account without a balance may leave the chart.
    await h.post(`/coops/${B}/chart/changes`, { remove: ['4-190'] }).expect(200);
    const simulated = await h.post(`/coops/${B}/shu-simulations`, {
      financialYear: 2026,
      allocation: ALLOCATION,
      bases: BASES,
    });
    await expect(h.settlement.books.closedYear(B, 2026)).resolves.toEqual({
      result: 2_000_000n,
      carriedForward: false,
    });
    expect(simulated.status).toBe(201);
    expect(simulated.body).toMatchObject({ surplus: '2000000', surplusFrom: 'books' });
  });

  it('a simulation recorded before surplusFrom reads as the request’s, and is approved and distributed', async () => {
    await h.kit.store.append(
      `shu-${C}-2025`,
      [
        {
          id: uuidv7(),
          type: 'ShuSimulated',
          schemaVersion: 1,
          data: {
            simulationId: '2025-1',
            coopId: C,
            financialYear: 2025,
            currency: 'IDR',
            surplus: '1000',
            allocation: ALLOCATION,
            basesFrom: 'request',
            pools: {
              reserve: '400',
              memberCapital: '200',
              memberBusiness: '200',
              board: '50',
              staff: '50',
              education: '50',
              social: '50',
            },
            members: [
              { memberId: MEMBERS[0], capitalShare: '100', businessShare: '100', total: '200' },
              { memberId: MEMBERS[1], capitalShare: '100', businessShare: '100', total: '200' },
            ],
            simulatedAt: '2026-02-01T03:00:00.000Z',
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const path = `/coops/${C}/shu-simulations/2025-1`;
    const read = await h.get(path).expect(200);
    expect(read.body).toMatchObject({ surplus: '1000', surplusFrom: 'request' });
    await h
      .post(`${path}/approval`, { ratReference: 'RAT-2025', ratHeldOn: '2026-03-01' })
      .expect(200);
    const distributed = await h.post(`${path}/distribution`, { businessDate: '2027-03-15' });
    expect(distributed.status).toBe(200);
    expect(distributed.body).toMatchObject({ status: 'distributed', surplusFrom: 'request' });
  });
  it('a year whose next year the books have closed too is not divided any more', async () => {
    await income(C, 'income-c', '4-110', 3_000_000);
    await h.post(`/coops/${C}/periods/close`, { period: { kind: 'year', year: 2026 } }).expect(200);
    await expect(h.settlement.books.closedYear(C, 2026)).resolves.toEqual({
      result: 3_000_000n,
      carriedForward: false,
    });
    h.advance(Date.parse('2028-01-05T03:00:00.000Z') - h.now().getTime());
    await h.post(`/coops/${C}/periods/close`, { period: { kind: 'year', year: 2027 } }).expect(200);
    const late = await h
      .post(`/coops/${C}/shu-simulations`, {
        financialYear: 2026,
        allocation: ALLOCATION,
        bases: BASES,
      })
      .expect(422);
    expect(late.body).toMatchObject({ code: 'shu-year-carried-forward' });
    expect(await h.kit.store.readStream(`shu-${C}-2026`)).toEqual([]);
  });

  it('a year the books closed with no income or expense divides nothing, whatever the request says', async () => {
    const D = 'coop-d';
    h.kit.directory.setParent(D, P);
    // Opening balances only: no income or expense dated in 2026.
    await h
      .post(`/coops/${D}/journal-entries`, {
        entryId: 'opening-d',
        businessDate: '2026-12-31',
        description: 'Saldo awal (opening balance)',
        lines: [
          { account: '1-110', debit: idr(5_000_000) },
          { account: '3-300', credit: idr(5_000_000) },
        ],
      })
      .expect(201);
    await h.post(`/coops/${D}/periods/close`, { period: { kind: 'year', year: 2026 } }).expect(200);
    await expect(h.settlement.books.closedYear(D, 2026)).resolves.toEqual({
      result: 0n,
      carriedForward: false,
    });
    const invented = await h
      .post(`/coops/${D}/shu-simulations`, {
        financialYear: 2026,
        surplus: '1000000',
        allocation: ALLOCATION,
        bases: BASES,
      })
      .expect(422);
    expect(invented.body).toMatchObject({ code: 'shu-no-surplus' });
    expect(await h.kit.store.readStream(`shu-${D}-2026`)).toEqual([]);
    // A year before these books began is not the books' to judge: the request says it.
    await expect(h.settlement.books.closedYear(D, 2025)).resolves.toBeNull();
    await h
      .post(`/coops/${D}/shu-simulations`, {
        financialYear: 2025,
        surplus: '1000000',
        allocation: ALLOCATION,
        bases: BASES,
      })
      .expect(201);
    expect(await balance(D, '3-500')).toBe(0n);
  });
});
