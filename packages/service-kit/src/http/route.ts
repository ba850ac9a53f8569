import type { Logger } from 'pino';
import type { z } from 'zod';
import type { EventMetadata } from '@kopfed/eventstore';
import type { RoutePolicy } from '../auth/policy';
import type { Principal } from '../auth/principal';
import type { IfMatch } from './etag';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Path and query schemas must be strict objects, so an unknown parameter is a 400. */
export interface RouteRequestSchemas {
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Lower-case header names; other headers pass through untouched. */
  headers?: z.ZodObject;
  body?: z.ZodType;
}

/** A response: its body schema, or a description with an optional body (204 has none). */
export type ResponseSpec = z.ZodType | { description: string; body?: z.ZodType };
export type RouteResponses = Record<number, ResponseSpec>;

type Parsed<Req, K extends string, Otherwise> = Req extends { [P in K]: infer S extends z.ZodType }
  ? z.output<S>
  : Otherwise;

/** What a handler receives: every part already validated. */
export interface RouteInput<Req extends RouteRequestSchemas = RouteRequestSchemas> {
  params: Parsed<Req, 'params', Record<string, never>>;
  query: Parsed<Req, 'query', Record<string, never>>;
  headers: Parsed<Req, 'headers', Record<string, never>>;
  body: Parsed<Req, 'body', undefined>;
}

/** Handlers return the wire form: what the response schema accepts as input. */
type WireBody<Spec> = Spec extends z.ZodType
  ? z.input<Spec>
  : Spec extends { body: infer B extends z.ZodType }
    ? z.input<B>
    : undefined;

interface ResultExtras {
  /** The aggregate's stream revision: sent as the `ETag` header. */
  etag?: number;
  /** Sent as the `Location` header (a created resource). */
  location?: string;
}

export type RouteResult<Res extends RouteResponses = RouteResponses> = {
  [S in keyof Res]: { status: S } & ResultExtras &
    (WireBody<Res[S]> extends undefined ? { body?: undefined } : { body: WireBody<Res[S]> });
}[keyof Res];

export interface RequestContext {
  requestId: string;
  /** From `X-Correlation-Id`, else the request id: ties together everything one request causes. */
  correlationId: string;
  /** W3C trace context of this request's server span (continuing the caller's trace). */
  traceparent?: string;
  logger: Logger;
  ifMatch: IfMatch;
  /** The revision in `If-Match`: pass it to handleCommand as expectedRevision. */
  expectedRevision: number | undefined;
  /** Present on writes that sent `Idempotency-Key`; the kit has already made them idempotent. */
  idempotencyKey: string | undefined;
  /**
   * Metadata for the events this request appends: correlation, causation (the request id),
   * actor (the key id), coop (the scope coop) and trace.
   */
  metadata: EventMetadata;
}

export interface AuthenticatedContext extends RequestContext {
  principal: Principal;
  /** Whether the caller may see this coop's data: filter federation-wide lists with it. */
  reaches(coopId: string): boolean;
}

export type ContextFor<Policy extends RoutePolicy> = Policy extends 'public'
  ? RequestContext
  : AuthenticatedContext;

export interface RouteDefinition<
  Req extends RouteRequestSchemas,
  Res extends RouteResponses,
  Policy extends RoutePolicy,
> {
  method: HttpMethod;
  /** Relative to `/api/<service>/v1`, with `{name}` path parameters: `/coops/{coopId}/members`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: readonly string[];
  request?: Req;
  responses: Res;
  policy: Policy;
  /**
   * The handler honours If-Match (passes ctx.expectedRevision to handleCommand) and returns
   * the ETag. Elsewhere an entity tag in If-Match can never match, so it is a 412.
   */
  ifMatch?: boolean;
  /**
   * Top-level body fields the idempotency record does not keep, so a replay omits them: a
   * secret shown once is never stored in plain text. Their schemas must be optional.
   */
  omitOnReplay?: readonly string[];
  handler: (input: RouteInput<Req>, ctx: ContextFor<Policy>) => Promise<NoInfer<RouteResult<Res>>>;
}

/** A route with its types erased, as the kit stores and mounts it. */
export interface Route {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: readonly string[];
  request?: RouteRequestSchemas;
  responses: RouteResponses;
  policy: RoutePolicy;
  /**
   * The handler honours If-Match (passes ctx.expectedRevision to handleCommand) and returns
   * the ETag. Elsewhere an entity tag in If-Match can never match, so it is a 412.
   */
  ifMatch?: boolean;
  omitOnReplay?: readonly string[];
  handler: (
    input: RouteInput,
    ctx: AuthenticatedContext | RequestContext,
  ) => Promise<{ status: number; body?: unknown } & ResultExtras>;
}

/** Declares a route; the handler is typed from its schemas, responses and policy. */
export function defineRoute<
  const Req extends RouteRequestSchemas,
  const Res extends RouteResponses,
  const Policy extends RoutePolicy,
>(definition: RouteDefinition<Req, Res, Policy>): Route {
  // Handlers are contravariant in their input; the kit validates input against these very
  // schemas before calling, so erasing the types here is sound.
  return definition as unknown as Route;
}

export function responseBodySchema(spec: ResponseSpec | undefined): z.ZodType | undefined {
  if (spec === undefined) return undefined;
  return 'safeParse' in spec ? spec : spec.body;
}
