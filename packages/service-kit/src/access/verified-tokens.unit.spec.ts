import type { ApiKeyRecord } from './api-key-projection';
import { generateApiKey, hashApiKey } from './api-key-token';
import { VerifiedTokens } from './verified-tokens';

function record(token: string, keyId: string): ApiKeyRecord {
  return {
    keyId,
    role: 'coop',
    coopId: 'coop-a',
    label: null,
    tokenSha256: hashApiKey(token),
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'test',
    expiresAt: null,
    revokedAt: null,
    revokedBy: null,
    revision: 0,
  };
}

describe('verified API key tokens', () => {
  const { keyId, token } = generateApiKey();

  it('accepts the proven token again and refuses any other secret for the same key', () => {
    const tokens = new VerifiedTokens();
    const key = record(token, keyId);
    expect(tokens.matches(token, key)).toBe(true);
    expect(tokens.matches(token, key)).toBe(true);
    expect(tokens.matches(`${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`, key)).toBe(
      false,
    );
    expect(tokens.matches(`${token}x`, key)).toBe(false);
    expect(tokens.matches(token, key)).toBe(true);
  });

  it('holds only while the projection holds the same record (a revocation replaces it)', () => {
    const tokens = new VerifiedTokens();
    const key = record(token, keyId);
    expect(tokens.matches(token, key)).toBe(true);
    // A record for the same key id whose hash no longer matches: the cache must not answer.
    const replaced = { ...record('kpf_0000000000000000_other-secret-other-secret-0000', keyId) };
    expect(tokens.matches(token, replaced)).toBe(false);
  });

  it('proves the token against the hash again once the entry is older than its TTL', () => {
    let now = 0;
    const tokens = new VerifiedTokens({ ttlMs: 1_000, nowMs: () => now });
    const key = record(token, keyId);
    expect(tokens.matches(token, key)).toBe(true);
    // Only a fresh hash comparison can see this (the record object is the same).
    key.tokenSha256 = hashApiKey('something else');
    now = 999;
    expect(tokens.matches(token, key)).toBe(true);
    now = 1_000;
    expect(tokens.matches(token, key)).toBe(false);
  });

  it('remembers at most maxEntries keys', () => {
    const tokens = new VerifiedTokens({ maxEntries: 2 });
    for (let i = 0; i < 5; i++) {
      const generated = generateApiKey();
      expect(tokens.matches(generated.token, record(generated.token, generated.keyId))).toBe(true);
    }
    expect(tokens.size).toBe(2);
  });
});
