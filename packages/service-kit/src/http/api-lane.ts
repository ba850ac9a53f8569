import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Express, Router } from 'express';
import type { Logger } from 'pino';
import { routeMatcher, type DispatchEntry, type RouteMatch } from './dispatch';
import type { KitRequest } from './kit-request';
import { errorAsResponse, send } from './respond';

/** A middleware the lane runs before the route, as the service's router would. */
export type LaneMiddleware = (req: KitRequest, res: ServerResponse, next: () => void) => void;

/**
 * One service's API routes, answered without Express. Express's app and router cost the event
 * loop about 0.1 ms per request on a 2-core machine (its per-request prototype swap of the
 * request and response, the router's stack of layers, parseurl), a sixth of a savings
 * deposit's: see docs/performance.md. The lane runs the same middleware and the same
 * pipeline, so a request answers exactly as through the router.
 */
export interface ApiLane {
  /**
   * Answers the request when it is one of the service's routes and needs nothing of Express:
   * true, and it is answered. Otherwise false, having done nothing: HEAD and conditional reads
   * (Express's `res.send` answers 304s and bodiless HEADs), paths no route has (404, 405,
   * OPTIONS), a path parameter that does not decode, a URL with a fragment or whitespace (see
   * REPARSED), the OpenAPI document.
   */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
}

export function apiLane(
  prefix: string,
  entries: readonly DispatchEntry[],
  middleware: readonly LaneMiddleware[],
  logger: Logger,
): ApiLane {
  const match = routeMatcher(
    entries.map((entry) => ({ ...entry, path: `${prefix}${entry.path}` })),
  );
  const under = `${prefix}/`;
  return {
    serve(req, res) {
      const url = req.url;
      const method = req.method;
      if (url === undefined || method === undefined || !url.startsWith(under)) return false;
      if (method === 'HEAD' || (method === 'GET' && isConditional(req))) return false;
      if (REPARSED.test(url)) return false;
      const q = url.indexOf('?');
      let found: RouteMatch | undefined;
      try {
        found = match(method, q === -1 ? url : url.slice(0, q));
      } catch {
        // A malformed escape in a path parameter: Express's router answers it (a 400).
        return false;
      }
      if (found === undefined) return false;
      const request = req as KitRequest;
      // Under a parent app mounted at a path, Express has kept the URL as received here and
      // stripped the mount path from `url`.
      request.originalUrl ??= url;
      request.params = found.params;
      // As Express's default ("simple") query parser: Node's querystring, null-prototype object.
      // Defined, not assigned: under a parent Express app the request already has Express's
      // prototype, whose `query` is a getter alone.
      Object.defineProperty(request, 'query', {
        value: parseQuery(q === -1 ? '' : url.slice(q + 1)),
        writable: true,
        enumerable: true,
        configurable: true,
      });
      const handler = found.entry.handler;
      const fail = (error: unknown) => {
        if (res.headersSent) res.destroy();
        else send(res, errorAsResponse(request, res, error, { hadIfMatch: false, logger }));
      };
      const run = (index: number): void => {
        const next = middleware[index];
        if (next) next(request, res, () => run(index + 1));
        else handler(request, res).catch(fail);
      };
      try {
        run(0);
      } catch (error) {
        fail(error);
      }
      return true;
    },
  };
}

/**
 * The characters after which Express's URL parser (parseurl) gives up its fast path and
 * re-parses the URL with Node's url.parse, which drops a fragment (`#`) from the path and the
 * query, trims and escapes: the path and query Express's router sees are then not the text
 * either side of the `?`. Such URLs are rare, so the lane leaves them to Express.
 */
const REPARSED = /[\t\n\f\r #\u00a0\ufeff]/;

function isConditional(req: IncomingMessage): boolean {
  return (
    req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined
  );
}

type Handle = (
  req: IncomingMessage,
  res: ServerResponse,
  callback?: (error?: unknown) => void,
) => void;

/**
 * Mounts services in an app: each one's router (everything the lane leaves to Express), and,
 * in front of Express's own request handling, their API lanes. `app.handle` is what the app
 * function, `app.listen`'s server and supertest all call, so every way in takes the lanes.
 * Middleware the app uses (`app.use`) therefore does not run for a lane's requests, and the
 * lane ignores the app's settings (it parses queries as Express's default does).
 */
export function mountServices(
  app: Express,
  services: readonly { router: Router; lane: ApiLane }[],
): void {
  for (const service of services) app.use(service.router);
  const lanes = services.map((service) => service.lane);
  const withHandle = app as unknown as { handle: Handle };
  const expressHandle = withHandle.handle.bind(app);
  withHandle.handle = (req, res, callback) => {
    for (const lane of lanes) if (lane.serve(req, res)) return;
    expressHandle(req, res, callback);
  };
}
