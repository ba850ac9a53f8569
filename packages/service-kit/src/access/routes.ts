import { notFound } from '@kopfed/domain';
import { z } from 'zod';
import type { ServiceDefinition } from '../http/service-router';
import { defineRoute, type Route } from '../http/route';
import type { ApiKeyRegistry } from './api-key-registry';
import type { ApiKeyRecord } from './api-key-projection';
import {
  ApiKeyPageSchema,
  ApiKeySchema,
  CreateApiKeyRequest,
  CreatedApiKeySchema,
  KeyIdSchema,
  ListApiKeysQuery,
  PrincipalSchema,
  RevokeApiKeyRequest,
} from './schemas';

const ADMIN = { roles: ['admin'], coopScope: 'federation' } as const;
const KeyParams = z.strictObject({ keyId: KeyIdSchema });

/** The access service: admins manage API keys; every caller can ask who it is. */
export function accessService(registry: ApiKeyRegistry): ServiceDefinition {
  return {
    service: 'access',
    version: 'v1',
    title: 'kopfed access',
    description:
      'API keys: each bound to one coop and one role, stored hashed, expiring, revocable.',
    routes: accessRoutes(registry),
    ready: async () => registry.healthy,
  };
}

export function accessRoutes(registry: ApiKeyRegistry): Route[] {
  const view = (key: ApiKeyRecord) => ({
    keyId: key.keyId,
    role: key.role,
    coopId: key.coopId,
    label: key.label,
    status: registry.statusOf(key),
    createdAt: key.createdAt,
    createdBy: key.createdBy,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
  });
  const existing = (keyId: string) => {
    const key = registry.get(keyId);
    if (!key) throw notFound('api-key-not-found', `No API key ${keyId}.`);
    return key;
  };

  return [
    defineRoute({
      method: 'POST',
      path: '/keys',
      operationId: 'createApiKey',
      summary: 'Create an API key for a coop and role; the key is in this response only',
      tags: ['keys'],
      request: { body: CreateApiKeyRequest },
      responses: { 201: CreatedApiKeySchema },
      policy: ADMIN,
      omitOnReplay: ['token'],
      handler: async ({ body }, ctx) => {
        const { token, key } = await registry.create({
          role: body.role,
          coopId: body.coopId,
          ...(body.label ? { label: body.label } : {}),
          ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
          createdBy: ctx.principal.keyId,
          metadata: ctx.metadata,
        });
        return {
          status: 201,
          body: { ...view(key), token },
          etag: key.revision,
          location: `/api/access/v1/keys/${key.keyId}`,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/keys',
      operationId: 'listApiKeys',
      summary: 'List API keys (never their secrets), optionally for one coop',
      tags: ['keys'],
      request: { query: ListApiKeysQuery },
      responses: { 200: ApiKeyPageSchema },
      policy: ADMIN,
      handler: async ({ query }) => {
        const page = registry.list({
          limit: query.limit + 1,
          ...(query.coopId ? { coopId: query.coopId } : {}),
          ...(query.after ? { after: query.after } : {}),
        });
        const items = page.slice(0, query.limit);
        const nextCursor = page.length > query.limit ? (items.at(-1)?.keyId ?? null) : null;
        return { status: 200, body: { items: items.map(view), nextCursor } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/keys/{keyId}',
      operationId: 'getApiKey',
      summary: 'One API key',
      tags: ['keys'],
      request: { params: KeyParams },
      responses: { 200: ApiKeySchema },
      policy: ADMIN,
      ifMatch: true,
      handler: async ({ params }) => {
        const key = existing(params.keyId);
        return { status: 200, body: view(key), etag: key.revision };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/keys/{keyId}/revoke',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key; it stops working at once. Revoking twice is harmless',
      tags: ['keys'],
      request: { params: KeyParams, body: RevokeApiKeyRequest.optional() },
      responses: { 200: ApiKeySchema },
      policy: ADMIN,
      ifMatch: true,
      handler: async ({ params, body }, ctx) => {
        const key = await registry.revoke(params.keyId, {
          revokedBy: ctx.principal.keyId,
          ...(body?.reason ? { reason: body.reason } : {}),
          ...(ctx.expectedRevision === undefined ? {} : { expectedRevision: ctx.expectedRevision }),
          metadata: ctx.metadata,
        });
        return { status: 200, body: view(key), etag: key.revision };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/me',
      operationId: 'whoAmI',
      summary: 'The credential making this request: its key id, role and coop',
      tags: ['keys'],
      responses: { 200: PrincipalSchema },
      policy: { roles: ['coop', 'treasurer', 'auditor', 'admin'], coopScope: 'federation' },
      handler: async (_input, ctx) => ({ status: 200, body: ctx.principal }),
    }),
  ];
}
