import type { IncomingMessage } from 'node:http';

/**
 * What the kit's pipeline reads of a request: Node's own message plus the parts a router fills
 * in. An Express request is one; so is a plain Node request that the API lane routed (see
 * api-lane.ts), which is why the pipeline never calls Express's request helpers.
 */
export interface KitRequest extends IncomingMessage {
  method: string;
  url: string;
  /** The routed path parameters, decoded (a list only where a template has a wildcard: ours have none). */
  params: Record<string, string | string[]>;
  /** The query string, parsed as Express's default ("simple") parser does. */
  query: Record<string, unknown>;
  /** The URL as received; a router may have rewritten `url` under its prefix. */
  originalUrl?: string;
  body?: unknown;
}

/** A request header's value, or undefined when absent or repeated as a list. */
export function header(req: IncomingMessage, lowerCaseName: string): string | undefined {
  const value = req.headers[lowerCaseName];
  return typeof value === 'string' ? value : undefined;
}

/** The URL as the client sent it, with its query. */
export function originalUrlOf(req: KitRequest): string {
  return req.originalUrl ?? req.url ?? '/';
}
