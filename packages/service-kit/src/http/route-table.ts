import type { z } from 'zod';
import { assertPolicy } from '../auth/policy';
import type { HttpMethod, Route } from './route';

const SEGMENT = /^(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\})$/;

export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1] ?? '');
}

/** Matches a concrete path against a template, for 404 versus 405. */
export function pathMatcher(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((segment) =>
      segment.startsWith('{') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${pattern}/?$`);
}

/**
 * Refuses, when the app is built, a route table that could misbehave at run time: a missing
 * or impossible policy, a path parameter without a schema, parameters that are not strict.
 */
export function assertRouteTable(routes: readonly Route[]): void {
  const seen = new Set<string>();
  for (const route of routes) {
    const where = `${route.method} ${route.path} (${route.operationId})`;
    try {
      assertRoute(route);
    } catch (error) {
      throw new Error(`route ${where}: ${(error as Error).message}`, { cause: error });
    }
    const key = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
    if (seen.has(key)) throw new Error(`route ${where} is declared twice`);
    seen.add(key);
  }
  const ids = routes.map((route) => route.operationId);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new Error(`operationId ${duplicate} is used twice`);
}

function assertRoute(route: Route): void {
  const methods: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  if (!methods.includes(route.method))
    throw new Error(`unsupported method ${String(route.method)}`);
  if (
    !route.path.startsWith('/') ||
    !route.path
      .slice(1)
      .split('/')
      .every((s) => SEGMENT.test(s))
  ) {
    throw new Error('the path must be /segments with {name} parameters');
  }
  const params = pathParams(route.path);
  assertPolicy(route.policy, route.method, params);
  if (route.policy === 'public' && route.method !== 'GET') {
    throw new Error('only reads can be public');
  }
  const schema = route.request?.params;
  const declared = schema ? Object.keys(schema.shape).sort() : [];
  if (declared.join() !== [...params].sort().join()) {
    throw new Error(`request.params must declare exactly the path parameters ${params.join(', ')}`);
  }
  for (const [part, object] of [
    ['params', schema],
    ['query', route.request?.query],
  ] as const) {
    if (object && !rejectsUnknownKeys(object)) {
      throw new Error(`request.${part} must be a strict object (z.strictObject)`);
    }
  }
  if (typeof route.handler !== 'function') throw new Error('a route needs a handler');
}

/**
 * z.strictObject (or `.strict()`) refuses unknown keys through a catchall of `never`. Read from
 * the schema's definition: parsing a probe would compile every route's schemas at each start.
 */
function rejectsUnknownKeys(schema: z.ZodObject): boolean {
  return schema.def.catchall?._zod.def.type === 'never';
}
