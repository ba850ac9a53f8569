// The HTTP service kit: every service speaks HTTP and guards each coop's data the same way.
export { ROLES, COOP_ID_PATTERN, isRole, type Role, type Principal } from './auth/principal';
export {
  InMemoryCoopDirectory,
  isWithin,
  MAX_FEDERATION_DEPTH,
  type CoopDirectory,
} from './auth/coop-directory';
export {
  authorise,
  accessOf,
  reaches,
  type Access,
  type Decision,
  type ProtectedPolicy,
  type RoutePolicy,
} from './auth/policy';
export { anyOf, bearerToken, type Authenticator } from './auth/authenticator';
export { oidcAuthenticator, remoteKeys, OIDC_CLAIMS, type OidcOptions } from './auth/oidc';

export {
  defineRoute,
  type AuthenticatedContext,
  type HttpMethod,
  type RequestContext,
  type Route,
  type RouteDefinition,
  type RouteInput,
  type RouteResult,
} from './http/route';
export {
  createServiceRouter,
  DEFAULT_BODY_LIMIT_BYTES,
  type ServiceDefinition,
  type ServiceHttp,
  type ServiceKitDeps,
} from './http/service-router';
export { createServiceApp, mountHealth } from './http/service-app';
export { createBaseApp, notFoundHandler, problemErrorHandler } from './http/fallbacks';
export { mountServices, type ApiLane } from './http/api-lane';
export { createLogger, REDACTED_PATHS } from './http/logging';
export { formatEtag, parseIfMatch, type IfMatch } from './http/etag';
export { jsonPointer } from './http/validation';
export { REQUEST_ID_HEADER } from './http/request-context';

export {
  HttpProblem,
  KIT_PROBLEMS,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  type FieldError,
  type KitProblemCode,
  type ProblemDetails,
} from './problem/problem';
export { mapError } from './problem/error-mapping';

export {
  buildOpenApiDocument,
  basePath,
  POLICY_EXTENSION,
  type OpenAPIObject,
  type PolicyExtension,
  type ServiceDescription,
} from './openapi/document';
export { openObjects, resolveRef } from './openapi/closed-schemas';
export { ProblemSchema } from './openapi/problem-schema';

export { IdempotencyGuard, DAY_MS, type IdempotencyOptions } from './idempotency/idempotency-guard';
export { eventStreamRecords, type KeyRecords, type KeyVersion } from './idempotency/key-records';
export { sqliteKeyRecords } from './idempotency/sqlite-key-records';
export { canonicalJson, fingerprintOf } from './idempotency/fingerprint';

export {
  TokenBucketLimiter,
  DEFAULT_RATE_LIMIT,
  type RateLimit,
  type RateLimiter,
} from './rate-limit/token-bucket';

export { ApiKeyRegistry, type NewApiKey, type KeyStatus } from './access/api-key-registry';
export type { ApiKeyRecord } from './access/api-key-projection';
export { API_KEY_PATTERN, generateApiKey, hashApiKey } from './access/api-key-token';
export { bootstrapAdminKey, type BootstrapResult } from './access/bootstrap';
export { accessService, accessRoutes } from './access/routes';
export type {
  Consumption,
  Publication,
  ServiceModule,
  ServiceModuleDeps,
  ServiceInstance,
} from './http/service-module';

export { workerScript, type WorkerScript } from './threads/worker-script';
