import { accountCode, typeOfCode, type Account } from './account';

interface Options {
  parent?: string;
  header?: boolean;
  contra?: boolean;
  rule?: 'none' | 'not_below_zero';
  clearing?: boolean;
}

function define(code: string, name: string, gloss: string, options: Options = {}): Account {
  const parsed = accountCode(code);
  return {
    code: parsed,
    name,
    gloss,
    type: typeOfCode(parsed),
    contra: options.contra ?? false,
    ...(options.parent ? { parent: accountCode(options.parent) } : {}),
    postable: !options.header,
    balanceRule: { kind: options.rule ?? 'none' },
    ...(options.clearing ? { clearing: {} } : {}),
  };
}

const header = { header: true };
const never_negative = 'not_below_zero' as const;

/**
 * The default chart of a koperasi simpan pinjam (savings-and-loan cooperative), laid out as
 * SAK EP statements group it. A coop's chart is this plus its own changes (ChartChanges).
 * Simpanan pokok and wajib are equity (members cannot withdraw them while members); sukarela
 * and berjangka are liabilities (BRIEF §5).
 */
export const DEFAULT_ACCOUNTS: readonly Account[] = [
  define('1-000', 'Aset', 'Assets', header),
  define('1-100', 'Aset Lancar', 'Current assets', { ...header, parent: '1-000' }),
  define('1-110', 'Kas', 'Cash on hand', { parent: '1-100', rule: never_negative }),
  define('1-120', 'Bank', 'Cash at bank', { parent: '1-100', rule: never_negative }),
  define('1-130', 'Penempatan pada Koperasi Sekunder', 'Deposits with the parent coop', {
    parent: '1-100',
    rule: never_negative,
  }),
  define('1-140', 'Piutang Pinjaman Anggota', 'Loans to members', {
    parent: '1-100',
    rule: never_negative,
  }),
  define('1-141', 'Penyisihan Penghapusan Piutang (PPAP)', 'Allowance for loan losses', {
    parent: '1-100',
    contra: true,
    rule: never_negative,
  }),
  define('1-150', 'Piutang Bunga Pinjaman', 'Interest receivable on loans', {
    parent: '1-100',
    rule: never_negative,
  }),
  // Either side: a claim on the parent (debit) or a net amount owed to it (credit).
  define('1-160', 'Kliring Antar Koperasi', 'Inter-coop clearing', {
    parent: '1-100',
    clearing: true,
  }),
  define('1-170', 'Dana dalam Penyelesaian', 'Settlement funds in transit', { parent: '1-100' }),
  define('1-200', 'Aset Tetap', 'Fixed assets', { ...header, parent: '1-000' }),
  define('1-210', 'Peralatan dan Inventaris', 'Equipment and furniture', { parent: '1-200' }),
  define('1-211', 'Akumulasi Penyusutan', 'Accumulated depreciation', {
    parent: '1-200',
    contra: true,
  }),
  define('2-000', 'Kewajiban', 'Liabilities', header),
  define('2-100', 'Kewajiban Jangka Pendek', 'Current liabilities', { ...header, parent: '2-000' }),
  define('2-110', 'Simpanan Sukarela', 'Voluntary savings', {
    parent: '2-100',
    rule: never_negative,
  }),
  define('2-120', 'Simpanan Berjangka', 'Time deposits', { parent: '2-100', rule: never_negative }),
  define('2-130', 'Utang Pajak', 'Tax payable (withholding on savings interest)', {
    parent: '2-100',
    rule: never_negative,
  }),
  define('2-140', 'Utang SHU Anggota', 'SHU payable to members', { parent: '2-100' }),
  define('2-200', 'Kewajiban Jangka Panjang', 'Long-term liabilities', {
    ...header,
    parent: '2-000',
  }),
  define('2-210', 'Pinjaman dari Koperasi Sekunder', 'Loans from the parent coop', {
    parent: '2-200',
    rule: never_negative,
  }),
  define('3-000', 'Ekuitas', 'Equity', header),
  define('3-100', 'Simpanan Pokok', 'Membership share', { parent: '3-000', rule: never_negative }),
  define('3-200', 'Simpanan Wajib', 'Compulsory savings', {
    parent: '3-000',
    rule: never_negative,
  }),
  define('3-300', 'Cadangan', 'Reserve', { parent: '3-000' }),
  define('3-400', 'SHU Ditahan', 'Retained SHU of earlier years', { parent: '3-000' }),
  define('3-500', 'SHU Tahun Berjalan', 'SHU of the last closed year, until the RAT divides it', {
    parent: '3-000',
  }),
  define('4-000', 'Pendapatan', 'Income', header),
  define('4-100', 'Pendapatan Usaha Simpan Pinjam', 'Savings and loan income', {
    ...header,
    parent: '4-000',
  }),
  define('4-110', 'Pendapatan Bunga Pinjaman', 'Loan interest income', { parent: '4-100' }),
  define('4-120', 'Pendapatan Administrasi', 'Administration fee income', { parent: '4-100' }),
  define('4-130', 'Pendapatan Denda', 'Penalty income', { parent: '4-100' }),
  define('4-200', 'Pendapatan Lain-lain', 'Other income', { ...header, parent: '4-000' }),
  define('4-210', 'Pendapatan Jasa Penempatan', 'Interest on deposits with the parent', {
    parent: '4-200',
  }),
  define('4-220', 'Pemulihan Piutang Dihapusbukukan', 'Recoveries of written-off loans', {
    parent: '4-200',
  }),
  define('5-000', 'Beban', 'Expenses', header),
  define('5-100', 'Beban Usaha Simpan Pinjam', 'Savings and loan expenses', {
    ...header,
    parent: '5-000',
  }),
  define('5-110', 'Beban Bunga Simpanan', 'Interest on savings', { parent: '5-100' }),
  define('5-120', 'Beban Penyisihan Piutang', 'Loan-loss provision expense', { parent: '5-100' }),
  define('5-200', 'Beban Operasional', 'Operating expenses', { ...header, parent: '5-000' }),
  define('5-210', 'Beban Administrasi dan Umum', 'General and administrative expenses', {
    parent: '5-200',
  }),
  define('5-220', 'Beban Penyusutan', 'Depreciation expense', { parent: '5-200' }),
];

/** Where the year-end close puts the result, and where last year's undivided SHU goes. */
export const DEFAULT_ROLES = {
  currentYearShu: accountCode('3-500'),
  retainedShu: accountCode('3-400'),
};
