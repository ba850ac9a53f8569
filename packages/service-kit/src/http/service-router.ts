import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { EventStore } from '@kopfed/eventstore';
import { httpTracing } from '@kopfed/tracing';
import type { Authenticator } from '../auth/authenticator';
import type { CoopDirectory } from '../auth/coop-directory';
import { IdempotencyGuard, type IdempotencyOptions } from '../idempotency/idempotency-guard';
import { openObjects } from '../openapi/closed-schemas';
import {
  basePath,
  buildOpenApiDocument,
  type OpenAPIObject,
  type ServiceDescription,
} from '../openapi/document';
import { KIT_PROBLEMS } from '../problem/problem';
import {
  DEFAULT_RATE_LIMIT,
  TokenBucketLimiter,
  type RateLimiter,
} from '../rate-limit/token-bucket';
import { apiLane, type ApiLane, type LaneMiddleware } from './api-lane';
import { routeDispatcher, type DispatchEntry } from './dispatch';
import { accessLog, problemErrorHandler } from './fallbacks';
import { refuseNonUnicodeCharset } from './json-body';
import { routeHandler, type RouteEnvironment } from './pipeline';
import { JSON_TYPES } from './request-input';
import { requestNotes } from './request-context';
import { problemAsResponse, send } from './respond';
import type { HttpMethod, Route } from './route';
import { assertRouteTable, pathMatcher } from './route-table';

export interface ServiceDefinition extends ServiceDescription {
  /** Readiness beyond the store answering, e.g. projections caught up. */
  ready?: () => Promise<boolean>;
}

export interface ServiceKitDeps {
  authenticate: Authenticator;
  coopDirectory: CoopDirectory;
  /** The service's own store; its idempotency records live there too. */
  store: EventStore;
  logger: Logger;
  /** Shared across services in one process, so a credential has one budget. */
  rateLimiter?: RateLimiter;
  idempotency?: Omit<IdempotencyOptions, 'store' | 'logger'>;
  /** Largest JSON body accepted; 1 MiB unless a service needs bulk. */
  bodyLimitBytes?: number;
}

export interface ServiceHttp {
  service: string;
  /** Serves `/api/<service>/…` and lets every other path through. */
  router: Router;
  /** The routes' way in ahead of Express (see api-lane.ts); mount both with mountServices. */
  lane: ApiLane;
  /** The OpenAPI document, built on first use (it costs most of a service's start-up). */
  openapi: () => OpenAPIObject;
  ready: () => Promise<boolean>;
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** Names the URL prefix and the store file: lower-case, short, nothing to escape. */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The service's routes, its OpenAPI document and its 404/405 answers, under one prefix. */
export function createServiceRouter(
  definition: ServiceDefinition,
  deps: ServiceKitDeps,
): ServiceHttp {
  if (!SERVICE_NAME.test(definition.service)) {
    throw new Error(`service name ${definition.service} must match ${String(SERVICE_NAME)}`);
  }
  assertRouteTable(definition.routes);
  assertClosedBodies(definition.routes);
  let document: OpenAPIObject | undefined;
  const openapi = (): OpenAPIObject => (document ??= buildOpenApiDocument(definition));
  const logger = deps.logger.child({ service: definition.service });
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const env: RouteEnvironment = {
    authenticate: deps.authenticate,
    coopDirectory: deps.coopDirectory,
    rateLimiter: deps.rateLimiter ?? new TokenBucketLimiter(DEFAULT_RATE_LIMIT),
    idempotency: new IdempotencyGuard({ ...deps.idempotency, store: deps.store, logger }),
    logger,
    // Reads the text of the bodies plainJsonLength does not take (compressed, chunked, another
    // JSON type or charset); readJsonBody parses it. The same types readJsonBody admits: with
    // the parser's default an application/*+json body was admitted, then silently left unread.
    jsonBody: express.text({
      limit: bodyLimitBytes,
      type: JSON_TYPES,
      defaultCharset: 'utf-8',
      verify: refuseNonUnicodeCharset,
    }),
    bodyLimitBytes,
  };
  const prefix = `/api/${definition.service}`;
  // Routes live in a router of their own under the prefix: a node mounts several services one
  // after another, and a request for another service then costs one prefix test here, not one
  // path match per route.
  const version = basePath(definition).slice(prefix.length);
  const entries: DispatchEntry[] = definition.routes.map((route) => ({
    method: route.method,
    path: `${version}${route.path}`,
    handler: routeHandler(route, env),
  }));
  const middleware: LaneMiddleware[] = [accessLog(logger), httpTracing(definition.service)];
  const routes = express.Router({ caseSensitive: true });
  routes.use(...middleware);
  routes.get('/openapi.json', (req, res) => {
    requestNotes(req, res).route = 'GET /openapi.json';
    res.json(openapi());
  });
  routes.use(routeDispatcher(entries));
  const table = definition.routes.map((route) => ({
    method: route.method,
    matcher: pathMatcher(`${basePath(definition)}${route.path}`),
  }));
  routes.use((req, res) => unmatched(req, res, table));
  routes.use(problemErrorHandler(logger));
  const router = express.Router({ caseSensitive: true });
  router.use(prefix, routes);
  return {
    service: definition.service,
    router,
    lane: apiLane(prefix, entries, middleware, logger),
    openapi,
    ready: async () => {
      await deps.store.headPosition();
      return definition.ready ? definition.ready() : true;
    },
  };
}

/** Under the service's prefix, a path no route has is 404; a known path, wrong method, 405. */
function unmatched(
  req: Request,
  res: Response,
  table: readonly { method: HttpMethod; matcher: RegExp }[],
): void {
  requestNotes(req, res);
  // Under the prefix's router req.path is relative to the prefix.
  const path = `${req.baseUrl}${req.path}`;
  const methods = table.filter((entry) => entry.matcher.test(path)).map((entry) => entry.method);
  if (methods.length === 0) {
    const { title, status } = KIT_PROBLEMS['not-found'];
    send(
      res,
      problemAsResponse(req, res, {
        code: 'not-found',
        title,
        status,
        detail: `No resource at ${path}.`,
      }),
    );
    return;
  }
  const allow = [...new Set(methods.includes('GET') ? [...methods, 'HEAD'] : methods)].join(', ');
  if (req.method === 'OPTIONS') {
    res.status(204).setHeader('Allow', allow).end();
    return;
  }
  const { title, status } = KIT_PROBLEMS['method-not-allowed'];
  send(
    res,
    problemAsResponse(req, res, {
      code: 'method-not-allowed',
      title,
      status,
      detail: `${req.method} is not allowed here; allowed: ${allow}.`,
      headers: { Allow: allow },
    }),
  );
}

/**
 * Every request body object is strict, nested ones too, so an unknown field is a 400 rather
 * than silently dropped. Checked on each body's own JSON Schema: the service's whole OpenAPI
 * document is built only when first asked for, as it costs most of a service's start-up.
 */
function assertClosedBodies(routes: readonly Route[]): void {
  for (const route of routes) {
    const body = route.request?.body;
    if (!body) continue;
    const schema = z.toJSONSchema(body, { io: 'input', unrepresentable: 'any' });
    const open = openObjects(schema, schema);
    if (open.length > 0) {
      throw new Error(
        `${route.method} ${route.path}: request body objects must be strict (z.strictObject); open at ${open.join(', ')}`,
      );
    }
  }
}
