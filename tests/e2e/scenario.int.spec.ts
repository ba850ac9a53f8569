import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { person } from './federation';
import { freePort, NodeProcess } from './node-process';
import { auditDataDir } from './scenario/cli';
import {
  API,
  awayFromMidnight,
  balanced,
  balanceOf,
  COOP,
  eventually,
  federationOn,
  idr,
  type People,
  jakartaToday,
  type Schedule,
  type TrialBalance,
} from './scenario/world';

/**
 * Issue 10's end-to-end test: the node as a real process, driven over HTTP only, as a primary
 * coop's system, the secondary coop's treasurer and its auditor would drive it.
 */
jest.setTimeout(120_000);

describe('a year of a small federation, end to end over HTTP', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-e2e-'));
  let node: NodeProcess;
  let people: People;
  /** What the scenario put into each savings account, by account id. */
  const savings = new Map<string, bigint>();
  const membersA: string[] = [];
  const membersB: string[] = [];
  /** What each loan still owes in principal after the scenario's repayments. */
  const loans = new Map<string, bigint>();
  /** The business day the scenario runs on (Asia/Jakarta). */
  let today = '';
  let batchId = '';
  let references: Record<string, string> = {};
  let consolidatedBeforeStop: TrialBalance | undefined;

  /** Each savings account's balance as the savings service answers it. */
  async function savingsHeld(): Promise<Record<string, string>> {
    const held: Record<string, string> = {};
    for (const accountId of savings.keys()) {
      const coop = accountId.startsWith('A-') ? COOP.A : COOP.B;
      const view = (await people.auditor.expect(
        200,
        'GET',
        `${API.savings}/coops/${coop}/accounts/${accountId}`,
      )) as { balance: { amount: string } };
      held[accountId] = view.balance.amount;
    }
    return held;
  }
  const savingsPutIn = () =>
    Object.fromEntries([...savings].map(([id, amount]) => [id, String(amount)]));

  /** Every savings account holds what the scenario put in (once the bus has carried it there). */
  async function expectSavings(): Promise<void> {
    const expected = savingsPutIn();
    const held = await eventually(
      savingsHeld,
      (h) => JSON.stringify(h) === JSON.stringify(expected),
      'the savings balances',
    ).catch(() => savingsHeld());
    expect(held).toEqual(expected);
  }

  /** The sum over savings accounts whose id starts with `prefix` and ends with `suffix`. */
  const putIn = (prefix: string, suffix: string) =>
    [...savings]
      .filter(([id]) => id.startsWith(prefix) && id.endsWith(suffix))
      .reduce((sum, [, amount]) => sum + amount, 0n);

  beforeAll(async () => {
    await awayFromMidnight();
    today = jakartaToday();
    const port = await freePort();
    // Payments between members of different coops need no setting: the node links its
    // settlement service to its own savings API.
    node = new NodeProcess({ dataDir, port });
    await node.start();
    people = await federationOn(node);
  }, 300_000);

  afterAll(async () => {
    await node?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers members: a primary coop in bulk from its own system, another one by one', async () => {
    const items = Array.from({ length: 6 }, (_, i) => ({
      externalId: `AGT-${i + 1}`,
      memberNumber: `A-${i + 1}`,
      kind: 'person',
      joinedOn: '2025-01-15',
      person: person(100 + i),
    }));
    const batch = (await people.coopA.expect(
      200,
      'POST',
      `${API.member}/coops/${COOP.A}/member-batches`,
      { sequence: 1, items },
    )) as { counts: Record<string, number>; results: { status: string; id: string }[] };
    expect(batch.counts).toEqual({ created: 6, updated: 0, unchanged: 0, rejected: 0 });
    membersA.push(...batch.results.map((r) => r.id));

    for (let i = 0; i < 3; i++) {
      const member = (await people.coopB.expect(
        201,
        'POST',
        `${API.member}/coops/${COOP.B}/members`,
        {
          kind: 'person',
          memberNumber: `B-${i + 1}`,
          joinedOn: '2025-01-20',
          person: person(200 + i),
        },
      )) as { memberId: string };
      membersB.push(member.memberId);
    }
    const listed = (await people.auditor.expect(
      200,
      'GET',
      `${API.member}/coops/${COOP.A}/members?limit=100`,
    )) as { items: unknown[] };
    expect(listed.items).toHaveLength(6);
  });

  it('keeps savings: products, a bulk sync of a year of history, and deposits over the API', async () => {
    for (const [client, coop] of [
      [people.coopA, COOP.A],
      [people.coopB, COOP.B],
    ] as const) {
      await client.expect(201, 'POST', `${API.savings}/coops/${coop}/products`, {
        code: 'POKOK',
        name: 'Simpanan Pokok',
        kind: 'pokok',
        terms: { effectiveFrom: '2025-01-01', pokokAmount: idr(100_000) },
      });
      await client.expect(201, 'POST', `${API.savings}/coops/${coop}/products`, {
        code: 'SUKARELA',
        name: 'Simpanan Sukarela',
        kind: 'sukarela',
        terms: { effectiveFrom: '2025-01-01' },
      });
    }
    // The savings service learns of members from the member service's events: the last one
    // of the batch known means all are.
    const last = membersA.length;
    await eventually(
      () =>
        people.coopA.send('POST', `${API.savings}/coops/${COOP.A}/accounts`, {
          accountId: `A-${last}-P`,
          memberId: membersA[last - 1],
          productCode: 'POKOK',
          initialDeposit: { amount: idr(100_000), via: 'cash' },
        }),
      (a) => a.status === 201,
      'the savings service knows the bulk-synced members',
    );
    savings.set(`A-${last}-P`, 100_000n);
    const items: unknown[] = [];
    for (let k = 1; k <= membersA.length; k++) {
      if (k < last) {
        items.push({
          externalId: `OB-${k}-P`,
          accountId: `A-${k}-P`,
          type: 'open',
          memberExternalId: `AGT-${k}`,
          productCode: 'POKOK',
          businessDate: '2025-02-01',
          openingBalance: idr(100_000),
        });
        savings.set(`A-${k}-P`, 100_000n);
      }
      items.push(
        {
          externalId: `OB-${k}-S`,
          accountId: `A-${k}-S`,
          type: 'open',
          memberExternalId: `AGT-${k}`,
          productCode: 'SUKARELA',
          businessDate: '2025-02-01',
          openingBalance: idr(1_000_000 * k),
        },
        {
          externalId: `TX-${k}-1`,
          accountId: `A-${k}-S`,
          type: 'deposit',
          amount: idr(250_000),
          businessDate: '2025-06-02',
        },
        {
          externalId: `TX-${k}-2`,
          accountId: `A-${k}-S`,
          type: 'withdrawal',
          amount: idr(100_000),
          businessDate: '2025-09-01',
        },
      );
      savings.set(`A-${k}-S`, BigInt(1_000_000 * k) + 250_000n - 100_000n);
    }
    const synced = (await people.coopA.expect(
      200,
      'POST',
      `${API.savings}/coops/${COOP.A}/sync/transactions`,
      { sequence: 1, items },
    )) as { counts: Record<string, number>; results: { status: string; problem?: unknown }[] };
    expect(synced.results.filter((r) => r.status !== 'created')).toEqual([]);
    // The coop's system resends the batch (say its connection dropped): nothing changes.
    const resent = (await people.coopA.expect(
      200,
      'POST',
      `${API.savings}/coops/${COOP.A}/sync/transactions`,
      { sequence: 1, items },
    )) as { duplicateSequence: boolean; counts: Record<string, number> };
    expect(resent).toMatchObject({ duplicateSequence: true, counts: { created: 0 } });

    for (const [i, memberId] of membersB.entries()) {
      await eventually(
        () =>
          people.coopB.send('POST', `${API.savings}/coops/${COOP.B}/accounts`, {
            accountId: `B-${i + 1}-S`,
            memberId,
            productCode: 'SUKARELA',
            initialDeposit: { amount: idr(500_000), via: 'cash' },
          }),
        (a) => a.status === 201,
        `a savings account for ${memberId}`,
      );
      await people.coopB.expect(
        200,
        'POST',
        `${API.savings}/coops/${COOP.B}/accounts/B-${i + 1}-S/deposits`,
        { amount: idr(75_000 * (i + 1)), reference: `setoran-${i + 1}` },
      );
      savings.set(`B-${i + 1}-S`, 500_000n + BigInt(75_000 * (i + 1)));
    }

    await expectSavings();
  });

  it('lends: a year-old loan synced in bulk, and a new one applied, approved by another key, disbursed and repaid', async () => {
    await people.coopA.expect(
      201,
      'POST',
      `${API.loan}/coops/${COOP.A}/loan-products/PINJAMAN/versions`,
      {
        effectiveFrom: '2025-01-01',
        terms: {
          name: 'Pinjaman produktif',
          method: 'ANNUITY',
          annualRatePercent: '12',
          minTermMonths: 1,
          maxTermMonths: 60,
          maxGraceMonths: 3,
          minPrincipal: idr(1_000_000),
          maxPrincipal: idr(500_000_000),
          disbursementFeePercent: '1',
          lateFee: idr(25_000),
          penaltyPercentPerDay: '0.1',
        },
      },
    );
    const synced = (await people.coopA.expect(
      200,
      'POST',
      `${API.loan}/coops/${COOP.A}/loan-sync-batches`,
      {
        sequence: 1,
        items: [
          {
            kind: 'loan',
            externalId: 'PJ-1',
            memberExternalId: 'AGT-1',
            productCode: 'PINJAMAN',
            principal: idr(6_000_000),
            termMonths: 12,
            appliedOn: '2025-03-03',
          },
          {
            kind: 'disbursement',
            externalId: 'PJ-1-CAIR',
            loanExternalId: 'PJ-1',
            disbursedOn: '2025-03-03',
            via: { kind: 'cash' },
          },
        ],
      },
    )) as { counts: Record<string, number>; results: { status: string; id: string }[] };
    expect(synced.counts).toMatchObject({ created: 2 });
    const syncedLoan = synced.results[0]!.id;
    const firstDue = (await people.auditor.expect(
      200,
      'GET',
      `${API.loan}/coops/${COOP.A}/loans/${syncedLoan}/schedule`,
    )) as Schedule;
    const installment = firstDue.installments[0]!;
    const repaid = BigInt(installment.principal.amount) + BigInt(installment.interest.amount);
    const repayment = (await people.coopA.expect(
      200,
      'POST',
      `${API.loan}/coops/${COOP.A}/loan-sync-batches`,
      {
        sequence: 2,
        items: [
          {
            kind: 'repayment',
            externalId: 'PJ-1-ANGSUR-1',
            loanExternalId: 'PJ-1',
            amount: idr(repaid),
            paidOn: installment.dueDate,
            via: { kind: 'cash' },
          },
        ],
      },
    )) as { counts: Record<string, number> };
    expect(repayment.counts).toMatchObject({ created: 1 });
    loans.set(syncedLoan, 6_000_000n - BigInt(installment.principal.amount));

    const applied = (await people.coopA.expect(201, 'POST', `${API.loan}/coops/${COOP.A}/loans`, {
      memberId: membersA[1],
      productCode: 'PINJAMAN',
      principal: idr(10_000_000),
      termMonths: 12,
    })) as { loanId: string };
    const loan = `${API.loan}/coops/${COOP.A}/loans/${applied.loanId}`;
    const ownApproval = await people.coopA.send('POST', `${loan}/approval`);
    expect([ownApproval.status, (ownApproval.body as { code: string }).code]).toEqual([
      422,
      'maker_checker',
    ]);
    await people.treasurer.expect(200, 'POST', `${loan}/approval`);
    await people.coopA.expect(200, 'POST', `${loan}/disbursement`, { via: { kind: 'cash' } });
    await people.coopA.expect(200, 'POST', `${loan}/repayments`, {
      amount: idr(1_000_000),
      via: { kind: 'cash' },
    });
    loans.set(applied.loanId, 9_000_000n);

    for (const [loanId, outstanding] of loans) {
      const view = (await people.auditor.expect(
        200,
        'GET',
        `${API.loan}/coops/${COOP.A}/loans/${loanId}`,
      )) as { status: string; outstandingPrincipal: { amount: string } };
      expect([loanId, view.status, view.outstandingPrincipal.amount]).toEqual([
        loanId,
        'active',
        String(outstanding),
      ]);
    }
  });

  it('pays across coops: transfers between the coops and a member-to-member payment', async () => {
    // Each coop's bank account, from its opening balance sheet: what settlement pays out of.
    for (const [client, coop] of [
      [people.coopA, COOP.A],
      [people.coopB, COOP.B],
    ] as const) {
      await client.expect(201, 'POST', `${API.settlement}/coops/${coop}/journal-entries`, {
        entryId: 'saldo-awal-bank',
        businessDate: '2025-01-02',
        description: 'Saldo awal bank (opening balance)',
        lines: [
          { account: '1-120', debit: idr(5_000_000) },
          { account: '3-300', credit: idr(5_000_000) },
        ],
      });
    }
    for (const coop of [COOP.A, COOP.B]) {
      await people.treasurer.expect(200, 'PUT', `${API.settlement}/coops/${coop}/limits/IDR`, {
        netDebitCap: idr(50_000_000),
        alarmAtBasisPoints: 8_000,
      });
      await people.treasurer.expect(
        200,
        'PUT',
        `${API.settlement}/coops/${coop}/liquidity-cover/IDR`,
        { amount: idr(50_000_000) },
      );
    }
    for (const [transferId, fromCoopId, toCoopId, amount] of [
      ['e2e-t1', COOP.A, COOP.B, 1_500_000],
      ['e2e-t2', COOP.B, COOP.A, 400_000],
    ] as const) {
      await people.treasurer.expect(201, 'POST', `${API.settlement}/transfers`, {
        transferId,
        fromCoopId,
        toCoopId,
        amount: idr(amount),
      });
    }
    const payment = await people.coopA.send('POST', `${API.settlement}/payments`, {
      paymentId: 'e2e-pay-1',
      payer: { coopId: COOP.A, accountId: 'A-1-S' },
      payee: { coopId: COOP.B, accountId: 'B-1-S' },
      amount: idr(200_000),
      reference: 'arisan',
    });
    expect([201, 202]).toContain(payment.status);
    const paid = await eventually(
      () => people.coopA.expect(200, 'GET', `${API.settlement}/payments/e2e-pay-1`),
      (p) => (p as { status: string }).status !== 'in_progress',
      'the payment ends',
    );
    expect(paid).toMatchObject({ status: 'completed', refusal: null });
    savings.set('A-1-S', savings.get('A-1-S')! - 200_000n);
    savings.set('B-1-S', savings.get('B-1-S')! + 200_000n);
    await expectSavings();
  });

  it('closes and settles the batch: nets sum to zero, the payer settles first', async () => {
    const open = (await people.treasurer.expect(
      200,
      'GET',
      `${API.settlement}/settlement-batches?status=open`,
    )) as { items: { batchId: string }[] };
    expect(open.items).toHaveLength(1);
    batchId = open.items[0]!.batchId;
    const batch = `${API.settlement}/settlement-batches/${batchId}`;
    expect(await people.treasurer.expect(200, 'POST', `${batch}/close`)).toMatchObject({
      status: 'closed',
      transferCount: 3,
      total: idr(2_100_000),
    });
    const positions = (await people.auditor.expect(200, 'GET', `${batch}/positions`)) as {
      positions: { coopId: string; net: { amount: string } }[];
      sumOfNets: { amount: string };
    };
    expect(positions.positions.map((p) => [p.coopId, p.net.amount])).toEqual([
      [COOP.A, '-1300000'],
      [COOP.B, '1300000'],
    ]);
    expect(positions.sumOfNets.amount).toBe('0');
    for (const step of ['record-settlement', 'reserve', 'commit'])
      await people.treasurer.expect(200, 'POST', `${batch}/${step}`);
    const early = await people.treasurer.send('POST', `${batch}/settlements`, {
      coopId: COOP.B,
      bankReference: 'BNI-E2E-B',
    });
    expect((early.body as { code: string }).code).toBe('settle-payers-first');
    await people.treasurer.expect(200, 'POST', `${batch}/settlements`, {
      coopId: COOP.A,
      bankReference: 'BNI-E2E-A',
      settledOn: today,
    });
    const settled = (await people.treasurer.expect(200, 'POST', `${batch}/settlements`, {
      coopId: COOP.B,
      bankReference: 'BNI-E2E-B',
      settledOn: today,
    })) as { status: string; instructions: { coopId: string; reference: string }[] };
    expect(settled.status).toBe('settled');
    references = Object.fromEntries(settled.instructions.map((i) => [i.coopId, i.reference]));
  });

  it("reconciles the bank statement against the batch and the coops' own records", async () => {
    for (const [coop, direction] of [
      [COOP.A, 'paid'],
      [COOP.B, 'received'],
    ] as const) {
      const own = (await people.admin.expect(
        200,
        'POST',
        `${API.settlement}/coops/${coop}/settlement-records`,
        {
          records: [
            {
              recordId: `own-${coop}`,
              reference: references[coop],
              direction,
              amount: idr(1_300_000),
              date: today,
            },
          ],
        },
      )) as { results: { status: string }[] };
      expect(own.results).toEqual([{ recordId: `own-${coop}`, status: 'created' }]);
    }
    const [y, m, d] = today.split('-');
    const content = [
      'Tanggal;Keterangan;Referensi;Debet;Kredit',
      `${d}/${m}/${y};Setoran kliring ${COOP.A};${references[COOP.A]};;1.300.000,00`,
      `${d}/${m}/${y};Transfer kliring ke ${COOP.B};${references[COOP.B]};1.300.000,00;`,
    ].join('\r\n');
    await people.treasurer.expect(
      201,
      'POST',
      `${API.settlement}/coops/${COOP.P}/bank-statements`,
      {
        statementId: `bni-${today}`,
        format: 'csv',
        content,
        csv: {
          delimiter: ';',
          dateFormat: 'DD/MM/YYYY',
          decimalSeparator: ',',
          columns: {
            date: 'Tanggal',
            description: 'Keterangan',
            reference: 'Referensi',
            debit: 'Debet',
            credit: 'Kredit',
          },
        },
      },
    );
    const report = (await people.auditor.expect(
      200,
      'GET',
      `${API.settlement}/coops/${COOP.P}/reconciliation?from=${today}&to=${today}`,
    )) as {
      coops: { coopId: string; items: { mismatches: unknown[]; booked: boolean }[] }[];
      unmatchedBankLines: unknown[];
    };
    expect(
      report.coops.map((c) => [c.coopId, c.items.map((i) => [i.booked, i.mismatches])]),
    ).toEqual([
      [COOP.A, [[true, []]]],
      [COOP.B, [[true, []]]],
    ]);
    expect(report.unmatchedBankLines).toEqual([]);
  });

  it('runs year end: closes 2025, simulates the SHU from the books, approves it at the RAT and distributes it', async () => {
    const closed = (await people.coopA.expect(
      200,
      'POST',
      `${API.settlement}/coops/${COOP.A}/periods/close`,
      { period: { kind: 'year', year: 2025 } },
    )) as { closedThrough: string };
    expect(closed.closedThrough).toBe('2025-12-31');
    // The SHU divided is the one the books closed 2025 with: loan income less savings interest.
    const statement = (await people.auditor.expect(
      200,
      'GET',
      `${API.settlement}/coops/${COOP.A}/books/shu-statement?from=2025-01-01&to=2025-12-31`,
    )) as { result: string };
    const surplus = BigInt(statement.result);
    expect(surplus).toBeGreaterThan(0n);
    const simulation = (await people.coopA.expect(
      201,
      'POST',
      `${API.settlement}/coops/${COOP.A}/shu-simulations`,
      {
        financialYear: 2025,
        allocation: {
          reserve: '40',
          memberCapital: '20',
          memberBusiness: '25',
          board: '5',
          staff: '5',
          education: '2.5',
          social: '2.5',
        },
      },
    )) as {
      simulationId: string;
      surplus: string;
      surplusFrom: string;
      basesFrom: string;
      pools: Record<string, string>;
      members: { memberId: string; capitalShare: string; businessShare: string; total: string }[];
    };
    expect(simulation).toMatchObject({
      surplus: surplus.toString(),
      surplusFrom: 'books',
      basesFrom: 'books',
    });
    const pools = Object.values(simulation.pools).reduce((s, p) => s + BigInt(p), 0n);
    expect(pools).toBe(surplus);
    // Each pool is its percent of the surplus, rounded to the rupiah.
    const capitalPool = BigInt(simulation.pools.memberCapital!);
    expect(capitalPool * 100n - surplus * 20n).toBeLessThanOrEqual(100n);
    expect(surplus * 20n - capitalPool * 100n).toBeLessThanOrEqual(100n);
    const sum = (key: 'capitalShare' | 'businessShare') =>
      simulation.members.reduce((s, m) => s + BigInt(m[key]), 0n);
    expect(sum('capitalShare')).toBeLessThanOrEqual(capitalPool);
    expect(sum('capitalShare')).toBeGreaterThan(capitalPool - BigInt(simulation.members.length));
    const path = `${API.settlement}/coops/${COOP.A}/shu-simulations/${simulation.simulationId}`;
    await people.coopA.expect(200, 'POST', `${path}/approval`, {
      ratReference: 'RAT-2026/01',
      ratHeldOn: '2026-03-14',
    });
    const distributed = await people.coopA.expect(200, 'POST', `${path}/distribution`, {
      businessDate: today,
    });
    expect(distributed).toMatchObject({ status: 'distributed', distributedOn: today });
    const again = await people.coopA.send('POST', `${path}/distribution`, { businessDate: today });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);

    // Each member's share lands in their simpanan sukarela, exactly once.
    for (const share of simulation.members) {
      const accountId = `A-${membersA.indexOf(share.memberId) + 1}-S`;
      expect(savings.has(accountId)).toBe(true);
      savings.set(accountId, savings.get(accountId)! + BigInt(share.total));
    }
    expect(simulation.members.filter((m) => BigInt(m.total) > 0n)).not.toHaveLength(0);
    await expectSavings();
  });

  it('books balance for every coop and consolidated, and hold what the scenario put in', async () => {
    const trialOf = (coop: string) =>
      people.auditor
        .expect(200, 'GET', `${API.settlement}/coops/${coop}/books/trial-balance`)
        .then((body) => body as TrialBalance);
    // The default GL mapping: simpanan pokok is equity 3-100, sukarela a liability 2-110,
    // loan principal an asset 1-140 (credit balances read negative).
    const figures = async () => {
      const [a, b] = [await trialOf(COOP.A), await trialOf(COOP.B)];
      return {
        pokokA: -balanceOf(a, '3-100'),
        sukarelaA: -balanceOf(a, '2-110'),
        sukarelaB: -balanceOf(b, '2-110'),
        loansA: balanceOf(a, '1-140'),
      };
    };
    const expected = {
      pokokA: putIn('A-', '-P'),
      sukarelaA: putIn('A-', '-S'),
      sukarelaB: putIn('B-', '-S'),
      loansA: [...loans.values()].reduce((sum, amount) => sum + amount, 0n),
    };
    const same = (f: typeof expected) =>
      Object.entries(expected).every(([k, v]) => f[k as keyof typeof f] === v);
    // The ledger posts from the services' events: wait for it to catch up, then compare.
    expect(await eventually(figures, same, 'the books catch up').catch(figures)).toEqual(expected);

    for (const coop of [COOP.A, COOP.B, COOP.P]) {
      expect([coop, balanced(await trialOf(coop))]).toEqual([coop, true]);
      const unposted = (await people.auditor.expect(
        200,
        'GET',
        `${API.settlement}/coops/${coop}/books/unposted`,
      )) as { items: unknown[] };
      expect([coop, unposted.items]).toEqual([coop, []]);
    }

    const consolidated = (await people.auditor.expect(
      200,
      'GET',
      `${API.settlement}/coops/${COOP.P}/books/consolidated/trial-balance`,
    )) as { coops: string[]; statement: TrialBalance };
    expect(consolidated.coops).toEqual(expect.arrayContaining([COOP.P, COOP.A, COOP.B]));
    expect(balanced(consolidated.statement)).toBe(true);
    // The settled batch leaves nothing owed between the coops: clearing nets to zero.
    expect(balanceOf(consolidated.statement, '1-160')).toBe(0n);
    consolidatedBeforeStop = consolidated.statement;
  });

  it('stops gracefully; the auditor verifies every store and rebuild-checks every projection', async () => {
    expect(await node.stop()).toBe(0);
    const { verify, rebuild } = await auditDataDir(dataDir);
    expect([verify.code, verify.stderr]).toEqual([0, '']);
    const verified = verify.report!;
    expect(verified.intact).toBe(true);
    expect(verified.stores.map((s) => s.store)).toEqual(
      expect.arrayContaining(['member', 'savings', 'loan', 'settlement']),
    );
    for (const store of verified.stores)
      expect([store.store, store.intact]).toEqual([store.store, true]);
    expect(verified.stores.find((s) => s.store === 'savings')!.events).toBeGreaterThan(20);

    expect([rebuild.code, rebuild.stderr]).toEqual([0, '']);
    const rebuilt = rebuild.report!;
    expect(rebuilt.identical).toBe(true);
    expect(rebuilt.absent).toEqual([]);
    expect(rebuilt.projections.filter((p) => !p.identical)).toEqual([]);
    expect(rebuilt.projections.length).toBeGreaterThan(4);
  });

  it('starts again on the same stores with the same balances and books', async () => {
    await node.start();
    expect(await savingsHeld()).toEqual(savingsPutIn());
    const consolidated = (await people.auditor.expect(
      200,
      'GET',
      `${API.settlement}/coops/${COOP.P}/books/consolidated/trial-balance`,
    )) as { statement: TrialBalance };
    expect(consolidatedBeforeStop).toBeDefined();
    expect(consolidated.statement).toEqual(consolidatedBeforeStop);
    expect(await node.stop()).toBe(0);
  });
});
