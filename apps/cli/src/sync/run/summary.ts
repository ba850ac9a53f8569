import type { SyncStream } from '@kopfed/sdk';
import type { Plan } from './plan';
import type { SyncState } from './state-file';

/** The exit codes: everything arrived; some rows were rejected; the sync did not finish. */
export const EXIT = { ALL_ACCEPTED: 0, FAILED: 1, SOME_REJECTED: 2 } as const;

export interface SyncSummary {
  stream: SyncStream;
  file: string;
  dryRun: boolean;
  complete: boolean;
  rows: number;
  items: number;
  batches: number;
  sequences: { first: number; last: number } | null;
  accepted: number;
  created: number;
  updated: number;
  unchanged: number;
  rejectedRows: { local: number; server: number };
  report: string;
  state: string | null;
  error?: string;
}

export function summarise(
  plan: Plan<SyncStream>,
  state: SyncState | undefined,
  paths: { file: string; report: string; state: string | null; dryRun: boolean },
): SyncSummary {
  const counts = state?.counts ?? { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  return {
    stream: plan.stream,
    file: paths.file,
    dryRun: paths.dryRun,
    complete: state ? state.acknowledged === state.batchCount : false,
    rows: plan.rows,
    items: plan.items,
    batches: plan.batches.length,
    sequences:
      state && state.batchCount > 0
        ? { first: state.firstSequence, last: state.firstSequence + state.batchCount - 1 }
        : null,
    accepted: counts.created + counts.updated + counts.unchanged,
    created: counts.created,
    updated: counts.updated,
    unchanged: counts.unchanged,
    rejectedRows: {
      local: plan.rejections.length,
      server: new Set(state?.serverRejections.map((r) => r.line) ?? []).size,
    },
    report: paths.report,
    state: paths.state,
  };
}

export function exitCodeOf(summary: SyncSummary): number {
  if (summary.error !== undefined || (!summary.dryRun && !summary.complete)) return EXIT.FAILED;
  const rejected = summary.rejectedRows.local + summary.rejectedRows.server;
  return rejected > 0 ? EXIT.SOME_REJECTED : EXIT.ALL_ACCEPTED;
}

export function describe(s: SyncSummary): string {
  const rejected = s.rejectedRows.local + s.rejectedRows.server;
  const head = s.dryRun
    ? `${s.stream}: dry run — ${s.rows} rows, ${s.items} items would go in ${s.batches} batches; ${rejected} rows rejected here`
    : `${s.stream}: ${s.rows} rows · ${s.accepted} items accepted (created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}) · ${rejected} rows rejected (${s.rejectedRows.local} here, ${s.rejectedRows.server} by the server)`;
  const sequences = s.sequences ? ` · batches ${s.sequences.first}–${s.sequences.last}` : '';
  const status = s.error ? `\nnot finished: ${s.error}\nrun the same command again to resume.` : '';
  return `${head}${sequences}\nreport: ${s.report}${status}\n`;
}
