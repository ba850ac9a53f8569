import { POLICY_EXTENSION, type OpenAPIObject, type PolicyExtension } from '@kopfed/service-kit';

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type Method = (typeof METHODS)[number];

export interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: unknown;
}

/** One operation of one service, as its OpenAPI document describes it. */
export interface Operation {
  service: string;
  /** `<service>.<operationId>`: how the suite names it. */
  id: string;
  method: Method;
  /** The path template, e.g. `/api/access/v1/keys/{keyId}`. */
  path: string;
  /** Undefined when the document carries none: that alone is a violation. */
  policy: PolicyExtension | undefined;
  parameters: Parameter[];
  bodySchema: unknown;
  bodyRequired: boolean;
  document: OpenAPIObject;
}

interface RawOperation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  [POLICY_EXTENSION]?: PolicyExtension;
}

export function operationsOf(service: string, document: OpenAPIObject): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const raw = (item as Record<string, RawOperation | undefined>)[method];
      if (!raw) continue;
      operations.push({
        service,
        id: `${service}.${raw.operationId ?? `${method} ${path}`}`,
        method,
        path,
        policy: raw[POLICY_EXTENSION],
        parameters: raw.parameters ?? [],
        bodySchema: raw.requestBody?.content?.['application/json']?.schema,
        bodyRequired: raw.requestBody?.required ?? false,
        document,
      });
    }
  }
  return operations;
}

export function isWrite(operation: Operation): boolean {
  const policy = operation.policy;
  if (policy && 'access' in policy) return policy.access === 'write';
  return operation.method !== 'get';
}

export function isPublic(operation: Operation): boolean {
  return operation.policy !== undefined && 'public' in operation.policy;
}

/** The path parameter naming the coop the operation touches, if it is coop-scoped. */
export function coopParam(operation: Operation): string | undefined {
  const policy = operation.policy;
  if (!policy || 'public' in policy || policy.coopScope === 'federation') return undefined;
  return policy.coopScope.pathParam;
}

export function rolesOf(operation: Operation): string[] {
  const policy = operation.policy;
  return policy && 'roles' in policy ? policy.roles : [];
}
