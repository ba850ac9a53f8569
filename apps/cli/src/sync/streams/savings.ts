import type { SavingsSyncItem } from '@kopfed/sdk';
import { parsePastDate } from '../values/dates';
import { accountId, externalId, memberNumber, productCode, sha256Hex } from '../values/identifiers';
import { parseRupiah, positiveRupiah } from '../values/rupiah';
import type { RowReader } from './columns';
import { parseVia } from './money-movement';
import { defineStream, ProblemList, type BuildContext, type SyncFileKind } from './stream';

const FIELDS = {
  externalId: { label: 'No. Transaksi', aliases: ['No. Transaksi', 'No Transaksi', 'ID Transaksi', 'No. Bukti', 'No Bukti', 'Kode Transaksi'] },
  account: { label: 'No. Rekening', aliases: ['No. Rekening', 'No Rekening', 'Nomor Rekening', 'No. Rek', 'Rekening'] },
  memberNumber: { label: 'No. Anggota', aliases: ['ID Anggota', 'No. Anggota', 'No Anggota', 'Nomor Anggota'] },
  product: { label: 'Jenis Simpanan', aliases: ['Jenis Simpanan', 'Produk', 'Kode Produk', 'Simpanan', 'Produk Simpanan'] },
  date: { label: 'Tanggal', aliases: ['Tanggal', 'Tgl', 'Tanggal Transaksi', 'Tgl Transaksi', 'Per Tanggal', 'Tanggal Saldo'], required: true },
  type: { label: 'Jenis Transaksi', aliases: ['Jenis Transaksi', 'Transaksi', 'Tipe', 'D/K', 'Jenis'] },
  amount: { label: 'Jumlah', aliases: ['Jumlah', 'Nominal', 'Jumlah (Rp)', 'Jumlah Rp'] },
  note: { label: 'Keterangan', aliases: ['Keterangan', 'Uraian', 'Ket'] },
  via: { label: 'Cara Bayar', aliases: ['Cara Bayar', 'Via', 'Metode'] },
  pokok: { label: 'Simpanan Pokok', aliases: ['Simpanan Pokok', 'Saldo Simpanan Pokok'] },
  wajib: { label: 'Simpanan Wajib', aliases: ['Simpanan Wajib', 'Saldo Simpanan Wajib'] },
  sukarela: { label: 'Simpanan Sukarela', aliases: ['Simpanan Sukarela', 'Saldo Simpanan Sukarela'] },
} as const;
type Field = keyof typeof FIELDS;
const BALANCE_FIELDS = ['pokok', 'wajib', 'sukarela'] as const;

const TYPES: Readonly<Record<string, 'open' | 'deposit' | 'withdrawal'>> = {
  buka: 'open', bukarekening: 'open', saldoawal: 'open', open: 'open',
  setor: 'deposit', setoran: 'deposit', simpan: 'deposit', kredit: 'deposit', k: 'deposit', masuk: 'deposit', deposit: 'deposit',
  tarik: 'withdrawal', penarikan: 'withdrawal', ambil: 'withdrawal', debet: 'withdrawal', debit: 'withdrawal', d: 'withdrawal', keluar: 'withdrawal', withdrawal: 'withdrawal',
};

/**
 * Savings in one of two layouts. Transactions: one row per opening (Buka / Saldo Awal, with
 * the opening balance), deposit (Setor) or withdrawal (Tarik), each on its original date.
 * Opening balances: one row per member with a "Simpanan Pokok/Wajib/Sukarela" column each,
 * as of "Tanggal"; every amount opens that product's account with it.
 */
export const savingsStream: SyncFileKind<'savings'> = defineStream<'savings', Field>({
  stream: 'savings',
  fields: FIELDS,
  checkColumns(has) {
    if (has('amount') || has('type')) {
      return has('account') && has('type') ? undefined : 'a transactions file needs "No. Rekening", "Jenis Transaksi" and "Jumlah"';
    }
    if (BALANCE_FIELDS.some(has)) return has('memberNumber') ? undefined : 'an opening-balances file needs "No. Anggota"';
    return 'no "Jumlah" column (transactions) and no "Simpanan Pokok/Wajib/Sukarela" column (opening balances)';
  },
  build(row, context) {
    return row.has('type') ? transaction(row, context) : openingBalances(row, context);
  },
});

function transaction(row: RowReader<Field>, context: BuildContext) {
  const p = new ProblemList();
  const date = p.take(FIELDS.date.label, parsePastDate(row.get('date'), context.today));
  const account = row.get('account');
  if (account === '') p.add(FIELDS.account.label, 'account_missing', 'the account number is empty');
  const type = TYPES[row.get('type').toLowerCase().replace(/[^a-z]/g, '')];
  if (!type) p.add(FIELDS.type.label, 'type_invalid', `"${row.get('type')}" is not Buka, Setor or Tarik`);
  const via = p.take(FIELDS.via.label, parseVia(row.get('via'), context.config.via));
  const opening = type === 'open' && row.get('amount') !== '' ? p.take(FIELDS.amount.label, parseRupiah(row.get('amount'))) : undefined;
  const amount = type === 'deposit' || type === 'withdrawal' ? p.take(FIELDS.amount.label, positiveRupiah(row.get('amount'))) : undefined;
  const member = type === 'open' ? p.take(FIELDS.memberNumber.label, memberNumber(row.get('memberNumber'))) : undefined;
  const product = type === 'open' ? p.take(FIELDS.product.label, productCode(row.get('product'), context.config.products)) : undefined;
  const id = accountId(context.coopId, account);
  const clash = account === '' ? undefined : context.claim(id, account);
  if (clash) p.add(FIELDS.account.label, 'account_clash', `"${account}" and "${clash}" are one account id (${id})`);
  const ownId = row.get('externalId');
  const itemId = ownId
    ? p.take(FIELDS.externalId.label, externalId(ownId, 'the transaction number'))
    : derivedId(context, [id, date, type, row.get('amount')]);
  if (p.problems.length > 0 || !type || !date || !via || !itemId) return { ok: false as const, problems: p.problems };
  const base = { externalId: itemId, accountId: id, businessDate: date, via };
  const item: SavingsSyncItem =
    type === 'open'
      ? { ...base, type, memberExternalId: member!, productCode: product!, ...(opening ? { openingBalance: { amount: opening.toString(), currency: 'IDR' } } : {}) }
      : { ...base, type, amount: amount! };
  return { ok: true as const, items: [item] };
}

function openingBalances(row: RowReader<Field>, context: BuildContext) {
  const p = new ProblemList();
  const date = p.take(FIELDS.date.label, parsePastDate(row.get('date'), context.today));
  const member = p.take(FIELDS.memberNumber.label, memberNumber(row.get('memberNumber')));
  const via = p.take(FIELDS.via.label, parseVia(row.get('via'), context.config.via));
  const items: SavingsSyncItem[] = [];
  for (const field of BALANCE_FIELDS) {
    if (!row.has(field) || row.get(field) === '') continue;
    const balance = p.take(FIELDS[field].label, parseRupiah(row.get(field)));
    const product = p.take(FIELDS[field].label, productCode(FIELDS[field].label, context.config.products));
    if (balance === undefined || balance === 0n || !product || !member || !date || !via) continue;
    items.push({
      type: 'open',
      externalId: `saldo-awal:${member}:${product}`,
      accountId: accountId(context.coopId, `${member}-${product}`),
      memberExternalId: member,
      productCode: product,
      businessDate: date,
      via,
      openingBalance: { amount: balance.toString(), currency: 'IDR' },
    });
  }
  if (p.problems.length > 0) return { ok: false as const, problems: p.problems };
  return { ok: true as const, items };
}

/**
 * A row without its own transaction number gets one from what it says and how many identical
 * rows came before it, so the same file always yields the same ids (and reordering other rows
 * changes nothing).
 */
function derivedId(context: BuildContext, parts: ReadonlyArray<string | undefined>): string {
  const key = parts.map((part) => part ?? '').join('\u0000');
  return `tx:${sha256Hex(`${key}\u0000${context.occurrence(key)}`).slice(0, 32)}`;
}
