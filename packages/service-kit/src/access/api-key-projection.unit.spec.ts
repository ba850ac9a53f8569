import type { RecordedEvent } from '@kopfed/eventstore';
import { ApiKeyProjection } from './api-key-projection';

const created = (position: number, keyId: string) =>
  ({
    position,
    revision: 0,
    type: 'ApiKeyCreated',
    data: {
      keyId,
      role: 'coop',
      coopId: 'c-1',
      label: null,
      tokenSha256: 'x'.repeat(64),
      createdAt: '2026-12-02T00:00:00.000Z',
      createdBy: 'admin',
      expiresAt: null,
    },
  }) as unknown as RecordedEvent;

describe('ApiKeyProjection.waitFor', () => {
  it('resolves once the projection has applied the position waited for', async () => {
    const projection = new ApiKeyProjection();
    const waited = projection.waitFor(2, 1_000);
    expect(projection.waiting).toBe(1);
    projection.apply(created(1, 'k-1'));
    expect(projection.waiting).toBe(1);
    projection.apply(created(2, 'k-2'));
    await expect(waited).resolves.toBeUndefined();
    expect(projection.waiting).toBe(0);
  });

  it('leaves no waiter behind when a wait times out', async () => {
    const projection = new ApiKeyProjection();
    await expect(projection.waitFor(5, 10)).rejects.toThrow(/did not reach position 5/);
    expect(projection.waiting).toBe(0);
  });
});
