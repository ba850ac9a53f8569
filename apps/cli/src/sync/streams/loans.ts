import type { LoanSyncItem } from '@kopfed/sdk';
import { parsePastDate } from '../values/dates';
import { externalId, memberNumber, productCode, sha256Hex } from '../values/identifiers';
import { positiveRupiah } from '../values/rupiah';
import { parseMonths } from '../values/text';
import type { RowReader } from './columns';
import { parseVia } from './money-movement';
import { defineStream, ProblemList, type BuildContext, type SyncFileKind } from './stream';

const FIELDS = {
  type: { label: 'Jenis Transaksi', aliases: ['Jenis Transaksi', 'Transaksi', 'Jenis'] },
  loanNumber: { label: 'No. Pinjaman', aliases: ['No. Pinjaman', 'No Pinjaman', 'Nomor Pinjaman', 'No. Kredit', 'No. Akad'], required: true },
  externalId: { label: 'No. Bukti', aliases: ['No. Bukti', 'No Bukti', 'No. Transaksi', 'No Transaksi', 'ID Transaksi'] },
  memberNumber: { label: 'No. Anggota', aliases: ['ID Anggota', 'No. Anggota', 'No Anggota', 'Nomor Anggota'] },
  product: { label: 'Produk', aliases: ['Produk', 'Jenis Pinjaman', 'Kode Produk', 'Produk Pinjaman'] },
  principal: { label: 'Pokok Pinjaman', aliases: ['Pokok Pinjaman', 'Plafon', 'Plafond', 'Jumlah Pinjaman'] },
  termMonths: { label: 'Jangka Waktu', aliases: ['Jangka Waktu', 'Jangka Waktu (Bulan)', 'Tenor', 'Lama Angsuran'] },
  graceMonths: { label: 'Masa Tenggang', aliases: ['Masa Tenggang', 'Grace Period', 'Masa Tenggang (Bulan)'] },
  date: { label: 'Tanggal', aliases: ['Tanggal', 'Tgl', 'Tanggal Transaksi', 'Tanggal Pengajuan'], required: true },
  disbursedOn: { label: 'Tanggal Pencairan', aliases: ['Tanggal Pencairan', 'Tgl Pencairan', 'Tgl Cair', 'Tanggal Cair'] },
  amount: { label: 'Jumlah', aliases: ['Jumlah', 'Nominal', 'Jumlah Angsuran', 'Jumlah Bayar'] },
  via: { label: 'Cara Bayar', aliases: ['Cara Bayar', 'Via', 'Metode'] },
  note: { label: 'Keterangan', aliases: ['Keterangan', 'Uraian', 'Ket'] },
} as const;
type Field = keyof typeof FIELDS;

const TYPES: Readonly<Record<string, 'loan' | 'disbursement' | 'repayment'>> = {
  pinjaman: 'loan', pengajuan: 'loan', akad: 'loan', loan: 'loan',
  pencairan: 'disbursement', cair: 'disbursement', disbursement: 'disbursement',
  angsuran: 'repayment', pembayaran: 'repayment', bayar: 'repayment', pelunasan: 'repayment', repayment: 'repayment',
};

/**
 * Loans with their history: a "Pinjaman" row (a "Tanggal Pencairan" on it also disburses
 * it), "Pencairan" rows, and "Angsuran" rows (repayments) on their original dates. Without a
 * "Jenis Transaksi" column every row is a loan.
 */
export const loansStream: SyncFileKind<'loans'> = defineStream<'loans', Field>({
  stream: 'loans',
  fields: FIELDS,
  build(row, context) {
    const p = new ProblemList();
    const said = row.get('type').toLowerCase().replace(/[^a-z]/g, '');
    const type = said === '' ? 'loan' : TYPES[said];
    if (!type) p.add(FIELDS.type.label, 'type_invalid', `"${row.get('type')}" is not Pinjaman, Pencairan or Angsuran`);
    const loanId = p.take(FIELDS.loanNumber.label, externalId(row.get('loanNumber'), 'the loan number'));
    const date = p.take(FIELDS.date.label, parsePastDate(row.get('date'), context.today));
    const via = p.take(FIELDS.via.label, parseVia(row.get('via'), context.config.via));
    const items = type && loanId && date && via ? itemsOf(type, row, context, p, { loanId, date, funds: { kind: via } }) : [];
    return p.problems.length > 0 ? { ok: false, problems: p.problems } : { ok: true, items };
  },
});

interface Common {
  loanId: string;
  date: string;
  funds: { kind: 'cash' | 'bank' | 'deposit_with_parent' | 'settlement_in_transit' };
}

function itemsOf(
  type: 'loan' | 'disbursement' | 'repayment',
  row: RowReader<Field>,
  context: BuildContext,
  p: ProblemList,
  { loanId, date, funds }: Common,
): LoanSyncItem[] {
  switch (type) {
    case 'loan': {
      const member = p.take(FIELDS.memberNumber.label, memberNumber(row.get('memberNumber')));
      const product = p.take(FIELDS.product.label, productCode(row.get('product'), context.config.products));
      const principal = p.take(FIELDS.principal.label, positiveRupiah(row.get('principal') || row.get('amount')));
      const term = p.take(FIELDS.termMonths.label, parseMonths(row.get('termMonths'), 1));
      const grace = p.take(FIELDS.graceMonths.label, parseMonths(row.get('graceMonths') || '0', 0));
      const disbursedOn = row.get('disbursedOn') ? p.take(FIELDS.disbursedOn.label, parsePastDate(row.get('disbursedOn'), context.today)) : undefined;
      if (!member || !product || !principal || term === undefined || grace === undefined) return [];
      const loan: LoanSyncItem = { kind: 'loan', externalId: loanId, memberExternalId: member, productCode: product, principal, termMonths: term, graceMonths: grace, appliedOn: date };
      if (!disbursedOn) return [loan];
      return [loan, { kind: 'disbursement', externalId: `${loanId}:cair`, loanExternalId: loanId, disbursedOn, via: funds }];
    }
    case 'disbursement':
      return [{ kind: 'disbursement', externalId: `${loanId}:cair`, loanExternalId: loanId, disbursedOn: date, via: funds }];
    case 'repayment': {
      const amount = p.take(FIELDS.amount.label, positiveRupiah(row.get('amount')));
      const own = row.get('externalId');
      const id = own
        ? p.take(FIELDS.externalId.label, externalId(own, 'the receipt number'))
        : repaymentId(context, loanId, date, row.get('amount'));
      return amount && id ? [{ kind: 'repayment', externalId: id, loanExternalId: loanId, amount, paidOn: date, via: funds }] : [];
    }
  }
}

/** A repayment without a receipt number: named by its loan, date, amount and how many alike came before. */
function repaymentId(context: BuildContext, loanId: string, date: string, amount: string): string {
  const key = `${loanId}\u0000${date}\u0000${amount}`;
  return `${loanId.slice(0, 24)}:ang:${sha256Hex(`${key}\u0000${context.occurrence(key)}`).slice(0, 24)}`;
}
