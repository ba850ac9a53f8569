import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import type { SyncStream } from '@kopfed/sdk';
import { guardFormula } from '../table/table';
import type { Plan, Rejection } from './plan';
import type { ServerRejection } from './state-file';

/** Every rejected row: the agent's own checks and the server's refusals, by line. */
export function allRejections(
  plan: Plan<SyncStream>,
  server: readonly ServerRejection[],
): Rejection[] {
  const fromServer: Rejection[] = server.map((r) => ({
    line: r.line,
    externalId: r.externalId,
    stage: 'server',
    codes: [r.code],
    reasons: [r.detail],
  }));
  return [...plan.rejections, ...fromServer].sort(
    (a, b) => a.line - b.line || a.externalId.localeCompare(b.externalId),
  );
}

/**
 * The rejected rows as CSV (UTF-8 with a BOM, so Excel opens it as such): where and why, then
 * the row as it was in the file, to fix and sync again. Written whole and renamed into place.
 */
export function writeReport(
  path: string,
  plan: Plan<SyncStream>,
  rejections: readonly Rejection[],
): void {
  const lines = [
    ['line', 'external_id', 'stage', 'codes', 'reasons', ...plan.headers],
    ...rejections.map((r) => [
      String(r.line),
      r.externalId,
      r.stage,
      r.codes.join('; '),
      r.reasons.join('; '),
      ...(plan.cells.get(r.line) ?? []),
    ]),
  ];
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, `\ufeff${lines.map((cells) => cells.map(csvField).join(',')).join('\r\n')}\r\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/**
 * A cell a spreadsheet would run as a formula (OWASP "CSV injection": the row's cells are a
 * coop's data, a member's name among them) gets a leading `'`; the table readers drop it
 * again, so a row fixed in the report syncs as the file had it.
 */
function csvField(cell: string): string {
  const value = guardFormula(cell);
  return /[",\r\n;]/.test(value) || /^\s|\s$/.test(value)
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}
