/** A value read from a cell: parsed, or refused with a code and a reason a clerk can act on. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; code: string; reason: string };

export const parsed = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const refused = <T = never>(code: string, reason: string): Parsed<T> => ({
  ok: false,
  code,
  reason,
});
