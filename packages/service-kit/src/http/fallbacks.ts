import type { ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { KIT_PROBLEMS } from '../problem/problem';
import type { KitRequest } from './kit-request';
import { requestNotes } from './request-context';
import { errorAsResponse, problemAsResponse, send } from './respond';

/**
 * An Express app with the kit's defaults: no `X-Powered-By`, no automatic ETags (ours are
 * revisions, set by handlers), and a request id on every response.
 */
export function createBaseApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    requestNotes(req, res);
    next();
  });
  return app;
}

/** One line per request: id, route template, status, time, credential — never bodies or headers. */
export function accessLog(
  logger: Logger,
): (req: KitRequest, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    // Checked per request, as a logger's level may change while the process runs.
    if (!logger.isLevelEnabled('info')) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const { requestId, route, keyId } = requestNotes(req, res);
      logger.info(
        {
          requestId,
          method: req.method,
          route: route ?? '(unmatched)',
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          ...(keyId ? { keyId } : {}),
        },
        'request',
      );
    });
    next();
  };
}

/** The last handler of an app: whatever no router answered is a 404 problem. */
export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    const { title, status } = KIT_PROBLEMS['not-found'];
    send(
      res,
      problemAsResponse(req, res, {
        code: 'not-found',
        title,
        status,
        detail: `No resource at ${req.path}.`,
      }),
    );
  };
}

/** Errors that escape a handler (bad path encoding, for one) become problems; stacks stay here. */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    send(res, errorAsResponse(req, res, error, { hadIfMatch: false, logger }));
  };
}
