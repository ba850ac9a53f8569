import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import { KIT_PROBLEMS } from '../problem/problem';
import { mountServices } from './api-lane';
import { createBaseApp, notFoundHandler, problemErrorHandler } from './fallbacks';
import { problemAsResponse, send } from './respond';
import { createServiceRouter, type ServiceDefinition, type ServiceKitDeps } from './service-router';

/**
 * A service on its own: its routes under `/api/<service>/v1`, its OpenAPI document at
 * `/api/<service>/openapi.json`, `/health/live`, `/health/ready`, and problem details for
 * everything else. No listen: tests and the node use the app directly.
 */
export function createServiceApp(definition: ServiceDefinition, deps: ServiceKitDeps): Express {
  const service = createServiceRouter(definition, deps);
  const app = createBaseApp();
  mountHealth(app, [service.ready], deps.logger);
  mountServices(app, [service]);
  app.use(notFoundHandler());
  app.use(problemErrorHandler(deps.logger));
  return app;
}

/** A load balancer or client asks again this many seconds after a not-ready answer. */
const NOT_READY_RETRY_AFTER_SECONDS = 5;

/** Liveness: the process answers. Readiness: every check passes (stores answer, projections caught up). */
export function mountHealth(
  app: Express,
  checks: readonly (() => Promise<boolean>)[],
  logger: Logger,
): void {
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'live' });
  });
  app.get('/health/ready', async (req: Request, res: Response) => {
    const ready = await Promise.all(checks.map((check) => check())).then(
      (results) => results.every(Boolean),
      (error: unknown) => {
        logger.warn({ err: error }, 'readiness check failed');
        return false;
      },
    );
    if (ready) {
      res.json({ status: 'ready' });
      return;
    }
    const { title, status } = KIT_PROBLEMS.unavailable;
    send(
      res,
      problemAsResponse(req, res, {
        code: 'unavailable',
        title,
        status,
        detail: 'Not ready yet.',
        headers: { 'Retry-After': String(NOT_READY_RETRY_AFTER_SECONDS) },
      }),
    );
  });
}
