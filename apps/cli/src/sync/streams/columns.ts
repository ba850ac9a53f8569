import type { TableRow } from '../table/read-table';

/** A field the agent reads, the headers it is known by, and whether a file must have it. */
export interface FieldSpec {
  label: string;
  aliases: readonly string[];
  required?: boolean;
}

export type Fields<F extends string> = Readonly<Record<F, FieldSpec>>;

/** "No. Anggota", "no anggota" and "NO_ANGGOTA" are one header. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Which column holds each field: the config's headers first, then the known aliases. */
export function resolveColumns<F extends string>(
  headers: readonly string[],
  fields: Fields<F>,
  overrides: Readonly<Partial<Record<string, string | readonly string[]>>> = {},
): Map<F, number> {
  const positions = new Map<string, number>();
  headers.forEach((header, index) => {
    const key = normalizeHeader(header);
    if (key !== '' && !positions.has(key)) positions.set(key, index);
  });
  const columns = new Map<F, number>();
  const missing: string[] = [];
  for (const field of Object.keys(fields) as F[]) {
    const spec = fields[field];
    const override = overrides[field];
    const names = override === undefined ? spec.aliases : typeof override === 'string' ? [override] : override;
    const index = names.map((n) => positions.get(normalizeHeader(n))).find((i) => i !== undefined);
    if (index !== undefined) columns.set(field, index);
    else if (spec.required) missing.push(`${spec.label} (a column named ${names.map((n) => `"${n}"`).join(' or ')})`);
  }
  if (missing.length > 0) {
    throw new Error(`missing columns: ${missing.join('; ')}. Name the file's headers in the config's "columns".`);
  }
  return columns;
}

/** One row's cells by field; a field without a column reads as empty. */
export class RowReader<F extends string> {
  constructor(
    private readonly columns: ReadonlyMap<F, number>,
    readonly row: TableRow,
  ) {}

  has(field: F): boolean {
    return this.columns.has(field);
  }

  get(field: F): string {
    const index = this.columns.get(field);
    return index === undefined ? '' : (this.row.cells[index] ?? '').trim();
  }
}
