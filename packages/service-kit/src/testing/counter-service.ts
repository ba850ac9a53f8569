import { notFound, rejected, type Decider, type DomainEvent } from '@kopfed/domain';
import { handleCommand, loadAggregate, type EventStore } from '@kopfed/eventstore';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route';
import type { ServiceDefinition } from '../http/service-router';

/**
 * A tiny coop-scoped aggregate served through the kit, for the kit's own tests and the
 * security suite's self-test: what a real service route looks like, minus the domain.
 */
type Incremented = DomainEvent<'CounterIncremented', { by: number }>;
type Increment = { type: 'Increment'; by: number; max: number };

export const counterDecider: Decider<number, Increment, Incremented> = {
  initialState: () => 0,
  evolve: (state, event) => state + event.data.by,
  decide: (command, state) => {
    if (state + command.by > command.max) {
      throw rejected('counter-limit', `The counter may not pass ${command.max}.`, '/by', {
        max: command.max,
      });
    }
    return [{ type: 'CounterIncremented', data: { by: command.by } }];
  },
};

const Params = z.strictObject({
  coopId: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/),
  counterId: z
    .string()
    .max(64)
    .regex(/^[a-z0-9-]+$/),
});
const Counter = z.object({ counterId: z.string(), value: z.number().int() });

export const COUNTER_LIMIT = 1_000;

export function counterRoutes(store: EventStore): Route[] {
  const stream = (p: z.infer<typeof Params>) => `counter-${p.coopId}.${p.counterId}`;
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/counters/{counterId}/increments',
      operationId: 'incrementCounter',
      summary: 'Add to a coop’s counter',
      request: {
        params: Params,
        body: z.strictObject({
          by: z.number().int().min(1).max(100),
          note: z.string().max(50).optional(),
        }),
      },
      responses: { 200: Counter },
      policy: { roles: ['coop', 'treasurer', 'admin'], coopScope: { pathParam: 'coopId' } },
      ifMatch: true,
      handler: async ({ params, body }, ctx) => {
        const result = await handleCommand(store, {
          stream: stream(params),
          decider: counterDecider,
          command: { type: 'Increment', by: body.by, max: COUNTER_LIMIT },
          ...(ctx.expectedRevision === undefined ? {} : { expectedRevision: ctx.expectedRevision }),
          metadata: ctx.metadata,
        });
        return {
          status: 200,
          body: { counterId: params.counterId, value: result.state },
          ...(result.revision === undefined ? {} : { etag: result.revision }),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/counters/{counterId}',
      operationId: 'getCounter',
      summary: 'A coop’s counter',
      request: { params: Params },
      responses: { 200: Counter },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      ifMatch: true,
      handler: async ({ params }) => {
        const { state, revision } = await loadAggregate(
          store,
          stream(params),
          counterDecider,
          (e) => e as unknown as Incremented,
        );
        if (revision === undefined) throw notFound('counter-not-found', 'No such counter.');
        return { status: 200, body: { counterId: params.counterId, value: state }, etag: revision };
      },
    }),
  ];
}

export function counterService(store: EventStore, extra: readonly Route[] = []): ServiceDefinition {
  return {
    service: 'counter',
    version: 'v1',
    title: 'counter (test service)',
    routes: [...counterRoutes(store), ...extra],
  };
}
