import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { HttpMethod } from './route';

export interface DispatchEntry {
  method: HttpMethod;
  /** Relative to the router the dispatcher is mounted in, with `{name}` parameters. */
  path: string;
  handler: (req: Request, res: Response, next: NextFunction) => unknown;
}

interface Compiled extends DispatchEntry {
  pattern: RegExp;
  names: readonly string[];
}

/**
 * Routes a request to the first entry whose method and path match, as Express's router would
 * with `caseSensitive` and non-strict paths: a parameter is one non-empty segment, decoded (a
 * bad escape is a 400), one trailing slash is allowed, HEAD is served by GET. Our templates
 * have no wildcards or optional parts, so a table of patterns tried in order is all it takes,
 * without a layer and a route object per request and per route.
 */
export function routeDispatcher(entries: readonly DispatchEntry[]): RequestHandler {
  const compiled = entries.map(compile);
  return (req, res, next) => {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const path = req.path;
    for (const entry of compiled) {
      if (entry.method !== method) continue;
      const match = entry.pattern.exec(path);
      if (match === null) continue;
      let params: Record<string, string>;
      try {
        params = paramsOf(entry.names, match);
      } catch (error) {
        next(error);
        return;
      }
      req.params = params;
      const result = entry.handler(req, res, next);
      if (result instanceof Promise) result.catch(next);
      return;
    }
    next();
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
