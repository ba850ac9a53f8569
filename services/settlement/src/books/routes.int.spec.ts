import type { EventName } from '@kopfed/contracts';
import { buildOpenApiDocument } from '@kopfed/service-kit';
import { expectBooksBalance } from '../testing/books';
import { A, idr, P, settlementHarness, type Harness } from '../testing/harness';
import { deliverEvent } from '../testing/deliver';

/**
 * A money event the ledger refused waits in books/unposted until close of business retries
 * it; meanwhile every books report says so, so nobody reads a loan's repayments and
 * provisions against a principal that is not there yet as complete books.
 */
describe('the books reports tell what is still waiting to post', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await settlementHarness();
    for (const coop of [A, P]) await h.post(`/coops/${coop}/chart/changes`, {}).expect(200);
  });
  afterAll(async () => {
    await expectBooksBalance(h.settlement, [A, P]);
    await h.close();
  });

  const deliver = (name: EventName, data: unknown) => deliverEvent(h.settlement, name, data);

  const reports = {
    trialBalance: `/coops/${A}/books/trial-balance`,
    balanceSheet: `/coops/${A}/books/balance-sheet`,
    shuStatement: `/coops/${A}/books/shu-statement?from=2026-01-01&to=2026-12-31`,
    generalLedger: `/coops/${A}/books/general-ledger?account=1-110`,
    consolidatedTrialBalance: `/coops/${P}/books/consolidated/trial-balance`,
    consolidatedBalanceSheet: `/coops/${P}/books/consolidated/balance-sheet`,
    consolidatedShuStatement: `/coops/${P}/books/consolidated/shu-statement?from=2026-01-01&to=2026-12-31`,
  };
  const unpostedOn = async (key?: string) => {
    const seen: Record<string, unknown> = {};
    for (const [report, path] of Object.entries(reports)) {
      const response = await h.get(path, key);
      expect(response.status).toBe(200);
      seen[report] = response.body.unposted;
    }
    return seen;
  };
  const everywhere = (unposted: object) =>
    Object.fromEntries(Object.keys(reports).map((report) => [report, unposted]));

  it('shows a disbursement parked for want of cash on every report, and none once it posts', async () => {
    expect(await unpostedOn()).toEqual(
      everywhere({ count: 0, oldestBusinessDate: null, coops: [] }),
    );
    // The loan pays out cash the coop's books do not hold yet: Kas may not go below zero.
    await deliver('LoanDisbursed', {
      loanId: 'l-1',
      coopId: A,
      memberId: 'm-1',
      productCode: 'PINJAMAN',
      borrower: { kind: 'person' },
      origin: 'kopfed',
      principal: idr(1_000_000),
      fee: idr(0),
      netAmount: idr(1_000_000),
      via: { kind: 'cash' },
      method: 'EFFECTIVE',
      annualRatePercent: '18',
      termMonths: 12,
      graceMonths: 0,
      firstDueDate: '2026-12-27',
      maturityDate: '2027-11-27',
      disbursedOn: '2026-11-25',
    });
    // The deposits that funded it arrive after it, and post.
    await deliver('SavingsDeposited', {
      coopId: A,
      accountId: 'acc-1',
      memberId: 'm-2',
      memberKind: 'person',
      memberCoopId: null,
      product: { code: 'SUKARELA', kind: 'sukarela', classification: 'liability' },
      amount: idr(5_000_000),
      via: 'cash',
      businessDate: '2026-11-26',
      externalId: null,
    });
    expect((await h.get(`/coops/${A}/books/unposted`)).body.items).toEqual([
      expect.objectContaining({ eventType: 'LoanDisbursed', code: 'balance-rule-broken' }),
    ]);
    const parked = { count: 1, oldestBusinessDate: '2026-11-25', coops: [A] };
    expect(await unpostedOn()).toEqual(everywhere(parked));
    expect(await unpostedOn(h.kit.keys.auditorP)).toEqual(everywhere(parked));
    // The books read as they stand: the loan is not in them yet.
    const sheet = (await h.get(reports.balanceSheet)).body;
    expect(sheet.assets.find((l: { account: string }) => l.account === '1-140')).toBeUndefined();

    await h
      .post('/close-of-business', { businessDate: '2026-11-26' }, h.kit.keys.admin)
      .expect(200);

    expect((await h.get(`/coops/${A}/books/unposted`)).body.items).toEqual([]);
    expect(await unpostedOn()).toEqual(
      everywhere({ count: 0, oldestBusinessDate: null, coops: [] }),
    );
    const posted = (await h.get(reports.balanceSheet)).body;
    expect(posted.assets).toContainEqual(
      expect.objectContaining({ account: '1-140', amount: '1000000' }),
    );
  });

  it('is in the OpenAPI document of every books report', () => {
    const { paths } = buildOpenApiDocument(h.settlement.instance.definition);
    for (const path of Object.values(reports)) {
      const template = path.split('?')[0]!.replace(/\/coops\/[^/]+/, '/coops/{coopId}');
      const ok = paths?.[`/api/settlement/v1${template}`]?.get?.responses?.['200'] as unknown;
      expect(JSON.stringify(ok)).toContain('"unposted"');
    }
  });
});
