import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { KitRequest } from './kit-request';
import type { HttpMethod } from './route';

export interface DispatchEntry {
  method: HttpMethod;
  /** Relative to the router the dispatcher is mounted in, with `{name}` parameters. */
  path: string;
  handler: (req: KitRequest, res: ServerResponse) => Promise<void>;
}

interface Compiled extends DispatchEntry {
  pattern: RegExp;
  names: readonly string[];
}

/** The entry a request's method and path select, with its path parameters decoded. */
export interface RouteMatch {
  entry: DispatchEntry;
  params: Record<string, string>;
}

/**
 * Finds the first entry whose method and path match, as Express's router would with
 * `caseSensitive` and non-strict paths: a parameter is one non-empty segment, decoded (a bad
 * escape throws a 400 error), one trailing slash is allowed, HEAD is served by GET. Our
 * templates have no wildcards or optional parts, so a table of patterns tried in order is all
 * it takes, without a layer and a route object per request and per route.
 */
export function routeMatcher(
  entries: readonly DispatchEntry[],
): (method: string, path: string) => RouteMatch | undefined {
  const compiled = entries.map(compile);
  return (requestMethod, path) => {
    const method = requestMethod === 'HEAD' ? 'GET' : requestMethod;
    for (const entry of compiled) {
      if (entry.method !== method) continue;
      const match = entry.pattern.exec(path);
      if (match !== null) return { entry, params: paramsOf(entry.names, match) };
    }
    return undefined;
  };
}

/** Routes a request within an Express router: the matched entry's handler, or on to `next`. */
export function routeDispatcher(entries: readonly DispatchEntry[]): RequestHandler {
  const match = routeMatcher(entries);
  return (req, res, next) => {
    let found: RouteMatch | undefined;
    try {
      found = match(req.method, req.path);
    } catch (error) {
      next(error);
      return;
    }
    if (found === undefined) {
      next();
      return;
    }
    req.params = found.params;
    found.entry.handler(req, res).catch(next);
  };
}

const PARAMETER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

function compile(entry: DispatchEntry): Compiled {
  const names: string[] = [];
  const source = entry.path
    .split('/')
    .map((segment) => {
      const parameter = PARAMETER.exec(segment)?.[1];
      if (parameter === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(parameter);
      return '([^/]+)';
    })
    .join('/');
  return { ...entry, names, pattern: new RegExp(`^${source}/?$`) };
}

function paramsOf(names: readonly string[], match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) {
    params[names[i] as string] = decodeParam(match[i + 1] as string);
  }
  return params;
}

/** As Express's router decodes a parameter: a malformed escape is a 400 (bad-request). */
function decodeParam(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (error) {
    if (error instanceof URIError) {
      throw Object.assign(new URIError(`Failed to decode param '${value}'`), { status: 400 });
    }
    throw error;
  }
}
