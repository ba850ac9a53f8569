import type { RecordedEvent } from '@kopfed/eventstore';
import type { Role } from '../auth/principal';
import type { ApiKeyEvent } from './api-key.decider';

export interface ApiKeyRecord {
  keyId: string;
  role: Role;
  coopId: string;
  label: string | null;
  tokenSha256: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  /** Revision of the key's stream: its ETag. */
  revision: number;
}

interface Waiter {
  position: number;
  resolve: () => void;
}

/** Every key by id, in memory, kept current from the access store's log. */
export class ApiKeyProjection {
  private readonly keys = new Map<string, ApiKeyRecord>();
  private waiters: Waiter[] = [];
  position = 0;

  apply(recorded: RecordedEvent): void {
    // The `apikey` category holds only the decider's events.
    const event = recorded as unknown as ApiKeyEvent;
    switch (event.type) {
      case 'ApiKeyCreated': {
        const { tokenSha256, ...data } = event.data;
        this.keys.set(data.keyId, {
          ...data,
          tokenSha256,
          revokedAt: null,
          revokedBy: null,
          revision: recorded.revision,
        });
        break;
      }
      case 'ApiKeyRevoked': {
        const key = this.keys.get(event.data.keyId);
        if (key) {
          this.keys.set(key.keyId, {
            ...key,
            revokedAt: event.data.revokedAt,
            revokedBy: event.data.revokedBy,
            revision: recorded.revision,
          });
        }
        break;
      }
    }
    this.position = recorded.position;
    this.wakeWaiters();
  }

  get(keyId: string): ApiKeyRecord | undefined {
    return this.keys.get(keyId);
  }

  all(): IterableIterator<ApiKeyRecord> {
    return this.keys.values();
  }

  get size(): number {
    return this.keys.size;
  }

  /**
   * Resolves once the projection has applied the event at `position` (read your own writes).
   * A wait that times out leaves no waiter behind, even if the projection never gets there.
   */
  async waitFor(position: number, timeoutMs: number): Promise<void> {
    if (this.position >= position) return;
    let timer: NodeJS.Timeout | undefined;
    let waiter: Waiter | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        waiter = { position, resolve };
        this.waiters.push(waiter);
        timer = setTimeout(
          () =>
            reject(
              new Error(`API key projection did not reach position ${position} in ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
      });
    } finally {
      clearTimeout(timer);
      this.waiters = this.waiters.filter((w) => w !== waiter);
    }
  }

  /** Waits not yet over: for a test, and for a reader of a heap snapshot. */
  get waiting(): number {
    return this.waiters.length;
  }

  private wakeWaiters(): void {
    const ready = this.waiters.filter((waiter) => waiter.position <= this.position);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => waiter.position > this.position);
    for (const waiter of ready) waiter.resolve();
  }
}
