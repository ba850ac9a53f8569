import { reconcile, type BankLine, type CoopRecord, type ParentItem } from './three-way';

const item = (
  coopId: string,
  reference: string,
  direction: 'pay' | 'receive',
  amount: number,
): ParentItem => ({
  coopId,
  batchId: 'b-1',
  reference,
  direction,
  amountMinor: BigInt(amount),
  currency: 'IDR',
  expectedDate: '2026-11-27',
  confirmed: true,
  booked: true,
  bankReference: null,
});
const line = (
  lineNo: number,
  amount: number,
  reference: string,
  valueDate = '2026-11-27',
): BankLine => ({
  statementId: 's-1',
  lineNo,
  valueDate,
  amountMinor: BigInt(amount),
  currency: 'IDR',
  reference,
  description: '',
});
const record = (
  coopId: string,
  reference: string,
  direction: 'paid' | 'received',
  amount: number,
  date = '2026-11-27',
): CoopRecord => ({
  coopId,
  recordId: `${coopId}-${reference}`,
  reference,
  direction,
  amountMinor: BigInt(amount),
  currency: 'IDR',
  date,
});

describe('three-way reconciliation', () => {
  const parent = [
    item('a', 'STL-1-001', 'pay', 250_000),
    item('b', 'STL-1-002', 'receive', 200_000),
    item('c', 'STL-1-003', 'receive', 50_000),
  ];
  const records = [
    record('a', 'STL-1-001', 'paid', 250_000),
    record('b', 'stl 1 002', 'received', 200_000),
    record('c', 'STL-1-003', 'received', 50_000),
  ];

  it('finds nothing to report when all three agree', () => {
    const lines = [
      line(1, 250_000, 'STL-1-001'),
      line(2, -200_000, 'TRF STL1002'),
      line(3, -50_000, 'x'),
    ].map((l, i) => (i === 2 ? { ...l, description: 'Settlement STL-1-003 coop c' } : l));
    const report = reconcile(parent, records, lines);
    expect(report.coops.flatMap((c) => c.items.flatMap((i) => i.mismatches))).toEqual([]);
    expect(report.unmatchedBankLines).toEqual([]);
  });

  it('names the cause of a missing, a duplicated and a mis-keyed line', () => {
    // a's payment is on the statement twice, b's is missing, c's amount was keyed 5000 too low.
    const lines = [
      line(1, 250_000, 'STL-1-001'),
      line(2, 250_000, 'STL-1-001'),
      line(3, -45_000, 'STL-1-003'),
    ];
    const report = reconcile(parent, records, lines);
    const causes = Object.fromEntries(report.coops.map((c) => [c.coopId, c.items[0]!.mismatches]));
    expect(causes).toEqual({
      a: [{ source: 'bank', cause: 'duplicated', expected: '1', actual: '2' }],
      b: [{ source: 'bank', cause: 'missing', expected: '-200000', actual: null }],
      c: [{ source: 'bank', cause: 'amount_differs', expected: '-50000', actual: '-45000' }],
    });
  });

  it('matches a line whose reference was mis-keyed by amount and date, and says the reference differs', () => {
    const lines = [
      line(1, 250_000, 'STL-1-001'),
      line(2, -200_000, 'STL-1-020'),
      line(3, -50_000, 'STL-1-003', '2026-11-28'),
    ];
    const report = reconcile(parent, records, lines);
    const b = report.coops.find((c) => c.coopId === 'b')!.items[0]!;
    expect(b.bank.map((l) => l.lineNo)).toEqual([2]);
    expect(b.mismatches).toEqual([
      { source: 'bank', cause: 'reference_differs', expected: 'STL-1-002', actual: 'STL-1-020' },
    ]);
    const c = report.coops.find((x) => x.coopId === 'c')!.items[0]!;
    expect(c.mismatches).toEqual([
      { source: 'bank', cause: 'date_differs', expected: '2026-11-27', actual: '2026-11-28' },
    ]);
  });

  it('compares the coop’s own records and the parent’s books as well', () => {
    const lines = [
      line(1, 250_000, 'STL-1-001'),
      line(2, -200_000, 'STL-1-002'),
      line(3, -50_000, 'STL-1-003'),
      line(4, 10, 'unknown'),
    ];
    const own = [
      record('a', 'STL-1-001', 'paid', 205_000),
      record('c', 'STL-1-003', 'received', 50_000),
      record('c', 'OTHER', 'paid', 5),
    ];
    const report = reconcile([...parent.slice(0, 2), { ...parent[2]!, booked: false }], own, lines);
    const mismatches = Object.fromEntries(
      report.coops.map((c) => [c.coopId, c.items[0]!.mismatches]),
    );
    expect(mismatches.a).toEqual([
      { source: 'coop', cause: 'amount_differs', expected: '250000', actual: '205000' },
    ]);
    expect(mismatches.b).toEqual([
      { source: 'coop', cause: 'missing', expected: '200000', actual: null },
    ]);
    expect(mismatches.c).toEqual([
      { source: 'parent_books', cause: 'missing', expected: '50000', actual: null },
    ]);
    expect(
      report.coops.find((c) => c.coopId === 'c')!.unmatchedCoopRecords.map((r) => r.reference),
    ).toEqual(['OTHER']);
    expect(report.unmatchedBankLines.map((l) => l.lineNo)).toEqual([4]);
  });

  it('matches a reference as a whole, so the 100th instruction is not found in the 1000th', () => {
    // Instruction numbers are padded to three digits, so the 1000th starts like the 100th.
    const many = [
      item('a', 'STL-3FA2B1C9-100', 'pay', 100),
      item('b', 'STL-3FA2B1C9-1000', 'pay', 1_000),
      item('c', 'STL-3FA2B1C9-010', 'pay', 10),
    ];
    const lines = [
      line(1, 1_000, 'STL-3FA2B1C9-1000'),
      line(2, 100, 'TRF stl3fa2b1c9100'),
      { ...line(3, 10, ''), description: 'Kliring ?20STL-3FA2B1C9-0 10 coop c' },
    ];
    const report = reconcile(many, [], lines);
    expect(report.unmatchedBankLines).toEqual([]);
    expect(report.coops.map((c) => [c.coopId, c.items[0]!.bank.map((l) => l.lineNo)])).toEqual([
      ['a', [2]],
      ['b', [1]],
      ['c', [3]],
    ]);
    const bankMismatches = report.coops.flatMap((c) =>
      c.items.flatMap((i) => i.mismatches.filter((m) => m.source === 'bank')),
    );
    expect(bankMismatches).toEqual([]);
  });

  describe('a coop with several instructions, confirmed under one bank reference', () => {
    // A gross batch: a pays 100000 and receives 30000, both confirmed as BNI-778899.
    const confirmedAs = (p: ParentItem): ParentItem => ({
      ...p,
      batchId: 'G-1',
      bankReference: 'BNI-778899',
    });
    const gross = [
      confirmedAs(item('a', 'STL-AB12CD34-001', 'pay', 100_000)),
      confirmedAs(item('a', 'STL-AB12CD34-002', 'receive', 30_000)),
    ];
    const quoting = (l: BankLine, description: string): BankLine => ({ ...l, description });
    const bankLines = (report: ReturnType<typeof reconcile>) =>
      report.coops[0]!.items.map((i) => i.bank.map((l) => l.lineNo));
    const bankMismatches = (report: ReturnType<typeof reconcile>) =>
      report.coops[0]!.items.flatMap((i) => i.mismatches.filter((m) => m.source === 'bank'));

    it('matches each statement line to the instruction whose reference it quotes', () => {
      const lines = [
        quoting(line(1, 100_000, 'BNI-778899'), 'Settlement STL-AB12CD34-001'),
        quoting(line(2, -30_000, 'BNI-778900'), 'Settlement STL-AB12CD34-002'),
      ];
      const report = reconcile(gross, [], lines);
      expect(report.unmatchedBankLines).toEqual([]);
      expect(bankLines(report)).toEqual([[1], [2]]);
      expect(bankMismatches(report)).toEqual([]);
    });

    it('matches a line quoting only the bank reference to the instruction of its amount', () => {
      const lines = [line(1, -30_000, 'BNI-778899'), line(2, 100_000, 'BNI 778899')];
      const report = reconcile(gross, [], lines);
      expect(report.unmatchedBankLines).toEqual([]);
      expect(bankLines(report)).toEqual([[2], [1]]);
      expect(bankMismatches(report)).toEqual([]);
    });

    it('else to the one of its direction, and says the amount differs', () => {
      const report = reconcile(gross, [], [line(1, 99_000, 'BNI-778899')]);
      expect(bankLines(report)).toEqual([[1], []]);
      expect(bankMismatches(report)).toEqual([
        { source: 'bank', cause: 'amount_differs', expected: '100000', actual: '99000' },
        { source: 'bank', cause: 'missing', expected: '-30000', actual: null },
      ]);
    });
  });

  it('leaves a line quoting one instruction under the bank reference of another to amount and date', () => {
    // makmur receives (-001, confirmed BRI-OUT-1) what sejahtera pays (-002, BRI-000123).
    const settlements = [
      { ...item('makmur', 'STL-C7150CAC-001', 'receive', 11_100_000), bankReference: 'BRI-OUT-1' },
      { ...item('sejahtera', 'STL-C7150CAC-002', 'pay', 11_100_000), bankReference: 'BRI-000123' },
    ];
    // Sejahtera's payment quotes makmur's instruction, under the reference it was confirmed with.
    const lines = [
      { ...line(2, 11_100_000, 'BRI-000123'), description: 'setoran STL-C7150CAC-001' },
      { ...line(3, -11_100_000, 'BRI-OUT-1'), description: 'ke Makmur STL-C7150CAC-001' },
    ];
    const report = reconcile(settlements, [], lines);
    expect(report.unmatchedBankLines).toEqual([]);
    expect(
      report.coops.map((c) => ({
        coopId: c.coopId,
        bank: c.items.flatMap((i) => i.bank.map((l) => l.lineNo)),
        causes: c.items.flatMap((i) =>
          i.mismatches.filter((m) => m.source === 'bank').map((m) => m.cause),
        ),
      })),
    ).toEqual([
      { coopId: 'makmur', bank: [3], causes: [] },
      { coopId: 'sejahtera', bank: [2], causes: ['reference_differs'] },
    ]);
  });

  it('does not call an outstanding settlement missing at the bank', () => {
    const report = reconcile([{ ...parent[0]!, confirmed: false }], [], []);
    expect(report.coops[0]!.items[0]!.mismatches).toEqual([]);
  });
});
