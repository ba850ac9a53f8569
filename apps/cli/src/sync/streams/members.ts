import type { MemberSyncItem } from '@kopfed/sdk';
import { NIK_PROBLEM_TEXT, validateNik } from '@kopfed/member/src/nik/nik';
import { parsePastDate } from '../values/dates';
import { externalId, memberNumber } from '../values/identifiers';
import { parseProvince } from '../values/provinces';
import { cleanNik, parseGender, parsePhone, parsePostalCode, requiredText } from '../values/text';
import type { RowReader } from './columns';
import { defineStream, ProblemList, type BuildContext, type SyncFileKind } from './stream';

const FIELDS = {
  memberNumber: { label: 'No. Anggota', aliases: ['No. Anggota', 'Nomor Anggota', 'No Anggota', 'Nomor Induk Anggota', 'NIA', 'Member Number'], required: true },
  externalId: { label: 'ID Anggota', aliases: ['ID Anggota', 'ID', 'External ID'] },
  name: { label: 'Nama', aliases: ['Nama', 'Nama Anggota', 'Nama Lengkap', 'Name'], required: true },
  nik: { label: 'NIK', aliases: ['NIK', 'No. KTP', 'Nomor KTP', 'No KTP', 'NIK KTP'], required: true },
  birthDate: { label: 'Tanggal Lahir', aliases: ['Tanggal Lahir', 'Tgl Lahir', 'Tgl. Lahir', 'Birth Date'], required: true },
  gender: { label: 'Jenis Kelamin', aliases: ['Jenis Kelamin', 'JK', 'L/P', 'Kelamin', 'Gender'], required: true },
  address: { label: 'Alamat', aliases: ['Alamat', 'Alamat Lengkap', 'Alamat Rumah', 'Address'], required: true },
  village: { label: 'Desa/Kelurahan', aliases: ['Desa/Kelurahan', 'Kelurahan/Desa', 'Kel/Desa', 'Desa', 'Kelurahan'] },
  district: { label: 'Kecamatan', aliases: ['Kecamatan', 'Kec'] },
  regency: { label: 'Kabupaten/Kota', aliases: ['Kabupaten/Kota', 'Kab/Kota', 'Kabupaten', 'Kota'] },
  province: { label: 'Provinsi', aliases: ['Provinsi', 'Kode Provinsi', 'Prov'] },
  postalCode: { label: 'Kode Pos', aliases: ['Kode Pos', 'Kodepos'] },
  phone: { label: 'No. HP', aliases: ['No. HP', 'No HP', 'Nomor HP', 'HP', 'Telepon', 'No. Telp', 'No Telp', 'WhatsApp'] },
  joinedOn: { label: 'Tgl Masuk', aliases: ['Tgl Masuk', 'Tanggal Masuk', 'Tgl. Masuk', 'Tanggal Bergabung', 'Tanggal Daftar', 'Joined On'], required: true },
  leftOn: { label: 'Tgl Keluar', aliases: ['Tgl Keluar', 'Tanggal Keluar', 'Tgl. Keluar'] },
  leftReason: { label: 'Alasan Keluar', aliases: ['Alasan Keluar', 'Sebab Keluar'] },
} as const;
type Field = keyof typeof FIELDS;

const LEFT_REASONS: Readonly<Record<string, 'resigned' | 'deceased' | 'expelled' | 'moved'>> = {
  mengundurkandiri: 'resigned', keluar: 'resigned', berhenti: 'resigned', resigned: 'resigned',
  meninggal: 'deceased', meninggaldunia: 'deceased', wafat: 'deceased', deceased: 'deceased',
  diberhentikan: 'expelled', dikeluarkan: 'expelled', dipecat: 'expelled', expelled: 'expelled',
  pindah: 'moved', moved: 'moved',
};

/** A person member per row; the NIK is checked with the member service's own rules. */
export const membersStream: SyncFileKind<'members'> = defineStream<'members', Field>({
  stream: 'members',
  fields: FIELDS,
  build(row, context) {
    const p = new ProblemList();
    const number = p.take(FIELDS.memberNumber.label, memberNumber(row.get('memberNumber')));
    const id = row.get('externalId') ? p.take(FIELDS.externalId.label, externalId(row.get('externalId'), 'the member id')) : number;
    const name = p.take(FIELDS.name.label, requiredText(row.get('name'), 'the name', 200));
    const birthDate = p.take(FIELDS.birthDate.label, parsePastDate(row.get('birthDate'), context.today));
    const gender = p.take(FIELDS.gender.label, parseGender(row.get('gender')));
    const nik = cleanNik(row.get('nik'));
    const line = p.take(FIELDS.address.label, requiredText(row.get('address'), 'the address', 300));
    const joinedOn = p.take(FIELDS.joinedOn.label, parsePastDate(row.get('joinedOn'), context.today));
    const phone = p.take(FIELDS.phone.label, parsePhone(row.get('phone')));
    const postalCode = p.take(FIELDS.postalCode.label, parsePostalCode(row.get('postalCode')));
    if (birthDate !== undefined && gender !== undefined) {
      const problem = validateNik(nik, birthDate, gender);
      if (problem) p.add(FIELDS.nik.label, `nik_${problem}`, NIK_PROBLEM_TEXT[problem]);
    } else if (!/^\d{16}$/.test(nik)) {
      p.add(FIELDS.nik.label, 'nik_not_16_digits', NIK_PROBLEM_TEXT.not_16_digits);
    }
    const province = p.take(FIELDS.province.label, provinceOf(row, context, nik));
    const left = leaving(row, context, p);
    if (p.problems.length > 0) return { ok: false, problems: p.problems };
    const item: MemberSyncItem = {
      externalId: id!,
      memberNumber: number!,
      kind: 'person',
      joinedOn: joinedOn!,
      person: {
        name: name!,
        nik,
        birthDate: birthDate!,
        gender: gender!,
        address: {
          line: line!,
          ...optional('village', row.get('village'), 100),
          ...optional('district', row.get('district'), 100),
          ...optional('regency', row.get('regency'), 100),
          province: province!,
          ...(postalCode ? { postalCode } : {}),
        },
        ...(phone ? { phone } : {}),
      },
      ...(left ? { left } : {}),
    };
    return { ok: true, items: [item] };
  },
});

/** The file's province column, else the config's default, else the NIK's province digits. */
function provinceOf(row: RowReader<Field>, context: BuildContext, nik: string) {
  const given = row.get('province') || context.config.defaults.province;
  return parseProvince(given ?? nik.slice(0, 2));
}

function leaving(row: RowReader<Field>, context: BuildContext, p: ProblemList) {
  if (row.get('leftOn') === '') return undefined;
  const leftOn = p.take(FIELDS.leftOn.label, parsePastDate(row.get('leftOn'), context.today));
  const said = row.get('leftReason').toLowerCase().replace(/[^a-z]/g, '');
  const reason = said === '' ? 'resigned' : LEFT_REASONS[said];
  if (!reason) p.add(FIELDS.leftReason.label, 'left_reason_invalid', `"${row.get('leftReason')}" is not a reason to leave`);
  return leftOn && reason ? { reason, leftOn } : undefined;
}

function optional<K extends string>(key: K, value: string, max: number): Partial<Record<K, string>> {
  const text = value.replace(/\s+/g, ' ').trim();
  return text === '' ? {} : ({ [key]: text.slice(0, max) } as Record<K, string>);
}
