import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { accessOf } from '../auth/policy';
import { KIT_PROBLEMS, PROBLEM_CONTENT_TYPE, type KitProblemCode } from '../problem/problem';
import { responseBodySchema, type Route } from '../http/route';
import { ProblemSchema } from './problem-schema';

export type OpenAPIObject = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export interface ServiceDescription {
  /** The service's name in URLs: `/api/<service>/v1`. */
  service: string;
  version: string;
  title: string;
  description?: string;
  routes: readonly Route[];
}

/** The extension every operation carries, so tools (and the security suite) see its policy. */
export const POLICY_EXTENSION = 'x-kopfed-policy';

export type PolicyExtension =
  | { public: true }
  | {
      roles: string[];
      access: 'read' | 'write';
      coopScope: { pathParam: string } | 'federation';
    };

export function basePath(service: { service: string; version: string }): string {
  return `/api/${service.service}/${service.version}`;
}

/** OpenAPI 3.1, generated from the very route definitions the app serves. */
export function buildOpenApiDocument(description: ServiceDescription): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (kpf_…), or a token from the federation’s identity provider.',
  });
  for (const route of description.routes) {
    registry.registerPath(routeConfig(route, basePath(description), ProblemSchema));
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: description.title,
      version: description.version,
      ...(description.description ? { description: description.description } : {}),
    },
  });
}

const IDEMPOTENCY_KEY = z
  .string()
  .min(1)
  .max(255)
  .optional()
  .meta({ description: 'Makes a retry safe: the same key and body return the first response.' });
const IF_MATCH = z
  .string()
  .max(1024)
  .optional()
  .meta({ description: 'The ETag you read; a resource that has changed since answers 412.' });

function routeConfig(route: Route, base: string, problem: z.ZodType): RouteConfig {
  const write = route.policy !== 'public' && accessOf(route.policy, route.method) === 'write';
  const headers = (route.request?.headers ?? z.object({})).extend({
    ...(write ? { 'Idempotency-Key': IDEMPOTENCY_KEY } : {}),
    ...(route.ifMatch ? { 'If-Match': IF_MATCH } : {}),
  });
  const body = route.request?.body;
  return {
    method: route.method.toLowerCase() as Lowercase<Route['method']>,
    path: `${base}${route.path}`,
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.tags ? { tags: [...route.tags] } : {}),
    security: route.policy === 'public' ? [] : [{ bearerAuth: [] }],
    [POLICY_EXTENSION]: policyExtension(route),
    request: {
      ...(route.request?.params ? { params: route.request.params } : {}),
      ...(route.request?.query ? { query: route.request.query } : {}),
      ...(Object.keys(headers.shape).length > 0 ? { headers } : {}),
      ...(body
        ? {
            body: {
              required: !body.safeParse(undefined).success,
              content: { 'application/json': { schema: body } },
            },
          }
        : {}),
    },
    responses: { ...problemResponses(route, write, problem), ...declaredResponses(route) },
  };
}

function policyExtension(route: Route): PolicyExtension {
  if (route.policy === 'public') return { public: true };
  return {
    roles: [...route.policy.roles],
    access: accessOf(route.policy, route.method),
    coopScope: route.policy.coopScope,
  };
}

function declaredResponses(route: Route): Record<string, ResponseConfig> {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const schema = responseBodySchema(spec);
    const description = 'safeParse' in spec ? defaultDescription(Number(status)) : spec.description;
    responses[status] = {
      description,
      ...(schema ? { content: { 'application/json': { schema } } } : {}),
      ...(route.ifMatch && Number(status) < 300
        ? {
            headers: {
              ETag: { description: 'The resource’s revision.', schema: { type: 'string' } },
            },
          }
        : {}),
    };
  }
  return responses;
}

/** Sent with 503 (the store or a read model did not answer, shutting down) and 429. */
const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before sending the same request again.',
    schema: { type: 'integer' as const, minimum: 0 },
  },
};

function problemResponses(route: Route, write: boolean, problem: z.ZodType) {
  const codes: KitProblemCode[] = [
    'validation-failed',
    'not-found',
    'rate-limited',
    'internal-error',
    'unavailable',
  ];
  if (route.policy !== 'public') codes.push('unauthenticated', 'forbidden');
  if (write) codes.push('concurrency-conflict');
  if (route.ifMatch) codes.push('precondition-failed');
  if (route.request?.body) codes.push('payload-too-large', 'unsupported-media-type');
  const responses: Record<string, ResponseConfig> = {};
  for (const code of codes) {
    const { status, title } = KIT_PROBLEMS[code];
    responses[String(status)] = {
      description: title,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } },
      ...(code === 'unavailable' || code === 'rate-limited' ? { headers: RETRY_AFTER } : {}),
    };
  }
  if (write) {
    responses['422'] = {
      description: 'Refused by a business rule',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } },
    };
  }
  return responses;
}

function defaultDescription(status: number): string {
  const descriptions: Record<number, string> = {
    200: 'OK',
    201: 'Created',
    202: 'Accepted',
    204: 'No content',
  };
  return descriptions[status] ?? `Status ${status}`;
}
