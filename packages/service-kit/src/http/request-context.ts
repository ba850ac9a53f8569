import type { ServerResponse } from 'node:http';
import { header, originalUrlOf, type KitRequest } from './kit-request';
import { v7 as uuidv7 } from 'uuid';

/** Ids a client may choose: bounded, printable, nothing that could forge a log line. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';
const REQUEST_ID = 'x-request-id';

/** What the kit notes about a request for the access log. */
export interface RequestNotes {
  requestId: string;
  /** The route template, never the concrete path: paths may hold ids worth keeping out of logs. */
  route?: string;
  keyId?: string;
}

const NOTES = Symbol('kopfed.requestNotes');
type Annotated = ServerResponse & { [NOTES]?: RequestNotes };

/** The request's notes, creating its id (the client's `X-Request-Id`, or a new one) on first use. */
export function requestNotes(req: KitRequest, res: ServerResponse): RequestNotes {
  const annotated = res as Annotated;
  let notes = annotated[NOTES];
  if (!notes) {
    const offered = header(req, REQUEST_ID);
    notes = { requestId: offered && CLIENT_ID.test(offered) ? offered : uuidv7() };
    annotated[NOTES] = notes;
    res.setHeader(REQUEST_ID_HEADER, notes.requestId);
  }
  return notes;
}

export function correlationIdOf(req: KitRequest, requestId: string): string {
  const offered = header(req, 'x-correlation-id');
  return offered && CLIENT_ID.test(offered) ? offered : requestId;
}

/** The caller's W3C trace context, when it sent a well-formed one. */
export function callerTraceparent(req: KitRequest): string | undefined {
  const offered = header(req, 'traceparent');
  return offered && TRACEPARENT.test(offered) ? offered : undefined;
}

/** The request path without its query, as problem details' `instance`. */
export function instanceOf(req: KitRequest): string {
  const path = originalUrlOf(req).split('?')[0] ?? '/';
  return path.length > 512 ? `${path.slice(0, 512)}…` : path;
}
