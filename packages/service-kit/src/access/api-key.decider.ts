import { conflict, notFound, rejected, type Decider, type DomainEvent } from '@kopfed/domain';
import type { Role } from '../auth/principal';

export type ApiKeyCreated = DomainEvent<
  'ApiKeyCreated',
  {
    keyId: string;
    role: Role;
    coopId: string;
    /** SHA-256 of the whole key, hex; the key itself is never stored. */
    tokenSha256: string;
    label: string | null;
    createdAt: string;
    expiresAt: string | null;
    /** The key id of the admin who created it, or `bootstrap`. */
    createdBy: string;
  }
>;

export type ApiKeyRevoked = DomainEvent<
  'ApiKeyRevoked',
  { keyId: string; revokedAt: string; revokedBy: string; reason: string | null }
>;

export type ApiKeyEvent = ApiKeyCreated | ApiKeyRevoked;

export type ApiKeyCommand =
  | ({ type: 'CreateApiKey' } & ApiKeyCreated['data'])
  | ({ type: 'RevokeApiKey' } & ApiKeyRevoked['data']);

export type ApiKeyState =
  { status: 'absent' } | { status: 'active' | 'revoked'; keyId: string; createdAt: string };

/** One stream per key, `apikey-<keyId>`: created once, revoked at most once. */
export const apiKeyDecider: Decider<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve(state, event) {
    switch (event.type) {
      case 'ApiKeyCreated':
        return { status: 'active', keyId: event.data.keyId, createdAt: event.data.createdAt };
      case 'ApiKeyRevoked':
        return state.status === 'absent' ? state : { ...state, status: 'revoked' };
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'CreateApiKey': {
        if (state.status !== 'absent') {
          throw conflict('api-key-exists', `API key ${command.keyId} already exists.`);
        }
        if (
          command.expiresAt !== null &&
          Date.parse(command.expiresAt) <= Date.parse(command.createdAt)
        ) {
          throw rejected('expiry-not-in-future', 'expiresAt must be after now.', '/expiresAt');
        }
        const { type: _type, ...data } = command;
        return [{ type: 'ApiKeyCreated', data }];
      }
      case 'RevokeApiKey': {
        if (state.status === 'absent') {
          throw notFound('api-key-not-found', `No API key ${command.keyId}.`);
        }
        // Revoking twice changes nothing: the key is already dead.
        if (state.status === 'revoked') return [];
        const { type: _type, ...data } = command;
        return [{ type: 'ApiKeyRevoked', data }];
      }
    }
  },
};
