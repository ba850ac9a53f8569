import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { notFound, rejected } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { parseAsOf, type ReplayAsOf } from '../replay/as-of';
import { auditPackage, BOOKS_STORE } from '../replay/audit-package';
import { booksJson } from '../replay/books-files';
import { replayBooks } from '../replay/replay-books';
import { openReadOnly } from '../verify/store-files';
import type { AuditContext } from './audit-context';

const AUDITORS = {
  roles: ['auditor', 'admin'] as const,
  coopScope: { pathParam: 'coopId' },
};
const CoopParams = z.strictObject({ coopId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const AsOfText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z)?$/)
  .describe('a business date YYYY-MM-DD (Asia/Jakarta) or a UTC instant');

const Statement = z.record(z.string(), z.unknown());
const ReplayView = z.object({
  format: z.string(),
  store: z.string(),
  asOf: z.object({ kind: z.enum(['business-date', 'instant']) }).loose(),
  throughPosition: z.number().int(),
  eventsRead: z.number().int(),
  checkpoint: z
    .object({
      sequence: z.number().int(),
      lastPosition: z.number().int(),
      merkleRoot: z.string(),
      signedAt: z.string(),
      keyId: z.string(),
    })
    .nullable(),
  coops: z.array(
    z.object({
      coopId: z.string(),
      entries: z.number().int(),
      closedThrough: z.string().nullable(),
      trialBalance: Statement,
      balanceSheet: Statement,
      shuStatement: Statement,
    }),
  ),
});
const AuditPackageView = z.object({
  manifest: Statement,
  files: z.array(z.object({ name: z.string(), content: z.string() })),
});

/** As JSON carries it: amounts as decimal strings (the same text `kopfed audit replay --json` prints). */
const asJson = (value: unknown): unknown => JSON.parse(booksJson(value));

function asOfOf(text: string): ReplayAsOf {
  try {
    return parseAsOf(text);
  } catch (error) {
    throw rejected('as-of-invalid', (error as Error).message, undefined, { parameter: 'asOf' });
  }
}

/**
 * The auditor's `kopfed audit replay` and `export` over HTTP: the books rebuilt from the
 * ledger events alone, read on a read-only connection of their own.
 */
export function booksRoutes(ctx: AuditContext): Route[] {
  const booksFile = () => {
    const file = join(ctx.dataDir, `${BOOKS_STORE}.db`);
    if (!existsSync(file)) throw notFound('books-not-found', 'This node keeps no books.');
    return file;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/books/replay',
      operationId: 'replayBooks',
      summary:
        'Rebuild a coop’s books from the events alone: trial balance, balance sheet and SHU statement as of a business date or an instant',
      request: { params: CoopParams, query: z.strictObject({ asOf: AsOfText }) },
      responses: { 200: ReplayView },
      policy: AUDITORS,
      handler: async ({ params, query }) => {
        const asOf = asOfOf(query.asOf);
        const db = openReadOnly(booksFile());
        try {
          const replay = await replayBooks(db, BOOKS_STORE, { asOf, coopId: params.coopId });
          if (replay.coops.length === 0)
            throw notFound('books-not-found', `Coop ${params.coopId} has no books here.`);
          return { status: 200, body: asJson(replay) as z.infer<typeof ReplayView> };
        } finally {
          db.close();
        }
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/audit-package',
      operationId: 'exportAuditPackage',
      summary:
        'A coop’s audit package for a financial year: journal, trial balance, statements (CSV and JSON), checkpoints and their signatures, manifest',
      request: {
        params: CoopParams,
        query: z.strictObject({ year: z.coerce.number().int().min(1900).max(9999) }),
      },
      responses: { 200: AuditPackageView },
      policy: AUDITORS,
      handler: async ({ params, query }) => {
        const { files } = await auditPackage(ctx.dataDir, {
          coopId: params.coopId,
          year: query.year,
        });
        return {
          status: 200,
          body: {
            manifest: JSON.parse(files.get('manifest.json')!) as Record<string, unknown>,
            files: [...files].map(([name, content]) => ({ name, content })),
          },
        };
      },
    }),
  ];
}
