import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { silentProgress } from '@kopfed/node/src/demo/progress';
import { runDemo, type DemoResult } from '@kopfed/node/src/demo/run-demo';
import { formatRupiah as rupiah } from '../src/lib/money';
import { Client } from './client';
import {
  DEMO_BUSINESS_DATE,
  ensureConsoleBuilt,
  startConsoleServer,
  type ConsoleServer,
} from './server';

/** Debian's Chromium: never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '../../../tests/console/screenshots');
const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** `npm run demo`'s federation, small enough for a test: 3 primary coops, 60 persons, 3 months. */
const DEMO_OPTIONS = {
  seed: 20_261_127,
  coops: 3,
  persons: 60,
  months: 3,
  today: DEMO_BUSINESS_DATE,
};
const NON_PERFORMING = new Set(['KL', 'D', 'M']);

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  process.stdout.write(
    `console browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)\n`,
  );
}

interface Batch {
  batchId: string;
  status: string;
  settlements: { coopId: string; bankReference: string; settledOn: string }[];
  instructions: { coopId: string; direction: string; amount: { amount: string } }[];
}
interface Positions {
  positions: { coopId: string; net: { amount: string } }[];
}
interface Mismatch {
  cause: string;
  source: string;
  expected: string | null;
  actual: string | null;
}
interface Report {
  coops: { coopId: string; items: { batchId: string; mismatches: Mismatch[] }[] }[];
  unmatchedBankLines: { reference: string }[];
}
interface Statistics {
  coops: { total: number };
  members: { total: number };
}
interface Portfolio {
  coopIds: string[];
  loans: number;
  outstandingPrincipal: { amount: string };
  nplRatioPercent: string | null;
  byKolektibilitas: {
    kolektibilitas: string;
    loans: number;
    outstandingPrincipal: { amount: string };
  }[];
}

/** A percentage of two integers to hundredths, half up, as "12.34". */
function percent(part: bigint, whole: bigint): string {
  const hundredths = (part * 20_000n + whole) / (2n * whole);
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`;
}

(haveChromium ? describe : describe.skip)('web console in Chromium', () => {
  // A browser on a shared two-core machine: each screen gets a minute at most.
  jest.setTimeout(60_000);
  let server: ConsoleServer;
  let demo: DemoResult;
  let browser: Browser;
  let api: (token: string) => Client;

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startConsoleServer();
    demo = await runDemo(server.baseUrl, server.adminToken, DEMO_OPTIONS, silentProgress);
    api = (token) => new Client(server.baseUrl, token);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 170_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function newPage(width = 1366, height = 900): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width, height },
      acceptDownloads: true,
    });
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

  /** The demo's secondary coop, and two of its primary coops. */
  const P = () => demo.plan.secondary.coopId;
  const A = () => demo.plan.coops[0]!.coopId;
  const B = () => demo.plan.coops[1]!.coopId;
  const persons = () => demo.plan.coops.flatMap((c) => c.persons);

  it('shows the public transparency page without sign-in, with aggregates and no personal data', async () => {
    const stats = await api('').get<Statistics>('/api/member/v1/public/statistics');
    const page = await newPage();
    await page.goto(server.baseUrl);
    await expect(page.getByTestId('public-coops').textContent()).resolves.toBe(
      String(stats.coops.total),
    );
    await expect(page.getByTestId('public-members').textContent()).resolves.toBe(
      String(stats.members.total),
    );
    expect(stats.members.total).toBe(persons().length);
    // Savings, loans and the NPL ratio: the public APIs' sums, as the page shows them.
    const open = api('');
    const savings = await open.get<{ total: { amount: string }; kinds: unknown[] }>(
      '/api/savings/v1/public/totals',
    );
    const loans = await open.get<{
      loans: number;
      outstandingPrincipal: { amount: string };
      nplRatioPercent: string | null;
    }>('/api/loan/v1/public/portfolio');
    const root = await api(demo.keys.treasurer).get<Portfolio>(
      `/api/loan/v1/coops/${P()}/portfolio?consolidated=true`,
    );
    expect([loans.loans, loans.nplRatioPercent]).toEqual([root.loans, root.nplRatioPercent]);
    expect(savings.kinds.length).toBeGreaterThan(0);
    expect(BigInt(savings.total.amount)).toBeGreaterThan(0n);
    await expect(page.getByTestId('public-savings').textContent()).resolves.toBe(
      rupiah(savings.total.amount),
    );
    await expect(page.getByTestId('public-loans').textContent()).resolves.toBe(String(loans.loans));
    await expect(page.getByTestId('public-outstanding').textContent()).resolves.toBe(
      rupiah(loans.outstandingPrincipal.amount),
    );
    await expect(page.getByTestId('public-npl').textContent()).resolves.toBe(
      `${loans.nplRatioPercent}%`,
    );
    // The directory: every coop the demo registered, by its legal-entity number.
    const directory = await open.get<{ coops: { legalEntityNumber: string }[] }>(
      '/api/member/v1/public/coops?limit=1000',
    );
    expect(directory.coops).toHaveLength(demo.plan.coops.length + 1);
    const rows = page.getByTestId('public-directory').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(directory.coops.length);
    const table = (await page.getByTestId('public-directory').textContent()) ?? '';
    for (const c of directory.coops) expect(table).toContain(c.legalEntityNumber);
    const text = (await page.textContent('body')) ?? '';
    expect(text).not.toMatch(/Anggota Nomor|3374\d{12}|Jl\. Pemuda|Jl\. Merdeka/);
    const shown = persons().filter(
      (p) => text.includes(p.person.name) || text.includes(p.memberNumber),
    );
    expect(shown.map((p) => p.externalId)).toEqual([]);
    await expectAccessible(page);
    await screenshot(page, 'public');
    await page.context().close();
  });

  it('signs in, and the dashboard shows the demo counts and NPL ratio the APIs give', async () => {
    const treasurer = api(demo.keys.treasurer);
    const stats = await treasurer.get<Statistics>(`/api/member/v1/coops/${P()}/statistics`);
    const portfolio = await treasurer.get<Portfolio>(
      `/api/loan/v1/coops/${P()}/portfolio?consolidated=true`,
    );
    // The savings table sums each product over the coops the portfolio covers.
    const balances = new Map<string, bigint>();
    for (const coopId of portfolio.coopIds) {
      const totals = await treasurer.get<{
        products: { productCode: string; balance: { amount: string } }[];
      }>(`/api/savings/v1/coops/${coopId}/totals`);
      for (const p of totals.products)
        balances.set(p.productCode, (balances.get(p.productCode) ?? 0n) + BigInt(p.balance.amount));
    }
    // The APIs hold what the demo built: its coops, persons and loans in every class.
    expect([stats.coops.total, stats.members.total]).toEqual([
      demo.plan.coops.length + 1,
      persons().length,
    ]);
    const loans = demo.plan.coops.flatMap((c) => c.loans);
    expect(portfolio.loans).toBe(loans.length);
    expect(
      Object.fromEntries(portfolio.byKolektibilitas.map((k) => [k.kolektibilitas, k.loans])),
    ).toEqual(
      Object.fromEntries(
        portfolio.byKolektibilitas.map((k) => [
          k.kolektibilitas,
          loans.filter((l) => l.loanClass === k.kolektibilitas).length,
        ]),
      ),
    );
    const outstanding = portfolio.byKolektibilitas.reduce(
      (a, k) => a + BigInt(k.outstandingPrincipal.amount),
      0n,
    );
    const npl = portfolio.byKolektibilitas
      .filter((k) => NON_PERFORMING.has(k.kolektibilitas))
      .reduce((a, k) => a + BigInt(k.outstandingPrincipal.amount), 0n);
    expect(outstanding).toBe(BigInt(portfolio.outstandingPrincipal.amount));
    expect(npl).toBeGreaterThan(0n);
    expect(portfolio.nplRatioPercent).toBe(percent(npl, outstanding));
    expect(balances.size).toBeGreaterThan(0);

    const page = await newPage();
    await page.goto(`${server.baseUrl}/#/signin`);
    await page.getByLabel('Kunci API').fill('kpf_0000000000000000_not-a-real-key');
    await page.getByRole('button', { name: 'Masuk' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('401');
    await signIn(page, demo.keys.treasurer);
    await page.getByRole('heading', { name: 'Dasbor federasi' }).waitFor();
    await page.getByTestId('dash-coops').waitFor();
    expect(await page.getByTestId('dash-coops').textContent()).toBe(String(stats.coops.total));
    expect(await page.getByTestId('dash-members').textContent()).toBe(String(stats.members.total));
    expect(await page.getByTestId('dash-loans').textContent()).toBe(String(portfolio.loans));
    expect(await page.getByTestId('dash-npl').textContent()).toBe(`${portfolio.nplRatioPercent}%`);
    expect(await page.getByTestId('dash-outstanding').textContent()).toBe(
      rupiah(portfolio.outstandingPrincipal.amount),
    );
    // Each product's row shows its balance summed over the federation's coops.
    for (const [productCode, balance] of balances) {
      const row = page
        .getByTestId('savings-table')
        .getByRole('row')
        .filter({ hasText: productCode });
      expect(await row.textContent()).toContain(rupiah(balance));
    }
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
    const treasurer = api(demo.keys.treasurer);
    const { items } = await treasurer.get<{ items: Batch[] }>(
      '/api/settlement/v1/settlement-batches?status=open',
    );
    expect(items.map((b) => b.batchId)).toEqual([demo.batches.open]);
    const batchId = demo.batches.open;
    // Each coop's net in the open batch: what it was paid less what it paid in the demo's last round.
    const nets = new Map<string, bigint>();
    for (const t of demo.plan.transferRounds.at(-1)!) {
      nets.set(t.fromCoopId, (nets.get(t.fromCoopId) ?? 0n) - BigInt(t.amount));
      nets.set(t.toCoopId, (nets.get(t.toCoopId) ?? 0n) + BigInt(t.amount));
    }
    const positions = await treasurer.get<Positions>(
      `/api/settlement/v1/settlement-batches/${batchId}/positions`,
    );
    expect(new Map(positions.positions.map((p) => [p.coopId, BigInt(p.net.amount)]))).toEqual(nets);
    const page = await newPage();
    await signIn(page, demo.keys.treasurer);
    await page.goto(`${server.baseUrl}/#/treasurer`);
    await page.getByRole('link', { name: batchId }).click();
    const table = (await page.getByTestId('positions').textContent()) ?? '';
    for (const p of positions.positions) expect(table).toContain(rupiah(p.net.amount));
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

    // Payers first, as the bank moves the money: the receivers are paid out of what they bring.
    const committed = await treasurer.get<Batch>(
      `/api/settlement/v1/settlement-batches/${batchId}`,
    );
    const order = [
      ...committed.instructions.filter((i) => i.direction === 'pay'),
      ...committed.instructions.filter((i) => i.direction !== 'pay'),
    ];
    expect(order.length).toBeGreaterThan(1);
    const references = order.map(
      (i, n) => [i.coopId, `BNI-${String(n + 1).padStart(4, '0')}`] as const,
    );
    for (const [n, [coopId, reference]] of references.entries()) {
      await page.getByLabel('Koperasi', { exact: true }).selectOption(coopId);
      await page.getByLabel('Referensi bank').fill(reference);
      await page.getByRole('button', { name: 'Konfirmasi' }).click();
      await page.getByTestId('instructions').filter({ hasText: reference }).waitFor();
      const status = n === references.length - 1 ? 'Selesai' : 'Sedang diselesaikan';
      await page.getByTestId('batch-status').filter({ hasText: status }).waitFor();
    }

    const settled = await treasurer.get<Batch>(`/api/settlement/v1/settlement-batches/${batchId}`);
    expect(settled.status).toBe('settled');
    const byCoop = (rows: readonly (readonly [string, string])[]) =>
      [...rows].sort(([a], [b]) => a.localeCompare(b));
    expect(byCoop(settled.settlements.map((s) => [s.coopId, s.bankReference] as const))).toEqual(
      byCoop(references),
    );
    await expect(page.getByTestId('instructions').textContent()).resolves.toContain(
      references.at(-1)![1],
    );
    await page.context().close();
  });

  it('imports a bank statement and walks through the mismatches the reconciliation finds', async () => {
    const treasurer = api(demo.keys.treasurer);
    const { items } = await treasurer.get<{ items: Batch[] }>(
      '/api/settlement/v1/settlement-batches?status=settled',
    );
    // The demo's two settled batches and the one the treasurer just settled.
    expect(items.map((b) => b.batchId).sort()).toEqual(
      [...demo.batches.settled, demo.batches.open].sort(),
    );
    const batch = items.find((b) => b.batchId === demo.batches.open)!;
    // The batch the treasurer just settled, as the bank shows it: money in from payers,
    // out to receivers; one receiver is paid 100.000 short, and one line matches nothing.
    const SHORT = 100_000n;
    const short = [...batch.instructions]
      .filter((i) => i.direction === 'receive')
      .sort((a, b) => Number(BigInt(b.amount.amount) - BigInt(a.amount.amount)))[0]!;
    expect(BigInt(short.amount.amount)).toBeGreaterThan(SHORT);
    const signed = (i: Batch['instructions'][number]) =>
      (i.direction === 'pay' ? 1n : -1n) * BigInt(i.amount.amount);
    const lines = batch.instructions.map((i) => {
      const s = batch.settlements.find((x) => x.coopId === i.coopId)!;
      const amount = i === short ? signed(i) + SHORT : signed(i);
      const what = i.direction === 'pay' ? `Setoran ${i.coopId}` : `Transfer ke ${i.coopId}`;
      return `${s.settledOn},${amount},${s.bankReference},${what}`;
    });
    const settledOn = batch.settlements[0]!.settledOn;
    const csv = [
      'date,amount,reference,description',
      ...lines,
      `${settledOn},5000,XYZ-999,Bunga jasa giro`,
    ].join('\n');
    // What the bank side must show: the short payment, and the demo's earlier batches absent.
    const expected: [string, string, string, string | null, string | null][] = [];
    for (const b of items)
      for (const i of b.instructions) {
        if (b.batchId !== batch.batchId)
          expected.push([b.batchId, i.coopId, 'missing', signed(i).toString(), null]);
        else if (i === short)
          expected.push([
            b.batchId,
            i.coopId,
            'amount_differs',
            signed(i).toString(),
            (signed(i) + SHORT).toString(),
          ]);
      }
    const page = await newPage();
    await signIn(page, demo.keys.treasurer);
    await page.goto(`${server.baseUrl}/#/treasurer?tab=reconciliation`);
    await page.getByLabel('ID rekening koran').fill('rk-2026-11');
    await page.getByLabel('Isi rekening koran').fill(csv);
    await page.getByRole('button', { name: 'Impor', exact: true }).click();
    await page.getByTestId('statement-imported').waitFor();

    const report = await treasurer.get<Report>(`/api/settlement/v1/coops/${P()}/reconciliation`);
    const mismatches = report.coops.flatMap((c) => c.items.flatMap((i) => i.mismatches));
    const bank = report.coops.flatMap((c) =>
      c.items.flatMap((i) =>
        i.mismatches
          .filter((m) => m.source === 'bank')
          .map((m) => [i.batchId, c.coopId, m.cause, m.expected, m.actual] as const),
      ),
    );
    const sorted = (rows: readonly (readonly (string | null)[])[]) =>
      rows.map((r) => r.join('|')).sort();
    expect(sorted(bank)).toEqual(sorted(expected));
    expect(report.unmatchedBankLines.map((l) => l.reference)).toEqual(['XYZ-999']);
    await page
      .getByTestId('mismatch-count')
      .filter({ hasText: `${mismatches.length} ` })
      .waitFor();
    const table = (await page.getByTestId('mismatches').textContent()) ?? '';
    expect(table).toContain('Jumlah berbeda');
    expect(table).toContain(rupiah(signed(short) + SHORT));
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
    await signIn(page, demo.keys.auditor);
    await page.goto(`${server.baseUrl}/#/auditor`);
    await page.getByRole('button', { name: 'Jalankan verifikasi' }).click();
    await expect(page.getByTestId('verify-result').textContent()).resolves.toContain(
      'Semua penyimpanan utuh',
    );
    expect(await page.getByTestId('verify-stores').textContent()).toContain('settlement');
    await page.getByLabel('ID koperasi').first().fill(A());
    await page.getByLabel('Tahun buku').fill(DEMO_BUSINESS_DATE.slice(0, 4));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Unduh paket audit' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(
      `kopfed-audit-package-${A()}-${DEMO_BUSINESS_DATE.slice(0, 4)}.json`,
    );
    const pack = JSON.parse(readFileSync(await file.path(), 'utf8')) as {
      manifest: unknown;
      files: { name: string; content: string }[];
    };
    expect(pack.manifest).toBeTruthy();
    expect(pack.files.map((f) => f.name)).toContain('manifest.json');
    expect(pack.files.length).toBeGreaterThan(3);
    await page.getByTestId('package-done').waitFor();
    await page.getByLabel('ID koperasi').nth(2).fill(A());
    await page.getByRole('button', { name: 'Putar ulang', exact: true }).click();
    await expect(page.getByTestId('replay').textContent()).resolves.toContain(A());
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
    const own = await api(demo.keys.coops[A()]!).get<{ items: { memberNumber: string }[] }>(
      `/api/member/v1/coops/${A()}/members?limit=50`,
    );
    const other = await api(demo.keys.treasurer).get<{ items: { memberNumber: string }[] }>(
      `/api/member/v1/coops/${B()}/members?limit=50`,
    );
    expect(own.items.length).toBeGreaterThan(0);
    expect(other.items.length).toBeGreaterThan(0);
    const page = await newPage(1024, 768);
    await signIn(page, demo.keys.coops[A()]!);
    await page.goto(`${server.baseUrl}/#/coop?coop=${B()}`);
    await page.getByTestId('own-coop-only').waitFor();
    expect(await page.getByTestId('coop-id').textContent()).toBe(A());
    const members = page.getByTestId('members');
    await members.waitFor();
    const text = (await members.textContent()) ?? '';
    expect(own.items.filter((m) => !text.includes(m.memberNumber))).toEqual([]);
    expect(other.items.filter((m) => text.includes(m.memberNumber))).toEqual([]);
    await expectAccessible(page);
    await screenshot(page, 'coop');

    await page.goto(`${server.baseUrl}/#/dashboard?coop=${B()}`);
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByTestId('dash-members').count()).toBe(0);
    const refused = await api(demo.keys.coops[A()]!).call(
      'GET',
      `/api/member/v1/coops/${B()}/members`,
    );
    expect([403, 404]).toContain(refused.status);
    await page.context().close();
  });
});
