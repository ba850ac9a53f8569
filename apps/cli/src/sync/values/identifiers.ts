import { createHash } from 'node:crypto';
import { parsed, refused, type Parsed } from './result';

/** The services' own rules (contracts and batch-sync): checked here so a bad id never travels. */
const EXTERNAL_ID = /^[A-Za-z0-9._:/-]{1,64}$/;
const MEMBER_NUMBER = /^[A-Za-z0-9./_-]{1,32}$/;
const ENTITY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PRODUCT_CODE = /^[A-Z0-9_]{1,32}$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function externalId(raw: string, what: string): Parsed<string> {
  const text = raw.trim().replace(/\s+/g, '-');
  if (text === '') return refused('id_missing', `${what} is empty`);
  if (!EXTERNAL_ID.test(text)) {
    return refused('id_invalid', `${what} "${raw.trim()}" may hold only letters, digits and . _ : / - (at most 64)`);
  }
  return parsed(text);
}

export function memberNumber(raw: string): Parsed<string> {
  const text = raw.trim();
  if (text === '') return refused('member_number_missing', 'the member number is empty');
  if (!MEMBER_NUMBER.test(text)) {
    return refused('member_number_invalid', `"${text}" may hold only letters, digits and . / _ - (at most 32)`);
  }
  return parsed(text);
}

/**
 * Savings account ids are global in kopfed, so the coop's own account number is prefixed
 * with the coop id; characters an id cannot hold become "_", and a too-long result is hashed.
 */
export function accountId(coopId: string, accountNumber: string): string {
  const readable = `${coopId}-${accountNumber.trim()}`.replace(/[^A-Za-z0-9_-]/g, '_');
  if (ENTITY_ID.test(readable)) return readable;
  return `${coopId.slice(0, 23)}-${sha256Hex(`${coopId}\u0000${accountNumber.trim()}`).slice(0, 40)}`;
}

/**
 * A product named in a cell as the services' code: the config's table first, then the name
 * itself in capitals without "Simpanan"/"Pinjaman" ("Simpanan Pokok" → POKOK).
 */
export function productCode(raw: string, table: Readonly<Record<string, string>>): Parsed<string> {
  const text = raw.trim();
  if (text === '') return refused('product_missing', 'the product is empty');
  const mapped = Object.entries(table).find(([name]) => name.toLowerCase() === text.toLowerCase());
  const code = (mapped?.[1] ?? text.replace(/^(simpanan|pinjaman)\s+/i, ''))
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  if (!PRODUCT_CODE.test(code)) return refused('product_invalid', `"${text}" is not a product code`);
  return parsed(code);
}
