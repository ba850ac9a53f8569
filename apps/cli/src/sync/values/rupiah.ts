import { parsed, refused, type Parsed } from './result';

/** 18 digits at most, as the services accept (contracts' money). */
const MAX_DIGITS = 18;

/**
 * Whole rupiah from a cell: "1500000", "1.500.000", "Rp1.500.000", "Rp 1.500.000,00",
 * "1,500,000", or a number cell. "." and "," are read as thousands separators when they
 * group digits by three, otherwise as the decimal mark; any non-zero fraction is refused
 * (kopfed keeps whole rupiah, and a fraction in a ledger export means a wrong column).
 */
export function parseRupiah(raw: string): Parsed<bigint> {
  const text = raw
    .replace(/[\s\u00a0]/g, '')
    .replace(/^(rp\.?|idr)/i, '')
    .replace(/^-(rp\.?|idr)/i, '-');
  if (text === '') return refused('amount_missing', 'the amount is empty');
  if (/^[-(]/.test(text)) return refused('amount_not_positive', `"${raw.trim()}" is negative`);
  const whole = wholePart(text);
  if (whole === undefined) return refused('amount_invalid', `"${raw.trim()}" is not an amount`);
  if (whole.fraction !== '' && /[1-9]/.test(whole.fraction)) {
    return refused('amount_fractional', `"${raw.trim()}" has a fraction of a rupiah`);
  }
  const digits = whole.digits.replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_DIGITS) return refused('amount_too_large', `"${raw.trim()}" is too large`);
  return parsed(BigInt(digits));
}

function wholePart(text: string): { digits: string; fraction: string } | undefined {
  const dotGroups = /^(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?$/.exec(text);
  if (dotGroups) return { digits: dotGroups[1]!.replace(/\./g, ''), fraction: dotGroups[2] ?? '' };
  const commaGroups = /^(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/.exec(text);
  if (commaGroups) {
    return { digits: commaGroups[1]!.replace(/,/g, ''), fraction: commaGroups[2] ?? '' };
  }
  const plain = /^(\d+)(?:[.,](\d+))?$/.exec(text);
  return plain ? { digits: plain[1]!, fraction: plain[2] ?? '' } : undefined;
}

/** A positive amount of whole rupiah, as the services take money: a decimal string in IDR. */
export function positiveRupiah(raw: string): Parsed<{ amount: string; currency: 'IDR' }> {
  const amount = parseRupiah(raw);
  if (!amount.ok) return amount;
  if (amount.value <= 0n) return refused('amount_not_positive', 'the amount must be more than 0');
  return parsed({ amount: amount.value.toString(), currency: 'IDR' });
}
