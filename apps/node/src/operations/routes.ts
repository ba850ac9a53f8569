import { z } from 'zod';
import { defineRoute, type Route, type ServiceDefinition } from '@kopfed/service-kit';
import { DEAD_LETTER_STATUSES } from './dead-letter-box';
import type { DeadLetters } from './dead-letters';

const ADMIN = { roles: ['admin'], coopScope: 'federation' } as const;
const Instant = z.iso.datetime({ offset: true });
const Id = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const Name = z.string().min(1).max(200);

const DeadLetterSchema = z
  .object({
    id: z.number().int(),
    topic: z.string().meta({ description: 'The topic it was published on.' }),
    group: z
      .string()
      .meta({ description: 'The consumer group that failed it; a replay goes to it alone.' }),
    key: z.string(),
    value: z.string().meta({ description: 'The message: a CloudEvents envelope as JSON text.' }),
    headers: z.record(z.string(), z.string()),
    error: z.string().meta({ description: 'What the last attempt threw.' }),
    attempts: z.number().int(),
    deadAt: Instant,
    status: z.enum(DEAD_LETTER_STATUSES),
    replays: z.number().int(),
    lastReplayAt: Instant.nullable(),
    lastReplayError: z.string().nullable(),
    settledAt: Instant.nullable(),
    settledBy: z
      .string()
      .nullable()
      .meta({ description: 'The key id that replayed or discarded it.' }),
    reason: z.string().nullable().meta({ description: 'Why it was discarded.' }),
  })
  .meta({ id: 'DeadLetter' });

const DeadLetterPage = z
  .object({ items: z.array(DeadLetterSchema), nextCursor: z.number().int().nullable() })
  .meta({ id: 'DeadLetterPage' });

const ListQuery = z.strictObject({
  status: z
    .enum(DEAD_LETTER_STATUSES)
    .optional()
    .meta({ description: 'Every status when absent.' }),
  topic: Name.optional(),
  group: Name.optional(),
  after: Id.optional().meta({ description: 'The nextCursor of the previous page.' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const Params = z.strictObject({ deadLetterId: Id });

const DiscardRequest = z
  .strictObject({ reason: z.string().trim().min(1).max(500) })
  .meta({ id: 'DiscardDeadLetterRequest' });

/** The node's operations API: what an operator watches and repairs, admins only. */
export function operationsService(deadLetters: DeadLetters): ServiceDefinition {
  return {
    service: 'operations',
    version: 'v1',
    title: 'kopfed operations',
    description:
      'Dead letters: messages a consumer group could not handle after every retry, each an effect that did not happen until it is replayed.',
    routes: operationsRoutes(deadLetters),
    ready: async () => true,
  };
}

function operationsRoutes(deadLetters: DeadLetters): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/dead-letters',
      operationId: 'listDeadLetters',
      summary: 'List dead letters, oldest first; `status=waiting` for those still to replay',
      tags: ['dead-letters'],
      request: { query: ListQuery },
      responses: { 200: DeadLetterPage },
      policy: ADMIN,
      handler: async ({ query }) => {
        const page = deadLetters.list({
          limit: query.limit + 1,
          ...(query.status ? { status: query.status } : {}),
          ...(query.topic ? { topic: query.topic } : {}),
          ...(query.group ? { group: query.group } : {}),
          ...(query.after ? { after: query.after } : {}),
        });
        const items = page.slice(0, query.limit);
        const nextCursor = page.length > query.limit ? (items.at(-1)?.id ?? null) : null;
        return { status: 200, body: { items, nextCursor } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/dead-letters/{deadLetterId}',
      operationId: 'getDeadLetter',
      summary: 'One dead letter',
      tags: ['dead-letters'],
      request: { params: Params },
      responses: { 200: DeadLetterSchema },
      policy: ADMIN,
      handler: async ({ params }) => ({ status: 200, body: deadLetters.get(params.deadLetterId) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/dead-letters/{deadLetterId}/replay',
      operationId: 'replayDeadLetter',
      summary:
        'Hand a waiting dead letter to its consumer group again; `status` says whether it was handled (replayed) or failed again (waiting, with lastReplayError)',
      tags: ['dead-letters'],
      request: { params: Params },
      responses: { 200: DeadLetterSchema },
      policy: ADMIN,
      handler: async ({ params }, ctx) => ({
        status: 200,
        body: await deadLetters.replay(params.deadLetterId, ctx.principal.keyId),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/dead-letters/{deadLetterId}/discard',
      operationId: 'discardDeadLetter',
      summary: 'Settle a waiting dead letter without replaying it, saying why',
      tags: ['dead-letters'],
      request: { params: Params, body: DiscardRequest },
      responses: { 200: DeadLetterSchema },
      policy: ADMIN,
      handler: async ({ params, body }, ctx) => ({
        status: 200,
        body: deadLetters.discard(params.deadLetterId, ctx.principal.keyId, body.reason),
      }),
    }),
  ];
}
