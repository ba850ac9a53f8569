import type { EventMetadata } from '@kopfed/eventstore';
import type { CoopDirectory } from '@kopfed/service-kit';
import { decideLimits } from '../limits.decider';
import { limitsStream } from '../model';
import type { ClearingCore } from './clearing-core';

/** Raises or clears net debit alarms (events on `limits-<coopId>`) as positions move. */
export class AlarmReview {
  constructor(
    private readonly core: ClearingCore,
    private readonly directory: CoopDirectory,
    private readonly clock: () => Date,
  ) {}

  async review(coopIds: readonly string[], metadata: EventMetadata): Promise<void> {
    // One reading of the clock for the look without the lock; a fresh one under it.
    const now = this.clock().toISOString();
    for (const coopId of coopIds) {
      const parentCoopId = this.directory.parentOf(coopId);
      if (parentCoopId === undefined) continue;
      // Nearly always nothing changes: only then is the coop's limits stream locked.
      if (decideLimits(reviewAlarms(coopId, parentCoopId, now), this.core.state).length === 0)
        continue;
      await this.core.lock.run([`l:${coopId}`], async () => {
        const command = reviewAlarms(coopId, parentCoopId, this.clock().toISOString());
        const events = decideLimits(command, this.core.state);
        if (events.length === 0) return;
        const revision = this.core.state.coops.get(coopId)?.limitsRevision;
        await this.core.append(limitsStream(coopId), events, revision, metadata);
      });
    }
  }
}

const reviewAlarms = (coopId: string, parentCoopId: string, now: string) => ({
  type: 'ReviewAlarms' as const,
  coopId,
  parentCoopId,
  now,
});
