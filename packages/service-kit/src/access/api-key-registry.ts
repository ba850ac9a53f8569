import {
  handleCommand,
  type EventMetadata,
  type EventStore,
  type Subscription,
} from '@kopfed/eventstore';
import type { Authenticator } from '../auth/authenticator';
import type { Principal, Role } from '../auth/principal';
import { apiKeyDecider } from './api-key.decider';
import { ApiKeyProjection, type ApiKeyRecord } from './api-key-projection';
import { generateApiKey, hashApiKey, keyIdOf } from './api-key-token';
import { VerifiedTokens, type VerifiedTokensOptions } from './verified-tokens';

export interface NewApiKey {
  role: Role;
  coopId: string;
  label?: string;
  expiresAt?: string;
  /** Key id of the admin creating it. */
  createdBy: string;
  /** A key chosen by the operator (KOPFED_ADMIN_KEY); generated when absent. */
  token?: string;
  metadata?: EventMetadata;
}

const CATEGORY = 'apikey';
const PAGE = 1_000;
const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

/**
 * The API keys of a node, event-sourced in the access store (`apikey-<keyId>` streams), with an
 * in-memory projection for lookups that a subscription keeps current — so keys created or
 * revoked by another process sharing the store take effect here too.
 */
export class ApiKeyRegistry {
  private constructor(
    private readonly store: EventStore,
    private readonly projection: ApiKeyProjection,
    private readonly subscription: Subscription,
    private readonly health: { failure?: unknown },
    private readonly clock: () => Date,
    private readonly verified: VerifiedTokens,
  ) {}

  static async open(
    store: EventStore,
    options: { clock?: () => Date; verifiedTokens?: VerifiedTokensOptions } = {},
  ): Promise<ApiKeyRegistry> {
    const projection = new ApiKeyProjection();
    let after = 0;
    for (;;) {
      const page = await store.readAll({ after, categories: [CATEGORY], maxCount: PAGE });
      for (const event of page) projection.apply(event);
      after = page.at(-1)?.position ?? after;
      if (page.length < PAGE) break;
    }
    const health: { failure?: unknown } = {};
    const subscription = store.subscribe({
      after,
      categories: [CATEGORY],
      handler: (event) => projection.apply(event),
      onError: (error) => {
        health.failure = error;
      },
    });
    const clock = options.clock ?? (() => new Date());
    const verified = new VerifiedTokens(options.verifiedTokens);
    return new ApiKeyRegistry(store, projection, subscription, health, clock, verified);
  }

  /** Never-created nodes get a bootstrap admin key. */
  get isEmpty(): boolean {
    return this.projection.size === 0;
  }

  get healthy(): boolean {
    return this.health.failure === undefined;
  }

  readonly authenticate: Authenticator = async (token) => {
    const keyId = keyIdOf(token);
    const key = keyId === undefined ? undefined : await this.current(keyId);
    if (!key || !this.verified.matches(token, key) || statusOf(key, this.clock()) !== 'active') {
      return undefined;
    }
    const principal: Principal = { keyId: key.keyId, role: key.role, coopId: key.coopId };
    return principal;
  };

  async create(input: NewApiKey): Promise<{ token: string; key: ApiKeyRecord }> {
    const generated = input.token === undefined ? generateApiKey() : undefined;
    const token = input.token ?? generated?.token ?? '';
    const keyId = keyIdOf(token);
    if (keyId === undefined) throw new Error('an API key must look like kpf_<16 hex>_<secret>');
    const result = await handleCommand(this.store, {
      stream: `${CATEGORY}-${keyId}`,
      decider: apiKeyDecider,
      command: {
        type: 'CreateApiKey',
        keyId,
        role: input.role,
        coopId: input.coopId,
        tokenSha256: hashApiKey(token),
        label: input.label ?? null,
        createdAt: this.clock().toISOString(),
        expiresAt: input.expiresAt === undefined ? null : new Date(input.expiresAt).toISOString(),
        createdBy: input.createdBy,
      },
      ...(input.metadata ? { metadata: input.metadata } : {}),
    });
    return { token, key: await this.settled(keyId, result.position) };
  }

  async revoke(
    keyId: string,
    input: {
      revokedBy: string;
      reason?: string;
      expectedRevision?: number;
      metadata?: EventMetadata;
    },
  ): Promise<ApiKeyRecord> {
    const result = await handleCommand(this.store, {
      stream: `${CATEGORY}-${keyId}`,
      decider: apiKeyDecider,
      command: {
        type: 'RevokeApiKey',
        keyId,
        revokedAt: this.clock().toISOString(),
        revokedBy: input.revokedBy,
        reason: input.reason ?? null,
      },
      ...(input.expectedRevision === undefined ? {} : { expectedRevision: input.expectedRevision }),
      ...(input.metadata ? { metadata: input.metadata } : {}),
    });
    return this.settled(keyId, result.position);
  }

  get(keyId: string): ApiKeyRecord | undefined {
    return this.projection.get(keyId);
  }

  /** Keys in key-id order after the cursor; at most `limit`. */
  list(options: { coopId?: string; after?: string; limit: number }): ApiKeyRecord[] {
    return [...this.projection.all()]
      .filter((key) => options.coopId === undefined || key.coopId === options.coopId)
      .filter((key) => options.after === undefined || key.keyId > options.after)
      .sort((a, b) => (a.keyId < b.keyId ? -1 : 1))
      .slice(0, options.limit);
  }

  statusOf(key: ApiKeyRecord): KeyStatus {
    return statusOf(key, this.clock());
  }

  async close(): Promise<void> {
    await this.subscription.stop();
  }

  private async settled(keyId: string, position: number | undefined): Promise<ApiKeyRecord> {
    if (position !== undefined && this.healthy)
      await this.projection.waitFor(position, READ_YOUR_WRITES_TIMEOUT_MS);
    const key = await this.current(keyId);
    if (!key) throw new Error(`API key ${keyId} is missing from the projection`);
    return key;
  }

  /**
   * The key as the store has it now. Once the subscription feeding the projection has stopped,
   * the projection no longer hears of revocations: the key's own stream is read instead, so a
   * revoked key is refused however the projection fares (fail closed, at the cost of a read).
   */
  private async current(keyId: string): Promise<ApiKeyRecord | undefined> {
    if (this.healthy) return this.projection.get(keyId);
    const stream = new ApiKeyProjection();
    for (const event of await this.store.readStream(`${CATEGORY}-${keyId}`)) stream.apply(event);
    return stream.get(keyId);
  }
}

export type KeyStatus = 'active' | 'expired' | 'revoked';

function statusOf(key: ApiKeyRecord, now: Date): KeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}
