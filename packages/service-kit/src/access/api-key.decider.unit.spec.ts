import { DomainError } from '@kopfed/domain';
import { apiKeyDecider, type ApiKeyCommand, type ApiKeyEvent } from './api-key.decider';

const created: ApiKeyEvent = {
  type: 'ApiKeyCreated',
  data: {
    keyId: '0011223344556677',
    role: 'coop',
    coopId: 'A',
    tokenSha256: 'ab'.repeat(32),
    label: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    createdBy: 'bootstrap',
  },
};
const revoke: ApiKeyCommand = {
  type: 'RevokeApiKey',
  keyId: '0011223344556677',
  revokedAt: '2026-01-02T00:00:00.000Z',
  revokedBy: 'admin',
  reason: null,
};

const given = (events: ApiKeyEvent[]) =>
  events.reduce(apiKeyDecider.evolve, apiKeyDecider.initialState());
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? [error.kind, error.code] : ['other'];
  }
  return ['none'];
};

describe('API key decider', () => {
  it('creates a key once', () => {
    const { type: _t, ...data } = created;
    const command = { type: 'CreateApiKey', ...data.data } as ApiKeyCommand;
    expect(apiKeyDecider.decide(command, given([]))).toEqual([created]);
    expect(refusal(() => apiKeyDecider.decide(command, given([created])))).toEqual([
      'conflict',
      'api-key-exists',
    ]);
  });

  it('refuses an expiry that is not after the creation', () => {
    const command = {
      type: 'CreateApiKey',
      ...created.data,
      expiresAt: created.data.createdAt,
    } as ApiKeyCommand;
    expect(refusal(() => apiKeyDecider.decide(command, given([])))).toEqual([
      'rejected',
      'expiry-not-in-future',
    ]);
  });

  it('revokes an existing key once; again is a no-op; an unknown key is not found', () => {
    const { type: _t, ...data } = revoke;
    expect(apiKeyDecider.decide(revoke, given([created]))).toEqual([
      { type: 'ApiKeyRevoked', data },
    ]);
    expect(apiKeyDecider.decide(revoke, given([created, { type: 'ApiKeyRevoked', data }]))).toEqual(
      [],
    );
    expect(refusal(() => apiKeyDecider.decide(revoke, given([])))).toEqual([
      'not_found',
      'api-key-not-found',
    ]);
  });
});
