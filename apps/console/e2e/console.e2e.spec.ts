import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Client, DEMO, seedDemo, type DemoKeys } from './demo-federation';
import { DEMO_BUSINESS_DATE, ensureConsoleBuilt, startConsoleServer, type ConsoleServer } from './server';

/** Debian's Chromium: never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '../../../tests/console/screenshots');
const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  process.stdout.write(`console browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)\n`);
}

interface Batch {
  batchId: string;
  status: string;
  settlements: { coopId: string; bankReference: string; settledOn: string }[];
  instructions: { coopId: string; direction: string; amount: { amount: string } }[];
}
interface Report {
  coops: { items: { mismatches: { cause: string; source: string }[] }[] }[];
  unmatchedBankLines: { reference: string }[];
}

(haveChromium ? describe : describe.skip)('web console in Chromium', () => {
  // A browser on a shared two-core machine: each screen gets a minute at most.
  jest.setTimeout(60_000);
  let server: ConsoleServer;
  let keys: DemoKeys;
  let browser: Browser;
  let api: (token: string) => Client;

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startConsoleServer();
    keys = await seedDemo(server.baseUrl, server.adminToken, DEMO_BUSINESS_DATE);
    api = (token) => new Client(server.baseUrl, token);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 170_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(width = 1366, height = 900): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
    return context.newPage();
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${server.baseUrl}/#/signin`);
    await page.getByLabel('Kunci API').fill(token);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByTestId('who').waitFor();
  }

  async function expectAccessible(page: Page): Promise<void> {
    const { violations } = await new AxeBuilder({ page }).withTags(WCAG_A_AA).analyze();
    expect(
      violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  }

  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it('shows the public transparency page without sign-in, with aggregates and no personal data', async () => {
    const stats = await api('').get<{ coops: { total: number }; members: { total: number } }>(
      '/api/member/v1/public/statistics',
    );
    const page = await newPage();
    await page.goto(server.baseUrl);
    await expect(page.getByTestId('public-coops').textContent()).resolves.toBe(String(stats.coops.total));
    await expect(page.getByTestId('public-members').textContent()).resolves.toBe(String(stats.members.total));
    expect(stats.members.total).toBe(5);
    const text = (await page.textContent('body')) ?? '';
    expect(text).not.toMatch(/Anggota Nomor|3374\d{12}|Jl\. Pemuda/);
    await expectAccessible(page);
    await screenshot(page, 'public');
    await page.context().close();
  });

  it('signs in, and the dashboard shows the demo counts and NPL ratio the APIs give', async () => {
    const treasurer = api(keys.treasurer);
    const stats = await treasurer.get<{ coops: { total: number }; members: { total: number } }>(
      `/api/member/v1/coops/${DEMO.P}/statistics`,
    );
    const portfolio = await treasurer.get<{ nplRatioPercent: string | null; loans: number }>(
      `/api/loan/v1/coops/${DEMO.P}/portfolio?consolidated=true`,
    );
    const page = await newPage();
    await page.goto(`${server.baseUrl}/#/signin`);
    await page.getByLabel('Kunci API').fill('kpf_0000000000000000_not-a-real-key');
    await page.getByRole('button', { name: 'Masuk' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('401');
    await signIn(page, keys.treasurer);
    await page.getByRole('heading', { name: 'Dasbor federasi' }).waitFor();
    await page.getByTestId('dash-coops').waitFor();
    expect(await page.getByTestId('dash-coops').textContent()).toBe(String(stats.coops.total));
    expect(await page.getByTestId('dash-members').textContent()).toBe(String(stats.members.total));
    expect(await page.getByTestId('dash-loans').textContent()).toBe(String(portfolio.loans));
    expect(await page.getByTestId('dash-npl').textContent()).toBe(
      portfolio.nplRatioPercent === null ? '—' : `${portfolio.nplRatioPercent}%`,
    );
    // The demo: 3 coops, 5 members, one Lancar and one Macet loan (Rp4.000.000 of Rp10.000.000).
    expect([stats.coops.total, stats.members.total, portfolio.nplRatioPercent]).toEqual([3, 5, '40.00']);
    expect(await page.getByTestId('dash-outstanding').textContent()).toBe('Rp10.000.000');
    // Simpanan sukarela: 250.000 × (1 + 2 + 3) in A and 250.000 × (4 + 5) in B.
    expect(await page.getByTestId('savings-table').textContent()).toContain('Rp3.750.000');
    await expect(page.locator('.recharts-wrapper').count()).resolves.toBeGreaterThan(5);
    await expectAccessible(page);
    await screenshot(page, 'dashboard');

    await page.getByLabel('Bahasa', { exact: true }).selectOption('en');
    await page.getByRole('heading', { name: 'Federation dashboard' }).waitFor();
    await page.setViewportSize({ width: 820, height: 1180 });
    await screenshot(page, 'dashboard-tablet-en');
    await page.context().close();
  });

  it('lets a treasurer close a batch and confirm its settlement with bank references', async () => {
    const treasurer = api(keys.treasurer);
    const { items } = await treasurer.get<{ items: Batch[] }>('/api/settlement/v1/settlement-batches?status=open');
    expect(items).toHaveLength(1);
    const batchId = items[0]!.batchId;
    const page = await newPage();
    await signIn(page, keys.treasurer);
    await page.goto(`${server.baseUrl}/#/treasurer`);
    await page.getByRole('link', { name: batchId }).click();
    // A paid 1.500.000 + 750.000 and received 250.000: its net is -Rp2.000.000.
    await expect(page.getByTestId('positions').textContent()).resolves.toContain('-Rp2.000.000');
    await expectAccessible(page);

    const step = async (button: string, status: string) => {
      await page.getByRole('button', { name: button }).click();
      await page.getByTestId('batch-status').filter({ hasText: status }).waitFor();
    };
    await step('Tutup batch', 'Ditutup');
    await step('Catat instruksi penyelesaian', 'Instruksi dicatat');
    await step('Cadangkan dana', 'Dicadangkan');
    await step('Komit penyelesaian', 'Dikomit');
    await screenshot(page, 'treasurer-batch');

    await page.getByLabel('Koperasi', { exact: true }).selectOption(DEMO.A);
    await page.getByLabel('Referensi bank').fill('BNI-0001');
    await page.getByRole('button', { name: 'Konfirmasi' }).click();
    await page.getByTestId('batch-status').filter({ hasText: 'Sedang diselesaikan' }).waitFor();
    await page.getByLabel('Koperasi', { exact: true }).selectOption(DEMO.B);
    await page.getByLabel('Referensi bank').fill('BNI-0002');
    await page.getByRole('button', { name: 'Konfirmasi' }).click();
    await page.getByTestId('batch-status').filter({ hasText: 'Selesai' }).waitFor();

    const settled = await treasurer.get<Batch>(`/api/settlement/v1/settlement-batches/${batchId}`);
    expect(settled.status).toBe('settled');
    expect(settled.settlements.map((s) => [s.coopId, s.bankReference])).toEqual([
      [DEMO.A, 'BNI-0001'],
      [DEMO.B, 'BNI-0002'],
    ]);
    await expect(page.getByTestId('instructions').textContent()).resolves.toContain('BNI-0002');
    await page.context().close();
  });

  it('imports a bank statement and walks through the mismatches the reconciliation finds', async () => {
    const treasurer = api(keys.treasurer);
    const { items } = await treasurer.get<{ items: Batch[] }>('/api/settlement/v1/settlement-batches?status=settled');
    const settledOn = items[0]!.settlements[0]!.settledOn;
    // A's payment arrives in full; B is paid 100.000 short; one line matches nothing.
    const csv = [
      'date,amount,reference,description',
      `${settledOn},2000000,BNI-0001,Setoran ${DEMO.A}`,
      `${settledOn},-1900000,BNI-0002,Transfer ke ${DEMO.B}`,
      `${settledOn},5000,XYZ-999,Bunga jasa giro`,
    ].join('\n');
    const page = await newPage();
    await signIn(page, keys.treasurer);
    await page.goto(`${server.baseUrl}/#/treasurer?tab=reconciliation`);
    await page.getByLabel('ID rekening koran').fill('rk-2026-11');
    await page.getByLabel('Isi rekening koran').fill(csv);
    await page.getByRole('button', { name: 'Impor', exact: true }).click();
    await page.getByTestId('statement-imported').waitFor();

    const report = await treasurer.get<Report>(`/api/settlement/v1/coops/${DEMO.P}/reconciliation`);
    const mismatches = report.coops.flatMap((c) => c.items.flatMap((i) => i.mismatches));
    expect(mismatches).toContainEqual(expect.objectContaining({ source: 'bank', cause: 'amount_differs' }));
    expect(report.unmatchedBankLines.map((l) => l.reference)).toEqual(['XYZ-999']);
    await page.getByTestId('mismatch-count').filter({ hasText: `${mismatches.length} ` }).waitFor();
    const table = (await page.getByTestId('mismatches').textContent()) ?? '';
    expect(table).toContain('Jumlah berbeda');
    expect(table).toContain('-Rp1.900.000');
    expect(await page.getByTestId('unmatched-bank').textContent()).toContain('XYZ-999');
    const first = await page.getByTestId('mismatch-current').textContent();
    if (mismatches.length > 1) {
      await page.getByRole('button', { name: 'Berikutnya' }).click();
      expect(await page.getByTestId('mismatch-current').textContent()).not.toBe(first);
    }
    await expectAccessible(page);
    await screenshot(page, 'treasurer-reconciliation');
    await page.context().close();
  });

  it('lets an auditor verify the stores and download the audit package', async () => {
    const page = await newPage();
    await signIn(page, keys.auditor);
    await page.goto(`${server.baseUrl}/#/auditor`);
    await page.getByRole('button', { name: 'Jalankan verifikasi' }).click();
    await expect(page.getByTestId('verify-result').textContent()).resolves.toContain('Semua penyimpanan utuh');
    expect(await page.getByTestId('verify-stores').textContent()).toContain('settlement');
    await page.getByLabel('ID koperasi').first().fill(DEMO.A);
    await page.getByLabel('Tahun buku').fill(DEMO_BUSINESS_DATE.slice(0, 4));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Unduh paket audit' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`kopfed-audit-package-${DEMO.A}-2026.json`);
    const pack = JSON.parse(readFileSync(await file.path(), 'utf8')) as {
      manifest: unknown;
      files: { name: string; content: string }[];
    };
    expect(pack.manifest).toBeTruthy();
    expect(pack.files.map((f) => f.name)).toContain('manifest.json');
    expect(pack.files.length).toBeGreaterThan(3);
    await page.getByTestId('package-done').waitFor();
    await page.getByLabel('ID koperasi').nth(2).fill(DEMO.A);
    await page.getByRole('button', { name: 'Putar ulang', exact: true }).click();
    await expect(page.getByTestId('replay').textContent()).resolves.toContain(DEMO.A);
    await page.getByRole('button', { name: 'Tampilkan (putar ulang)' }).click();
    await page.getByTestId('trial-balance').waitFor();
    // An unknown event: the refusal is shown as its problem details explain it.
    await page.getByLabel('ID peristiwa').fill('0193a6f0-0000-7000-8000-000000000000');
    await page.getByRole('button', { name: 'Cari' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'event_not_found' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('404');
    await expectAccessible(page);
    await screenshot(page, 'auditor');
    await page.context().close();
  });

  it("keeps a coop's key to its own coop's data", async () => {
    const page = await newPage(1024, 768);
    await signIn(page, keys.coopA);
    await page.goto(`${server.baseUrl}/#/coop?coop=${DEMO.B}`);
    await page.getByTestId('own-coop-only').waitFor();
    expect(await page.getByTestId('coop-id').textContent()).toBe(DEMO.A);
    const members = page.getByTestId('members');
    await members.waitFor();
    const text = (await members.textContent()) ?? '';
    expect(text).toContain('M-0001');
    expect(text).not.toMatch(/M-0004|M-0005/);
    await expectAccessible(page);
    await screenshot(page, 'coop');

    await page.goto(`${server.baseUrl}/#/dashboard?coop=${DEMO.B}`);
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByTestId('dash-members').count()).toBe(0);
    const refused = await api(keys.coopA).call('GET', `/api/member/v1/coops/${DEMO.B}/members`);
    expect([403, 404]).toContain(refused.status);
    await page.context().close();
  });
});
