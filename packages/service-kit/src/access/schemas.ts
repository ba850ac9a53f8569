import { z } from 'zod';
import { COOP_ID_PATTERN, ROLES } from '../auth/principal';
import { KEY_ID_PATTERN } from './api-key-token';

export const CoopIdSchema = z.string().max(64).regex(COOP_ID_PATTERN).meta({
  description: 'A coop id: 1 to 64 letters, digits, `_` or `-`.',
  example: 'kspc-sejahtera',
});

export const KeyIdSchema = z
  .string()
  .length(16)
  .regex(KEY_ID_PATTERN)
  .meta({ description: 'The public part of an API key.', example: '0f1e2d3c4b5a6978' });

const Instant = z.iso.datetime({ offset: true });

export const CreateApiKeyRequest = z
  .strictObject({
    role: z.enum(ROLES),
    coopId: CoopIdSchema,
    label: z.string().min(1).max(200).optional(),
    expiresAt: Instant.optional().meta({ description: 'No expiry when absent.' }),
  })
  .meta({ id: 'CreateApiKeyRequest' });

export const ApiKeySchema = z
  .object({
    keyId: KeyIdSchema,
    role: z.enum(ROLES),
    coopId: CoopIdSchema,
    label: z.string().nullable(),
    status: z.enum(['active', 'expired', 'revoked']),
    createdAt: Instant,
    createdBy: z.string(),
    expiresAt: Instant.nullable(),
    revokedAt: Instant.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const CreatedApiKeySchema = ApiKeySchema.extend({
  token: z.string().optional().meta({
    description:
      'The key itself, shown only in this response: store it now. A replay of the request (same Idempotency-Key) omits it.',
  }),
}).meta({ id: 'CreatedApiKey' });

export const ApiKeyPageSchema = z
  .object({ items: z.array(ApiKeySchema), nextCursor: KeyIdSchema.nullable() })
  .meta({ id: 'ApiKeyPage' });

export const ListApiKeysQuery = z.strictObject({
  coopId: CoopIdSchema.optional(),
  after: KeyIdSchema.optional().meta({ description: 'The nextCursor of the previous page.' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const RevokeApiKeyRequest = z
  .strictObject({ reason: z.string().min(1).max(500).optional() })
  .meta({ id: 'RevokeApiKeyRequest' });

export const PrincipalSchema = z
  .object({ keyId: z.string(), role: z.enum(ROLES), coopId: CoopIdSchema })
  .meta({ id: 'Principal' });
