import { expectBooksBalance } from '../testing/books';
import { A, B, C, idr, P, settlementHarness, type Harness } from '../testing/harness';

describe('the books over HTTP: chart, GL mapping, journal, periods, statements', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await settlementHarness();
  });
  afterAll(async () => {
    await expectBooksBalance(h.settlement, [A, B, P]);
    await h.close();
  });

  const entry = (
    coop: string,
    entryId: string,
    businessDate: string,
    lines: object[],
    description = 'Jurnal umum',
  ) => h.post(`/coops/${coop}/journal-entries`, { entryId, businessDate, description, lines });

  it('starts a coop on the default chart, and takes changes that keep it a chart', async () => {
    expect((await h.get(`/coops/${A}/chart`)).body.code).toBe('ledger-not-found');
    const changed = await h.post(`/coops/${A}/chart/changes`, {
      upsert: [
        {
          code: '5-230',
          name: 'Beban Listrik',
          gloss: 'Electricity',
          type: 'expense',
          parent: '5-200',
        },
      ],
    });
    expect(changed.status).toBe(200);
    expect(changed.body.accounts.find((a: { code: string }) => a.code === '5-230')).toMatchObject({
      type: 'expense',
      postable: true,
    });
    const wrong = await h.post(`/coops/${A}/chart/changes`, {
      upsert: [{ code: '5-240', name: 'Salah', type: 'income' }],
    });
    expect(wrong.body).toMatchObject({ status: 422, code: 'chart-invalid' });
    expect(wrong.body.details.problems[0]).toMatch(/5-240 is a code for expense accounts/);
    expect(
      (
        await h.post(
          `/coops/${A}/chart/changes`,
          { upsert: [{ code: 'x', name: 'x', type: 'asset' }] },
          h.kit.keys.coopB,
        )
      ).status,
    ).toBe(403);
  });

  it('keeps the GL mapping as data by effective date, checked against the chart', async () => {
    const today = await h.get(`/coops/${A}/gl-mapping`);
    expect(today.body).toMatchObject({
      effectiveFrom: '1900-01-01',
      cash: '1-110',
      savings: { SUKARELA: { account: '2-110' } },
    });
    const base = { ...today.body };
    for (const key of ['coopId', 'effectiveFrom', 'memberClearing']) delete base[key];
    const broken = await h.put(`/coops/${A}/gl-mapping/2026-12-01`, { ...base, cash: '1-999' });
    expect(broken.body).toMatchObject({
      status: 422,
      code: 'gl-mapping-invalid',
      details: { problems: ['cash: no account 1-999'] },
    });
    const withProduct = {
      ...base,
      savings: {
        ...base.savings,
        SIBUHAR: {
          account: '2-110',
          interestExpense: '5-110',
          feeIncome: '4-120',
          penaltyIncome: '4-130',
        },
      },
    };
    expect((await h.put(`/coops/${A}/gl-mapping/2026-12-01`, withProduct)).status).toBe(200);
    expect(
      (await h.get(`/coops/${A}/gl-mapping?on=2026-11-30`)).body.savings.SIBUHAR,
    ).toBeUndefined();
    expect(
      (await h.get(`/coops/${A}/gl-mapping?on=2026-12-01`)).body.savings.SIBUHAR,
    ).toMatchObject({ account: '2-110' });
  });

  it('posts balanced entries once, refuses unbalanced ones, corrects by reversal', async () => {
    const opening = [
      { account: '1-110', debit: idr(1_000_000) },
      { account: '3-300', credit: idr(1_000_000) },
    ];
    expect((await entry(A, 'open-1', '2026-10-01', opening)).status).toBe(201);
    expect((await entry(A, 'open-1', '2026-10-01', opening)).status).toBe(201);
    expect((await entry(A, 'open-1', '2026-10-02', opening)).body).toMatchObject({
      status: 409,
      code: 'entry-id-conflict',
    });
    const unbalanced = await entry(A, 'bad-1', '2026-10-01', [
      opening[0]!,
      { account: '3-300', credit: idr(999_999) },
    ]);
    expect(unbalanced.body).toMatchObject({ status: 422, code: 'entry-unbalanced' });
    await entry(A, 'oops-1', '2026-10-05', [
      { account: '5-230', debit: idr(70_000) },
      { account: '1-110', credit: idr(70_000) },
    ]);
    const reversal = await h.post(`/coops/${A}/journal-entries/oops-1/reversal`, {
      reason: 'dicatat dua kali',
      businessDate: '2026-10-06',
    });
    expect(reversal.status).toBe(201);
    expect(reversal.body).toMatchObject({
      reverses: 'oops-1',
      lines: [
        { account: '5-230', credit: idr(70_000) },
        { account: '1-110', debit: idr(70_000) },
      ],
    });
    expect(
      (await h.post(`/coops/${A}/journal-entries/oops-1/reversal`, { reason: 'again' })).body.code,
    ).toBe('entry-already-reversed');
  });

  it('starts no books for a coop whose first entry or mapping is refused', async () => {
    const unbalanced = await entry(C, 'first-1', '2026-10-01', [
      { account: '1-110', debit: idr(2) },
      { account: '3-300', credit: idr(1) },
    ]);
    expect(unbalanced.body).toMatchObject({ status: 422, code: 'entry-unbalanced' });
    const mapping = (await h.get(`/coops/${C}/gl-mapping`)).body;
    for (const key of ['coopId', 'effectiveFrom', 'memberClearing']) delete mapping[key];
    const broken = await h.put(`/coops/${C}/gl-mapping/2026-12-01`, { ...mapping, cash: '1-999' });
    expect(broken.body).toMatchObject({ status: 422, code: 'gl-mapping-invalid' });
    expect((await h.get(`/coops/${C}/chart`)).body).toMatchObject({
      status: 404,
      code: 'ledger-not-found',
    });
    expect(await h.settlement.books.yearOpen(C, 2026)).toBe(false);
  });

  it('refuses a manual entry under the id of an entry the books made, and posts nothing', async () => {
    const reversal = await h.post(`/coops/${A}/journal-entries/oops-1/reversal`, {
      reason: 'dicatat dua kali',
    });
    const before = await h.get(`/coops/${A}/books/trial-balance`);
    const again = await entry(A, reversal.body.entryId, '2026-10-06', [
      { account: '5-230', debit: idr(70_000) },
      { account: '1-110', credit: idr(70_000) },
    ]);
    expect(again.body).toMatchObject({ status: 409, code: 'entry-id-conflict' });
    expect((await h.get(`/coops/${A}/books/trial-balance`)).body).toEqual(before.body);
  });

  it('shows trial balance, neraca, SHU statement and general ledger as of a date or an instant', async () => {
    await entry(
      A,
      'interest-1',
      '2026-10-20',
      [
        { account: '1-110', debit: idr(100_000) },
        { account: '4-110', credit: idr(100_000) },
      ],
      'Bunga pinjaman',
    );
    await entry(
      A,
      'power-1',
      '2026-11-20',
      [
        { account: '5-230', debit: idr(40_000) },
        { account: '1-110', credit: idr(40_000) },
      ],
      'Listrik',
    );
    const shu = await h.get(`/coops/${A}/books/shu-statement?from=2026-01-01&to=2026-12-31`);
    expect(shu.body).toMatchObject({
      totalIncome: '100000',
      totalExpense: '40000',
      result: '60000',
    });
    const october = await h.get(`/coops/${A}/books/balance-sheet?date=2026-10-31`);
    expect(october.body).toMatchObject({
      totalAssets: '1100000',
      totalEquity: '1000000',
      currentResult: '100000',
    });
    const now = await h.get(`/coops/${A}/books/balance-sheet`);
    expect(now.body).toMatchObject({ totalAssets: '1060000', currentResult: '60000' });
    const before = await h.get(
      `/coops/${A}/books/trial-balance?recordedAt=2026-01-01T00:00:00.000Z`,
    );
    expect(before.body).toEqual({
      rows: [],
      totals: [],
      unposted: { count: 0, oldestBusinessDate: null, coops: [] },
    });
    const kas = await h.get(`/coops/${A}/books/general-ledger?account=1-110&from=2026-10-10`);
    expect(kas.body).toMatchObject({ opening: '1000000', closing: '1060000' });
    expect(kas.body.lines.map((l: { description: string }) => l.description)).toEqual([
      'Bunga pinjaman',
      'Listrik',
    ]);
    expect((await h.get(`/coops/${A}/books/general-ledger?account=1-999`)).status).toBe(404);
    expect(
      (await h.get(`/coops/${A}/books/shu-statement?from=2026-12-01&to=2026-01-01`)).status,
    ).toBe(422);
  });

  it('closes a month once it is over, and refuses entries dated in it afterwards', async () => {
    const closed = await h.post(`/coops/${A}/periods/close`, {
      period: { kind: 'month', month: '2026-10' },
    });
    expect(closed.body).toMatchObject({ closedThrough: '2026-10-31' });
    expect(
      (
        await entry(A, 'late-1', '2026-10-15', [
          { account: '1-110', debit: idr(1) },
          { account: '3-300', credit: idr(1) },
        ])
      ).body,
    ).toMatchObject({ status: 409, code: 'period-closed' });
    expect(
      (await h.post(`/coops/${A}/periods/close`, { period: { kind: 'year', year: 2026 } })).body
        .code,
    ).toBe('period-not-over');
    expect(
      (await h.post(`/coops/${A}/periods/close`, { period: { kind: 'month', month: '2026-13' } }))
        .status,
    ).toBe(400);
  });

  it('consolidates the books of a parent and the coops below it', async () => {
    await entry(B, 'open-b', '2026-10-01', [
      { account: '1-120', debit: idr(500_000) },
      { account: '3-300', credit: idr(500_000) },
    ]);
    await entry(P, 'open-p', '2026-10-01', [
      { account: '1-120', debit: idr(2_000_000) },
      { account: '3-300', credit: idr(2_000_000) },
    ]);
    const sheet = await h.get(`/coops/${P}/books/consolidated/balance-sheet`);
    expect(sheet.body.coops).toEqual(expect.arrayContaining([P, A, B]));
    expect(sheet.body.statement.totalAssets).toBe(String(2_000_000 + 500_000 + 1_060_000));
    const shu = await h.get(
      `/coops/${P}/books/consolidated/shu-statement?from=2026-01-01&to=2026-12-31`,
    );
    expect(shu.body.statement.result).toBe('60000');
    expect(
      (await h.get(`/coops/${P}/books/consolidated/shu-statement?from=2026-12-31&to=2026-01-01`))
        .body,
    ).toMatchObject({ status: 422, code: 'period-reversed' });
    expect(
      (await h.get(`/coops/${A}/books/general-ledger?account=1-110&from=2026-12-01&to=2026-11-01`))
        .body,
    ).toMatchObject({ status: 422, code: 'period-reversed' });
    expect(
      (await h.get(`/coops/${P}/books/consolidated/trial-balance`, h.kit.keys.auditorP)).status,
    ).toBe(200);
    expect(
      (await h.get(`/coops/${P}/books/consolidated/trial-balance`, h.kit.keys.coopA)).status,
    ).toBe(403);
  });

  it('refuses an entry dated after today or long before the books, and a first close before them', async () => {
    const lines = [
      { account: '1-110', debit: idr(1_000) },
      { account: '3-300', credit: idr(1_000) },
    ];
    const before = await h.get(`/coops/${A}/books/trial-balance`);
    // Today is 2026-11-27 in Jakarta.
    expect((await entry(A, 'ahead-1', '2026-11-28', lines)).body).toMatchObject({
      status: 422,
      code: 'entry-dated-ahead',
    });
    expect((await entry(A, 'typo-1', '2006-11-02', lines)).body).toMatchObject({
      status: 422,
      code: 'entry-before-books',
    });
    const reversal = await h.post(`/coops/${A}/journal-entries/open-1/reversal`, {
      reason: 'salah tanggal',
      businessDate: '2026-11-28',
    });
    expect(reversal.body).toMatchObject({ status: 422, code: 'entry-dated-ahead' });
    expect((await h.get(`/coops/${A}/books/trial-balance`)).body).toEqual(before.body);

    // B's books begin in 2026 and no period of them is closed yet: a typo of 2016 is refused.
    expect((await h.settlement.ledgers.state(B)).closedThrough).toBeNull();
    const typoMonth = await h.post(`/coops/${B}/periods/close`, {
      period: { kind: 'month', month: '2016-10' },
    });
    expect(typoMonth.body).toMatchObject({ status: 422, code: 'period-before-books' });
    const typoYear = await h.post(`/coops/${B}/periods/close`, {
      period: { kind: 'year', year: 2016 },
    });
    expect(typoYear.body).toMatchObject({ status: 422, code: 'period-before-books' });
    expect((await h.settlement.ledgers.state(B)).closedThrough).toBeNull();
  });
});
