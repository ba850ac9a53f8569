import type { MemberSyncItem } from '@kopfed/sdk';
import { parsed, refused, type Parsed } from './result';

export type ProvinceCode = NonNullable<MemberSyncItem['person']>['address']['province'];

/** Kemendagri province codes by name, as a clerk types them (the first two digits of a NIK). */
const BY_NAME: Readonly<Record<string, ProvinceCode>> = {
  aceh: '11', sumaterautara: '12', sumaterabarat: '13', riau: '14', jambi: '15',
  sumateraselatan: '16', bengkulu: '17', lampung: '18', kepulauanbangkabelitung: '19',
  bangkabelitung: '19', kepulauanriau: '21', dkijakarta: '31', jakarta: '31',
  jawabarat: '32', jawatengah: '33', diyogyakarta: '34', yogyakarta: '34', jawatimur: '35',
  banten: '36', bali: '51', nusatenggarabarat: '52', ntb: '52', nusatenggaratimur: '53',
  ntt: '53', kalimantanbarat: '61', kalimantantengah: '62', kalimantanselatan: '63',
  kalimantantimur: '64', kalimantanutara: '65', sulawesiutara: '71', sulawesitengah: '72',
  sulawesiselatan: '73', sulawesitenggara: '74', gorontalo: '75', sulawesibarat: '76',
  maluku: '81', malukuutara: '82', papuabarat: '91', papua: '92', papuaselatan: '93',
  papuatengah: '94', papuapegunungan: '95', papuabaratdaya: '96',
};
const CODES: ReadonlyMap<string, ProvinceCode> = new Map(Object.values(BY_NAME).map((c) => [c, c]));

/** A province from its code ("33") or name ("Jawa Tengah", "Prov. Jawa Tengah"). */
export function parseProvince(raw: string): Parsed<ProvinceCode> {
  const text = raw.trim();
  const byCode = CODES.get(text);
  if (byCode) return parsed(byCode);
  const key = text.toLowerCase().replace(/^(prov(insi)?\.?\s*)/, '').replace(/[^a-z]/g, '');
  const code = BY_NAME[key];
  return code ? parsed(code) : refused('province_invalid', `"${text}" is not a province name or code`);
}
