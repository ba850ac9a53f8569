import { conflict, type DomainEvent } from '@kopfed/domain';
import type { StatementLine } from './statement-line';

export type BankStatementImported = DomainEvent<
  'BankStatementImported',
  {
    parentCoopId: string;
    statementId: string;
    format: 'csv' | 'mt940';
    currency: string;
    /** SHA-256 of the content and layout: the same import again changes nothing. */
    fingerprint: string;
    lines: StatementLine[];
    importedAt: string;
  }
>;

/**
 * Entity ids never contain ':' (contracts/src/ids.ts), so no two parents' statements share a
 * stream. The category stays `statement`, the part before the first '-'.
 */
export const statementStream = (parentCoopId: string, statementId: string): string =>
  `statement-${parentCoopId}:${statementId}`;

/**
 * Where statements were imported before: `statement-p-x-1` could be parent `p`'s statement
 * `x-1` or parent `p-x`'s statement `1`, so only the event's own data says whose it is.
 */
export const legacyStatementStream = (parentCoopId: string, statementId: string): string =>
  `statement-${parentCoopId}-${statementId}`;

/** Whether an imported statement is `statementId` of `parentCoopId`, and not another's. */
export const isStatementOf = (
  event: BankStatementImported,
  parentCoopId: string,
  statementId: string,
): boolean => event.data.parentCoopId === parentCoopId && event.data.statementId === statementId;

/** A statement id is imported once; the same content again is a replay, other content a 409. */
export function decideImport(
  existing: BankStatementImported | undefined,
  command: Omit<BankStatementImported['data'], 'importedAt'> & { now: string },
): BankStatementImported[] {
  if (existing) {
    if (existing.data.fingerprint === command.fingerprint) return [];
    throw conflict(
      'statement-id-conflict',
      `Statement ${command.statementId} was imported with other content.`,
      {
        statementId: command.statementId,
      },
    );
  }
  const { now, ...data } = command;
  return [{ type: 'BankStatementImported', data: { ...data, importedAt: now } }];
}
