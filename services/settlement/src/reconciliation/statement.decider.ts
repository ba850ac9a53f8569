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

export const statementStream = (parentCoopId: string, statementId: string): string =>
  `statement-${parentCoopId}-${statementId}`;

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
