import {
  jsonEvent,
  NO_STREAM,
  WrongExpectedVersionError,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import type { LeaseStore } from '../types';
import { assertLeaseRequest } from '../validation';
import type { StreamNames } from './kurrentdb-names';
import { readLastEvent } from './kurrentdb-reads';
import { answered } from './kurrentdb-unreachable';

const LEASE_TYPE = 'LeaseHeld';
const KEEP_EVENTS = 10;

interface LeaseRecord {
  owner: string;
  expiresAtMs: number;
}

/**
 * Leases on KurrentDB: one stream per lease whose newest event names the holder and the
 * expiry. Taking or renewing appends with the expected revision of the event it read, so two
 * contenders cannot both win. Expiry is judged on the contender's clock: keep ttls well above
 * the clock skew between machines.
 */
export class KurrentDbLeaseStore implements LeaseStore {
  constructor(
    private readonly client: KurrentDBClient,
    private readonly names: StreamNames,
    private readonly clock: () => Date,
    private readonly assertOpen: () => void,
  ) {}

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    assertLeaseRequest(name, owner, ttlMs);
    return answered(() => this.take(name, owner, ttlMs));
  }

  async release(name: string, owner: string): Promise<void> {
    this.assertOpen();
    assertLeaseRequest(name, owner);
    return answered(() => this.giveBack(name, owner));
  }

  private async take(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const stream = this.names.lease(name);
    const newest = await readLastEvent(this.client, stream);
    const held = newest?.data as LeaseRecord | undefined;
    const now = this.clock().getTime();
    if (held && held.owner !== owner && held.expiresAtMs > now) return false;
    if (!newest) await this.client.setStreamMetadata(stream, { maxCount: KEEP_EVENTS });
    try {
      const record: LeaseRecord = { owner, expiresAtMs: now + ttlMs };
      await this.client.appendToStream(
        stream,
        jsonEvent({ type: LEASE_TYPE, data: { ...record } }),
        {
          streamState: newest ? newest.revision : NO_STREAM,
        },
      );
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
  }

  private async giveBack(name: string, owner: string): Promise<void> {
    const stream = this.names.lease(name);
    const newest = await readLastEvent(this.client, stream);
    const held = newest?.data as LeaseRecord | undefined;
    if (!newest || held?.owner !== owner) return;
    try {
      await this.client.appendToStream(
        stream,
        jsonEvent({ type: LEASE_TYPE, data: { owner, expiresAtMs: 0 } }),
        { streamState: newest.revision },
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
  }
}
