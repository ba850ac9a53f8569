import type { SyncItems, SyncStream } from '@kopfed/sdk';
import type { StreamConfig } from '../config';
import type { TableRow } from '../table/read-table';
import { resolveColumns, RowReader, type Fields } from './columns';

/** Why a row is not sent: the column at fault, a stable code and a reason a clerk can act on. */
export interface RowProblem {
  column: string;
  code: string;
  reason: string;
}

export type RowOutcome<S extends SyncStream> =
  | { ok: true; items: SyncItems[S][] }
  | { ok: false; problems: RowProblem[] };

export interface BuildContext {
  coopId: string;
  /** Today's business date (Asia/Jakarta): history may not be dated after it. */
  today: string;
  config: StreamConfig;
  /** 0 the first time a key is seen in this file, then 1, 2, … (ids for rows without one). */
  occurrence: (key: string) => number;
  /** Binds a derived id to what it came from; answers the earlier source when they differ. */
  claim: (derivedId: string, source: string) => string | undefined;
}

export function buildContext(coopId: string, today: string, config: StreamConfig): BuildContext {
  const occurrences = new Map<string, number>();
  const claims = new Map<string, string>();
  return {
    coopId,
    today,
    config,
    occurrence(key) {
      const count = occurrences.get(key) ?? 0;
      occurrences.set(key, count + 1);
      return count;
    },
    claim(derivedId, source) {
      const earlier = claims.get(derivedId);
      if (earlier === undefined) claims.set(derivedId, source);
      return earlier === undefined || earlier === source ? undefined : earlier;
    },
  };
}

/** How one kind of file becomes sync items: its columns and its row rules. */
export interface StreamDefinition<S extends SyncStream, F extends string = string> {
  stream: S;
  fields: Fields<F>;
  /** Checks the columns found as a whole (some fields are alternatives to others). */
  checkColumns?: (has: (field: F) => boolean) => string | undefined;
  /** A row's items in the order they must be applied, or its problems. */
  build: (row: RowReader<F>, context: BuildContext) => RowOutcome<S>;
}

/** A kind of sync file, its columns resolved against a file's headers once. */
export interface SyncFileKind<S extends SyncStream> {
  stream: S;
  fieldNames: readonly string[];
  /** Throws, naming the missing columns, when the file cannot be read as this kind. */
  prepare: (headers: readonly string[], config: StreamConfig) => RowBuilder<S>;
}

export type RowBuilder<S extends SyncStream> = (row: TableRow, context: BuildContext) => RowOutcome<S>;

export function defineStream<S extends SyncStream, F extends string>(
  definition: StreamDefinition<S, F>,
): SyncFileKind<S> {
  return {
    stream: definition.stream,
    fieldNames: Object.keys(definition.fields),
    prepare(headers, config) {
      const columns = resolveColumns(headers, definition.fields, config.columns);
      const problem = definition.checkColumns?.((field) => columns.has(field));
      if (problem) throw new Error(`${definition.stream}: ${problem}`);
      return (row, context) => definition.build(new RowReader(columns, row), context);
    },
  };
}

/** Collects a row's problems while its cells are parsed, so one pass reports them all. */
export class ProblemList {
  readonly problems: RowProblem[] = [];

  take<T>(column: string, result: { ok: true; value: T } | { ok: false; code: string; reason: string }): T | undefined {
    if (result.ok) return result.value;
    this.problems.push({ column, code: result.code, reason: result.reason });
    return undefined;
  }

  add(column: string, code: string, reason: string): void {
    this.problems.push({ column, code, reason });
  }
}
