import { API_KEY_PATTERN, generateApiKey, hashApiKey, keyIdOf, matchesHash } from './api-key-token';

describe('API key tokens', () => {
  it('generates distinct keys of the documented shape, carrying their id', () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    expect(new Set(keys.map((k) => k.token)).size).toBe(50);
    for (const { keyId, token } of keys) {
      expect(token).toMatch(API_KEY_PATTERN);
      expect(keyIdOf(token)).toBe(keyId);
    }
  });

  it('matches only the key that was hashed', () => {
    const { token } = generateApiKey();
    const hash = hashApiKey(token);
    expect(matchesHash(token, hash)).toBe(true);
    expect(matchesHash(`${token}x`, hash)).toBe(false);
    expect(matchesHash(token, 'abcd')).toBe(false);
  });

  it.each([
    '',
    'kpf_',
    'kpf_XYZ_secret',
    `kpf_0011223344556677_${'a'.repeat(31)}`,
    `Bearer kpf_0011223344556677_${'a'.repeat(43)}`,
  ])('has no id for %j', (token) => {
    expect(keyIdOf(token)).toBeUndefined();
  });
});
