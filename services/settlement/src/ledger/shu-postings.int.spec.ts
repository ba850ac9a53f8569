import { v7 as uuidv7 } from 'uuid';
import { catalog } from '@kopfed/contracts';
import { expectBooksBalance } from '../testing/books';
import { A, idr, P, settlementHarness, type Harness } from '../testing/harness';

/**
 * A coop's SHU in its books, from the year's result to the members' savings (BRIEF §5): the
 * year-end close puts the result in SHU tahun berjalan (3-500); the distribution of what the
 * RAT approved divides it — the members' pools into utang SHU anggota (2-140), the reserve
 * pool into cadangan (3-300); each member's share then reaches their savings from 2-140.
 * The coop's cash (1-110) is never touched by any of it.
 */
describe('the SHU the RAT divided, in the coop’s books', () => {
  let h: Harness;
  const members = ['0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e11', '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e12'];
  beforeAll(async () => {
    h = await settlementHarness({ start: '2027-03-15T03:00:00.000Z' });
  });
  afterAll(async () => {
    await expectBooksBalance(h.settlement, [A, P]);
    await h.close();
  });

  const balance = async (account: string) => {
    await h.settlement.settle();
    const trial = await h.settlement.books.trialBalance(A, {});
    const row = trial.rows.find((r) => r.account === account);
    return row ? row.debitBalanceMinor - row.creditBalanceMinor : 0n;
  };
  const entriesFrom = async (type: string) =>
    (await h.settlement.ledgers.journal(A)).filter((e) => e.source.type === type);

  async function deliverShuCredit(memberId: string, amount: number, id = uuidv7()) {
    const consumption = h.settlement.instance.consumes!.find(
      (c) => c.topic === catalog.topicOf('savings'),
    )!;
    const envelope = catalog.toEnvelope('SavingsDeposited', {
      id,
      subject: 'x',
      time: '2027-03-15T03:00:01.000Z',
      businessDate: '2027-03-15',
      data: {
        coopId: A,
        accountId: `acc-${memberId}`,
        memberId,
        memberKind: 'person',
        memberCoopId: null,
        product: { code: 'SUKARELA', kind: 'sukarela', classification: 'liability' },
        amount: idr(amount),
        via: 'shu_payable',
        businessDate: '2027-03-15',
        externalId: null,
      },
    });
    await consumption.handler({
      topic: consumption.topic,
      key: 'x',
      value: JSON.stringify(envelope),
      headers: {},
      attempt: 1,
    });
    return id;
  }

  it('closes 2026 with a surplus of Rp1,000,000 into SHU tahun berjalan', async () => {
    await h
      .post(`/coops/${A}/journal-entries`, {
        entryId: 'interest-2026',
        businessDate: '2026-06-30',
        description: 'Bunga pinjaman diterima tunai',
        lines: [
          { account: '1-110', debit: idr(1_000_000) },
          { account: '4-110', credit: idr(1_000_000) },
        ],
      })
      .expect(201);
    await h.post(`/coops/${A}/periods/close`, { period: { kind: 'year', year: 2026 } }).expect(200);
    expect(await balance('3-500')).toBe(-1_000_000n);
    expect(await balance('1-110')).toBe(1_000_000n);
  });

  it('divides the distributed SHU: members’ pools owed to them, the reserve to cadangan', async () => {
    const simulated = await h
      .post(`/coops/${A}/shu-simulations`, {
        financialYear: 2026,
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
          { memberId: members[1], capitalBasis: '3', businessBasis: '1' },
        ],
      })
      .expect(201);
    expect(simulated.body).toMatchObject({ surplus: '1000000', surplusFrom: 'books' });
    const path = `/coops/${A}/shu-simulations/${simulated.body.simulationId as string}`;
    await h
      .post(`${path}/approval`, { ratReference: 'RAT-2026', ratHeldOn: '2027-03-01' })
      .expect(200);
    await h.post(`${path}/distribution`, { businessDate: '2027-03-15' }).expect(200);

    expect(await balance('3-500')).toBe(-200_000n); // board, staff, education, social: 4 × 5%
    expect(await balance('2-140')).toBe(-400_000n);
    expect(await balance('3-300')).toBe(-400_000n);
    expect(await balance('1-110')).toBe(1_000_000n);
    const [entry, ...more] = await entriesFrom('ShuDistributed');
    expect(more).toEqual([]);
    expect(entry!.businessDate).toBe('2027-03-15');
  });

  it('credits each member’s share to savings from utang SHU anggota, not from cash, once', async () => {
    // Capital pool 200,000 split 1:3, business pool 200,000 split 1:1.
    const first = await deliverShuCredit(members[0]!, 150_000);
    await deliverShuCredit(members[1]!, 250_000);
    await deliverShuCredit(members[0]!, 150_000, first);

    const credits = await entriesFrom('SavingsDeposited');
    expect(credits).toHaveLength(2);
    for (const entry of credits) {
      expect(entry.lines.map((l) => [l.account, l.debit ? 'debit' : 'credit'])).toEqual([
        ['2-140', 'debit'],
        ['2-110', 'credit'],
      ]);
    }
    expect(await balance('2-140')).toBe(0n);
    expect(await balance('2-110')).toBe(-400_000n);
    expect(await balance('1-110')).toBe(1_000_000n);
    // The trial balance still balances (and afterAll checks it for every coop).
    const trial = await h.settlement.books.trialBalance(A, {});
    for (const total of trial.totals)
      expect(total.debitBalanceMinor).toBe(total.creditBalanceMinor);
  });
});
