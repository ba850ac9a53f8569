import { expectBooksBalance } from '../testing/books';
import { A, B, C, idr, P, settlementHarness, type Harness } from '../testing/harness';

interface Instruction {
  coopId: string;
  direction: string;
  amount: { amount: string };
  reference: string;
}

describe('three-way reconciliation over HTTP', () => {
  let h: Harness;
  let refs: Record<string, string>;

  beforeAll(async () => {
    // The batch closes on the day the statements below show it settled at the bank.
    h = await settlementHarness({ start: '2026-11-26T03:00:00.000Z' });
    for (const coop of [A, B, C]) {
      await h.fund(coop, 1_000_000);
      await h.post(`/coops/${coop}/journal-entries`, {
        entryId: 'opening',
        businessDate: '2026-11-01',
        description: 'Saldo awal',
        lines: [
          { account: '1-120', debit: idr(5_000_000) },
          { account: '3-300', credit: idr(5_000_000) },
        ],
      });
    }
    const send = (id: string, from: string, to: string, amount: number) =>
      h.post('/transfers', { transferId: id, fromCoopId: from, toCoopId: to, amount: idr(amount) });
    await send('r-1', A, B, 300_000);
    await send('r-2', B, C, 100_000);
    await send('r-3', C, A, 50_000);
    const batchId = (await h.get('/settlement-batches?status=open')).body.items[0]
      .batchId as string;
    for (const step of ['close', 'record-settlement', 'reserve', 'commit'])
      await h.post(`/settlement-batches/${batchId}/${step}`, undefined);
    for (const [coop, bankReference] of [
      [A, 'BNI-001'],
      [B, 'BNI-002'],
      [C, 'BNI-003'],
    ] as const) {
      const confirmed = await h.post(`/settlement-batches/${batchId}/settlements`, {
        coopId: coop,
        bankReference,
        settledOn: '2026-11-26',
      });
      expect(confirmed.status).toBe(200);
    }
    const batch = await h.get(`/settlement-batches/${batchId}`);
    refs = Object.fromEntries(
      (batch.body.instructions as Instruction[]).map((i) => [i.coopId, i.reference]),
    );
    const own = (coop: string, direction: string, amount: number) =>
      h.post(
        `/coops/${coop}/settlement-records`,
        {
          records: [
            {
              recordId: `own-${coop}`,
              reference: refs[coop],
              direction,
              amount: idr(amount),
              date: '2026-11-26',
            },
          ],
        },
        h.kit.keys.admin,
      );
    expect((await own(A, 'paid', 250_000)).body.results).toEqual([
      { recordId: `own-${A}`, status: 'created' },
    ]);
    await own(B, 'received', 200_000);
    await own(C, 'received', 50_000);
  });
  afterAll(async () => {
    await expectBooksBalance(h.settlement, [A, B, C, P]);
    await h.close();
  });

  const csv = () =>
    [
      'Tanggal;Keterangan;Referensi;Debet;Kredit',
      `26/11/2026;Setoran kliring ${A};${refs[A]};;250.000,00`,
      `26/11/2026;Setoran kliring ${A};${refs[A]};;250.000,00`,
      `26/11/2026;"Transfer ke ${C}; kliring";${refs[C]};45.000,00;`,
      `26/11/2026;Biaya administrasi;ADM-11;5.000,00;`,
    ].join('\r\n');
  const layout = {
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
  };

  it('reports a duplicated, a missing and a mis-keyed statement line, each with its cause', async () => {
    const imported = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'bni-2026-11-26',
      format: 'csv',
      content: csv(),
      csv: layout,
    });
    expect(imported.status).toBe(201);
    expect(imported.body.lines.map((l: { amountMinor: string }) => l.amountMinor)).toEqual([
      '250000',
      '250000',
      '-45000',
      '-5000',
    ]);

    const report = await h.get(`/coops/${P}/reconciliation`);
    expect(report.status).toBe(200);
    const mismatches = Object.fromEntries(
      report.body.coops.map((c: { coopId: string; items: { mismatches: unknown[] }[] }) => [
        c.coopId,
        c.items[0]!.mismatches,
      ]),
    );
    expect(mismatches).toEqual({
      [A]: [{ source: 'bank', cause: 'duplicated', expected: '1', actual: '2' }],
      [B]: [{ source: 'bank', cause: 'missing', expected: '-200000', actual: null }],
      [C]: [{ source: 'bank', cause: 'amount_differs', expected: '-50000', actual: '-45000' }],
    });
    expect(
      report.body.coops.every((c: { items: { booked: boolean }[] }) => c.items[0]!.booked),
    ).toBe(true);
    expect(report.body.unmatchedBankLines.map((l: { reference: string }) => l.reference)).toEqual([
      'ADM-11',
    ]);
  });

  it('imports a statement once: the same content is a replay, other content a conflict', async () => {
    const again = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'bni-2026-11-26',
      format: 'csv',
      content: csv(),
      csv: layout,
    });
    expect(again.status).toBe(200);
    const other = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'bni-2026-11-26',
      format: 'csv',
      content: `${csv()}\r\n26/11/2026;x;y;1,00;`,
      csv: layout,
    });
    expect(other.body).toMatchObject({ status: 409, code: 'statement-id-conflict' });
    const broken = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'bad',
      format: 'csv',
      content: 'Tanggal;Kredit\n31/02/2026;1\n01/03/2026;1,50',
      csv: { ...layout, columns: { date: 'Tanggal', amount: 'Kredit' } },
    });
    expect(broken.body).toMatchObject({
      status: 422,
      code: 'statement-unreadable',
      errors: [{ pointer: '/content' }],
    });
    expect(broken.body.details.problems.map((p: { line: number }) => p.line)).toEqual([2, 3]);
  });

  it('reads MT940, and the coop’s own records join the comparison', async () => {
    const mt940 = [
      ':20:STMT2611',
      ':25:0123456789',
      ':28C:1/1',
      ':60F:C261125IDR1000000,00',
      `:61:2611261126C200000,00NTRF${refs[B]}//BNI-002`,
      ':86:Koreksi kliring',
      `:61:2611261126D200000,00NTRFNONREF//BNI-002`,
      `:86:Pembayaran kliring ${refs[B]}`,
      ':62F:C261126IDR1000000,00',
    ].join('\n');
    const imported = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'mt940-1126',
      format: 'mt940',
      content: mt940,
    });
    expect(imported.status).toBe(201);
    expect(
      imported.body.lines.map((l: { amountMinor: string; valueDate: string }) => [
        l.amountMinor,
        l.valueDate,
      ]),
    ).toEqual([
      ['200000', '2026-11-26'],
      ['-200000', '2026-11-26'],
    ]);
    const report = await h.get(`/coops/${P}/reconciliation?from=2026-11-26&to=2026-11-26`);
    const b = report.body.coops.find((c: { coopId: string }) => c.coopId === B).items[0];
    expect(b.bank).toHaveLength(2);
    expect(b.mismatches).toEqual([
      { source: 'bank', cause: 'duplicated', expected: '1', actual: '2' },
    ]);
    expect(b.coop).toEqual([expect.objectContaining({ recordId: `own-${B}`, amount: '200000' })]);
    expect((await h.get(`/coops/${P}/reconciliation`, h.kit.keys.coopA)).status).toBe(403);
    expect(
      (await h.get(`/coops/${P}/reconciliation?from=2026-11-27&to=2026-11-26`)).body,
    ).toMatchObject({ status: 422, code: 'period-reversed' });
  });

  it('counts a settlement whose entry in the parent’s books was reversed as not booked', async () => {
    await h.settlement.settle();
    const entry = (await h.settlement.ledgers.journal(P)).find(
      (e) => e.source.type === 'CoopSettlementConfirmed' && e.source.eventId.endsWith(refs[C]!),
    )!;
    const reversal = await h.post(`/coops/${P}/journal-entries/${entry.entryId}/reversal`, {
      reason: 'dibukukan ke rekening yang salah',
    });
    expect(reversal.status).toBe(201);
    const report = await h.get(`/coops/${P}/reconciliation`);
    const c = report.body.coops.find((x: { coopId: string }) => x.coopId === C).items[0];
    expect(c.booked).toBe(false);
    expect(c.mismatches).toContainEqual({
      source: 'parent_books',
      cause: 'missing',
      expected: '50000',
      actual: null,
    });
  });
});

describe('bank statements of parents whose ids extend one another', () => {
  let h: Harness;
  // A second parent whose id is P's id, a dash and more: `${P}-x-1` could once be either's.
  const other = `${P}-x`;
  let otherToken: string;
  const mt940 = (amount: string, reference: string) =>
    [
      ':20:STMT2611',
      ':25:0123456789',
      ':28C:1/1',
      ':60F:C261125IDR1000000,00',
      `:61:2611261126C${amount},00NTRF${reference}//BNI-9`,
      ':86:Pembayaran kliring',
      ':62F:C261126IDR1000000,00',
    ].join('\n');
  const amounts = (body: { lines: { amountMinor: string }[] }) =>
    body.lines.map((l) => l.amountMinor);

  beforeEach(async () => {
    h = await settlementHarness();
    otherToken = (
      await h.kit.registry.create({ role: 'treasurer', coopId: other, createdBy: 'test' })
    ).token;
  });
  afterEach(async () => h.close());

  it('refuses an MT940 statement whose balances are in another currency than the one named', async () => {
    const usd = mt940('777000', 'STL-P-001').replace(/IDR/g, 'USD');
    const refused = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'usd-1',
      format: 'mt940',
      content: usd,
    });
    expect(refused.body).toMatchObject({
      status: 422,
      code: 'statement-currency-differs',
      errors: [{ pointer: '/currency' }],
    });
    expect((await h.get(`/coops/${P}/bank-statements/usd-1`)).status).toBe(404);
    const named = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'usd-1',
      currency: 'USD',
      format: 'mt940',
      content: usd,
    });
    expect(named.body).toMatchObject({ currency: 'USD', lineCount: 1 });
  });

  it('keeps each parent’s statement its own', async () => {
    const mine = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'x-1',
      format: 'mt940',
      content: mt940('777000', 'STL-P-001'),
    });
    expect(mine.status).toBe(201);

    const unseen = await h.get(`/coops/${other}/bank-statements/1`, otherToken);
    expect(unseen.body).toMatchObject({ status: 404, code: 'statement-not-found' });
    const theirs = await h.post(
      `/coops/${other}/bank-statements`,
      { statementId: '1', format: 'mt940', content: mt940('5', 'STL-O-001') },
      otherToken,
    );
    expect(theirs.status).toBe(201);

    const theirsRead = await h.get(`/coops/${other}/bank-statements/1`, otherToken);
    expect(theirsRead.body).toMatchObject({ parentCoopId: other, statementId: '1' });
    expect(amounts(theirsRead.body)).toEqual(['5']);
    const mineRead = await h.get(`/coops/${P}/bank-statements/x-1`);
    expect(mineRead.body).toMatchObject({ parentCoopId: P, statementId: 'x-1' });
    expect(amounts(mineRead.body)).toEqual(['777000']);
    const report = await h.get(`/coops/${other}/reconciliation`, otherToken);
    expect(report.body.unmatchedBankLines.map((l: { amount: string }) => l.amount)).toEqual(['5']);
  });

  it('still finds a statement imported under the old stream name, and only for its parent', async () => {
    const content = mt940('777000', 'STL-P-001');
    const first = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'x-1',
      format: 'mt940',
      content,
    });
    expect(first.status).toBe(201);
    // Statement y-1 as it was stored before the stream name changed.
    const [imported] = await h.kit.store.readStream(`statement-${P}:x-1`);
    await h.kit.store.append(
      `statement-${P}-y-1`,
      [
        {
          id: '0193a0c0-0000-7000-8000-000000000001',
          type: 'BankStatementImported',
          schemaVersion: 1,
          data: { ...(imported!.data as object), statementId: 'y-1' },
          metadata: {},
        },
      ],
      { expectedRevision: 'no_stream' },
    );

    const read = await h.get(`/coops/${P}/bank-statements/y-1`);
    expect(read.body).toMatchObject({ parentCoopId: P, statementId: 'y-1' });
    const again = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'y-1',
      format: 'mt940',
      content,
    });
    expect(again.status).toBe(200);
    const changed = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'y-1',
      format: 'mt940',
      content: mt940('1', 'STL-P-001'),
    });
    expect(changed.body).toMatchObject({ status: 409, code: 'statement-id-conflict' });

    const otherParent = `${P}-y`;
    const token = (
      await h.kit.registry.create({ role: 'treasurer', coopId: otherParent, createdBy: 'test' })
    ).token;
    expect((await h.get(`/coops/${otherParent}/bank-statements/1`, token)).status).toBe(404);
    const theirs = await h.post(
      `/coops/${otherParent}/bank-statements`,
      { statementId: '1', format: 'mt940', content },
      token,
    );
    expect(theirs.status).toBe(201);
  });
});

describe('reconciliation across currencies', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('matches a settlement only with bank lines and own records of its currency', async () => {
    h = await settlementHarness({ start: '2026-11-26T03:00:00.000Z' });
    const usd = (amount: number) => ({ amount: String(amount), currency: 'USD' });
    expect(
      (
        await h.put(`/coops/${A}/limits/USD`, {
          netDebitCap: usd(1_000_000),
          alarmAtBasisPoints: 8_000,
        })
      ).status,
    ).toBe(200);
    await h.put(`/coops/${A}/liquidity-cover/USD`, { amount: usd(1_000_000) });
    const sent = await h.post('/transfers', {
      transferId: 'usd-1',
      fromCoopId: A,
      toCoopId: B,
      amount: usd(150_000),
    });
    expect(sent.status).toBe(201);
    const batchId = sent.body.batchId as string;
    for (const step of ['close', 'record-settlement', 'reserve', 'commit'])
      expect((await h.post(`/settlement-batches/${batchId}/${step}`, undefined)).status).toBe(200);
    for (const [coop, bankReference] of [
      [A, 'BNI-USD-1'],
      [B, 'BNI-USD-2'],
    ] as const)
      await h.post(`/settlement-batches/${batchId}/settlements`, {
        coopId: coop,
        bankReference,
        settledOn: '2026-11-26',
      });
    const instructions = (await h.get(`/settlement-batches/${batchId}`)).body
      .instructions as Instruction[];
    const reference = instructions.find((i) => i.coopId === A)!.reference;

    // The rupiah account shows Rp150,000 under the reference of a US$1,500.00 settlement.
    const imported = await h.post(`/coops/${P}/bank-statements`, {
      statementId: 'idr-1126',
      format: 'mt940',
      content: [
        ':20:STMT2611',
        ':60F:C261125IDR0,00',
        `:61:2611261126C150000,00NTRF${reference}//BNI-7`,
        ':86:Setoran kliring',
      ].join('\n'),
    });
    expect(imported.status).toBe(201);
    await h.post(
      `/coops/${A}/settlement-records`,
      {
        records: [
          {
            recordId: 'own-usd',
            reference,
            direction: 'paid',
            amount: idr(150_000),
            date: '2026-11-26',
          },
        ],
      },
      h.kit.keys.admin,
    );

    const report = await h.get(`/coops/${P}/reconciliation`);
    expect(report.status).toBe(200);
    const a = report.body.coops.find((c: { coopId: string }) => c.coopId === A);
    expect(a.items[0]).toMatchObject({ reference, bank: [], coop: [] });
    expect(a.items[0].mismatches).toEqual([
      { source: 'bank', cause: 'missing', expected: '150000', actual: null },
      { source: 'coop', cause: 'missing', expected: '150000', actual: null },
    ]);
    expect(a.unmatchedCoopRecords).toEqual([expect.objectContaining({ recordId: 'own-usd' })]);
    expect(report.body.unmatchedBankLines).toEqual([
      expect.objectContaining({ statementId: 'idr-1126', amount: '150000' }),
    ]);
  });
});

describe('own records of a coop the parent has no settlement for', () => {
  let h: Harness;
  // A coop under another parent, whose records are that parent's to reconcile.
  const elsewhere = 'coop-x';
  const otherParent = 'coop-q';
  const own = (coopId: string, recordId: string, date: string) =>
    h.post(
      `/coops/${coopId}/settlement-records`,
      {
        records: [
          { recordId, reference: 'STL-DEADBEEF-001', direction: 'paid', amount: idr(75_000), date },
        ],
      },
      h.kit.keys.admin,
    );
  const unmatched = (body: { coops: { unmatchedCoopRecords: { recordId: string }[] }[] }) =>
    body.coops.flatMap((c) => c.unmatchedCoopRecords.map((r) => r.recordId));

  beforeAll(async () => {
    h = await settlementHarness({ start: '2026-11-26T03:00:00.000Z' });
    h.kit.directory.setParent(elsewhere, otherParent);
    for (const coop of [A, B, C]) await h.fund(coop, 1_000_000);
    const sent = await h.post('/transfers', {
      transferId: 'u-1',
      fromCoopId: A,
      toCoopId: B,
      amount: idr(300_000),
    });
    expect(sent.status).toBe(201);
    for (const step of ['close', 'record-settlement', 'reserve', 'commit'])
      expect(
        (await h.post(`/settlement-batches/${sent.body.batchId}/${step}`, undefined)).status,
      ).toBe(200);
    expect((await own(C, 'own-c-1', '2026-11-26')).body.results).toEqual([
      { recordId: 'own-c-1', status: 'created' },
    ]);
    expect((await own(C, 'own-c-0', '2026-10-15')).status).toBe(200);
    expect((await own(elsewhere, 'own-x-1', '2026-11-26')).status).toBe(200);
  });
  afterAll(async () => h.close());

  it('lists them among its unmatched records, within the period asked', async () => {
    const report = await h.get(`/coops/${P}/reconciliation?from=2026-11-01&to=2026-11-30`);
    expect(report.status).toBe(200);
    expect(unmatched(report.body)).toEqual(['own-c-1']);
    expect(report.body.coops.find((c: { coopId: string }) => c.coopId === C).items).toEqual([]);
    const whole = await h.get(`/coops/${P}/reconciliation`);
    expect(unmatched(whole.body).sort()).toEqual(['own-c-0', 'own-c-1']);
  });

  it("leaves out the records of another parent's coops, and a coop still may not read the report", async () => {
    const token = (
      await h.kit.registry.create({ role: 'treasurer', coopId: otherParent, createdBy: 'test' })
    ).token;
    expect(unmatched((await h.get(`/coops/${otherParent}/reconciliation`, token)).body)).toEqual([
      'own-x-1',
    ]);
    expect((await h.get(`/coops/${P}/reconciliation`, h.kit.keys.coopA)).status).toBe(403);
  });

  it("reads no own record of another parent's coops to reconcile P", async () => {
    const streams = jest.spyOn(h.kit.store, 'readStream');
    const log = jest.spyOn(h.kit.store, 'readAll');
    try {
      expect((await h.get(`/coops/${P}/reconciliation`)).status).toBe(200);
      const read = streams.mock.calls.map(([stream]) => stream);
      expect(read).toEqual(expect.arrayContaining([`ownrecords-${C}`]));
      expect(read).not.toContain(`ownrecords-${elsewhere}`);
      // Nor a scan of every coop's records in the log.
      expect(log.mock.calls.flatMap(([options]) => options?.categories ?? [])).not.toContain(
        'ownrecords',
      );
    } finally {
      streams.mockRestore();
      log.mockRestore();
    }
  });
});
