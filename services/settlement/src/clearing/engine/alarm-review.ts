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

  private command(coopId: string, parentCoopId: string) {
    return { type: 'ReviewAlarms' as const, coopId, parentCoopId, now: this.clock().toISOString() };
  }

  async review(coopIds: readonly string[], metadata: EventMetadata): Promise<void> {
    for (const coopId of coopIds) {
      const parentCoopId = this.directory.parentOf(coopId);
      if (parentCoopId === undefined) continue;
      // Nearly always nothing changes: only then is the coop's limits stream locked.
      if (decideLimits(this.command(coopId, parentCoopId), this.core.state).length === 0) continue;
      await this.core.lock.run([`l:${coopId}`], async () => {
        const events = decideLimits(this.command(coopId, parentCoopId), this.core.state);
        if (events.length === 0) return;
        const revision = this.core.state.coops.get(coopId)?.limitsRevision;
        await this.core.append(limitsStream(coopId), events, revision, metadata);
      });
    }
  }
}
