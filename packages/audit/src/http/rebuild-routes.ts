import { z } from 'zod';
import { notFound } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import type { ProjectionCheck } from '../rebuild/rebuild-check';
import type { RebuildJob, RebuildJobs } from '../rebuild/rebuild-jobs';

const AUDITORS = { roles: ['auditor', 'admin'], coopScope: 'federation' } as const;
const BASE = '/api/audit/v1';

const Position = z.number().int().min(0);
const Digest = z.string().regex(/^[0-9a-f]{64}$/);

const ProjectionCheckView = z.strictObject({
  store: z.string(),
  projection: z.string(),
  verdict: z
    .enum(['EQUAL', 'DIFFERS', 'ERROR'])
    .describe('EQUAL: the live state is the rebuilt one; ERROR: it could not be compared'),
  position: Position.nullable().describe('the log position both states were compared at'),
  tables: z.array(z.string()),
  rows: Position,
  liveDigest: Digest.nullable(),
  rebuiltDigest: Digest.nullable(),
  error: z.string().nullable(),
});

const RebuildCheckView = z.strictObject({
  checkId: z.uuid(),
  status: z.enum(['running', 'done', 'failed']),
  requestedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  /** Null until the check is done. */
  equal: z.boolean().nullable().describe('every projection EQUAL; null until done'),
  projections: z.array(ProjectionCheckView),
  absent: z.array(z.string()).describe('stores this node does not keep: nothing to check there'),
  error: z.string().nullable().describe('why the check could not run at all'),
});
type RebuildCheckView = z.output<typeof RebuildCheckView>;

const verdictOf = (check: ProjectionCheck) =>
  check.error !== null ? 'ERROR' : check.identical ? 'EQUAL' : 'DIFFERS';

function view(job: RebuildJob): RebuildCheckView {
  const result = job.result;
  return {
    checkId: job.checkId,
    status: job.status,
    requestedAt: job.requestedAt,
    finishedAt: job.finishedAt,
    equal: result ? result.identical : null,
    projections: (result?.projections ?? []).map((check) => ({
      store: check.store,
      projection: check.projection,
      verdict: verdictOf(check),
      position: check.position,
      tables: [...check.tables],
      rows: check.rows,
      liveDigest: check.liveDigest,
      rebuiltDigest: check.rebuiltDigest,
      error: check.error,
    })),
    absent: result?.absent ?? [],
    error: job.error,
  };
}

/**
 * `kopfed audit rebuild-check` for auditors over HTTP, as a job: a POST starts it (202, with
 * the Location to follow), a GET reads its status and, once done, every projection's verdict.
 * It works on a snapshot copy of the data directory, so the node's live read models are
 * only read.
 */
export function rebuildRoutes(jobs: RebuildJobs): Route[] {
  const location = (checkId: string) => `${BASE}/rebuild-checks/${checkId}`;
  return [
    defineRoute({
      method: 'POST',
      path: '/rebuild-checks',
      operationId: 'startRebuildCheck',
      summary:
        'Rebuild every projection from the log on a snapshot copy and compare it with its live state',
      description:
        'Starts `kopfed audit rebuild-check` over a consistent copy of the node’s data directory: each projection is brought to the head of the copied log as it runs live and hashed, then rebuilt from the whole log and hashed again, both at the same log position. The node’s own read models are never written. Answers 202 with the check’s Location; while a check runs, asking again answers the running one.',
      responses: { 202: RebuildCheckView },
      // Reads the books and changes nothing: an auditor may start it.
      policy: { ...AUDITORS, access: 'read' },
      handler: async () => {
        const { job } = jobs.start();
        return { status: 202, body: view(job), location: location(job.checkId) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/rebuild-checks/{checkId}',
      operationId: 'getRebuildCheck',
      summary: 'A rebuild check: running, or each projection EQUAL or DIFFERS from its rebuild',
      description:
        'A projection whose live state differs from its rebuild is a result (verdict DIFFERS, `equal` false), never an error. Checks are kept in memory: 404 for one this node does not know (or forgot after a restart).',
      request: { params: z.strictObject({ checkId: z.uuid() }) },
      responses: { 200: RebuildCheckView },
      policy: AUDITORS,
      handler: async ({ params }) => {
        const job = jobs.get(params.checkId);
        if (!job) throw notFound('rebuild-check-not-found', `No rebuild check ${params.checkId}.`);
        return { status: 200, body: view(job) };
      },
    }),
  ];
}
