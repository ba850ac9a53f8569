import { createHash } from 'node:crypto';
import {
  MAX_SYNC_BATCH_ITEMS as MAX_BATCH_ITEMS,
  type SyncItems,
  type SyncStream,
} from '@kopfed/sdk';
import type { StreamConfig } from '../config';
import { FILE_KINDS } from '../streams';
import { buildContext, type RowProblem } from '../streams/stream';
import type { Table, TableRow } from '../table/read-table';
import { ambiguousDates, monthFirstColumns } from '../values/date-order';

export interface PlannedItem<S extends SyncStream> {
  item: SyncItems[S];
  /** The file line the item came from, for the report. */
  line: number;
}

/** A row that is not (or not wholly) in kopfed, and why. */
export interface Rejection {
  line: number;
  externalId: string;
  stage: 'local' | 'server';
  codes: string[];
  reasons: string[];
}

export interface Plan<S extends SyncStream> {
  stream: S;
  headers: string[];
  /** Line → the row's cells, for the report. */
  cells: ReadonlyMap<number, readonly string[]>;
  rows: number;
  items: number;
  batches: PlannedItem<S>[][];
  rejections: Rejection[];
  /** Fingerprint of every batch's items: a resumed sync must send exactly the same. */
  sha256: string;
}

/**
 * What a file becomes: each row checked alone (a bad row is reported, never sent), items in
 * file order cut into batches. The same file and config always give the same plan, so a
 * sync can stop anywhere and resume.
 */
export function planSync<S extends SyncStream>(
  stream: S,
  table: Table,
  options: { coopId: string; today: string; config: StreamConfig; batchSize: number },
): Plan<S> {
  if (
    !Number.isInteger(options.batchSize) ||
    options.batchSize < 1 ||
    options.batchSize > MAX_BATCH_ITEMS
  ) {
    throw new RangeError(`a batch holds 1 to ${MAX_BATCH_ITEMS} items`);
  }
  const build = FILE_KINDS[stream].prepare(table.headers, options.config);
  const context = buildContext(options.coopId, options.today, options.config);
  const firstLine = new Map<string, number>();
  const items: PlannedItem<S>[] = [];
  const rejections: Rejection[] = [];
  const monthFirst = monthFirstColumns(table);
  for (const row of table.rows) {
    const outcome = build(row, context);
    const problems = [
      ...overflowOf(row, table.headers.length),
      ...ambiguousDates(row, table.headers, monthFirst),
      ...(outcome.ok ? [] : outcome.problems),
    ];
    if (!outcome.ok || problems.length > 0) {
      rejections.push({
        line: row.line,
        externalId: '',
        stage: 'local',
        codes: problems.map((p) => p.code),
        reasons: problems.map((p) => `${p.column}: ${p.reason}`),
      });
      continue;
    }
    const repeated = outcome.items.find((i) => firstLine.has(i.externalId));
    if (repeated) {
      const earlier = firstLine.get(repeated.externalId)!;
      rejections.push({
        line: row.line,
        externalId: repeated.externalId,
        stage: 'local',
        codes: ['duplicate_in_file'],
        reasons: [`${repeated.externalId} is already on line ${earlier}`],
      });
      continue;
    }
    for (const item of outcome.items) {
      firstLine.set(item.externalId, row.line);
      items.push({ item, line: row.line });
    }
  }
  const batches: PlannedItem<S>[][] = [];
  for (let start = 0; start < items.length; start += options.batchSize) {
    batches.push(items.slice(start, start + options.batchSize));
  }
  return {
    stream,
    headers: table.headers,
    cells: new Map(table.rows.map((r) => [r.line, r.cells])),
    rows: table.rows.length,
    items: items.length,
    batches,
    rejections,
    sha256: fingerprint(stream, batches),
  };
}

/**
 * Cells past the last header are a row read shifted: a CSV value holding the separator
 * unquoted (1,500,000 in a comma-separated file) splits into cells, and every column after
 * it reads its neighbour's (the amount "1", the note "500"). Empty ones (a trailing comma) are
 * nothing.
 */
function overflowOf(row: TableRow, headerCount: number): RowProblem[] {
  const extra = row.cells.slice(headerCount).filter((cell) => cell.trim() !== '').length;
  if (extra === 0) return [];
  return [
    {
      column: 'after the last column',
      code: 'row_too_long',
      reason:
        `the row has ${extra} more cell${extra === 1 ? '' : 's'} than the header names: ` +
        'a value with an unquoted separator (1,500,000) splits into cells; put it in quotes or write it 1.500.000',
    },
  ];
}

function fingerprint(stream: SyncStream, batches: readonly PlannedItem<SyncStream>[][]): string {
  const hash = createHash('sha256').update(stream);
  for (const batch of batches) hash.update(`\n${JSON.stringify(batch.map((p) => p.item))}`);
  return hash.digest('hex');
}

/** One batch's Idempotency-Key: the same batch under the same sequence always has the same key. */
export function batchKey(stream: SyncStream, body: { sequence: number; items: unknown[] }): string {
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return `kopfed-sync:${stream}:${body.sequence}:${digest.slice(0, 32)}`;
}
