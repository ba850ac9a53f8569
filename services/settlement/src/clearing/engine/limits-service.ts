import type { EventMetadata } from '@kopfed/eventstore';
import type { CoopDirectory } from '@kopfed/service-kit';
import { maxBigint, moneyJson, type MoneyJson } from '../../shared/money';
import { configOf } from '../clearing-state';
import { exposureOf } from '../limits';
import { decideClearingConfig, decideLimits, type LimitsCommand } from '../limits.decider';
import {
  configStream,
  limitsStream,
  type ClearingConfig,
  type CoopLimits,
  type CoverSource,
} from '../model';
import type { ClearingCore } from './clearing-core';
import type { TransferService } from './transfer-service';

/** A coop's limits and where it stands against them, per currency. */
export interface LimitsView {
  coopId: string;
  parentCoopId: string | null;
  currencies: {
    currency: string;
    netDebitCap: MoneyJson | null;
    alarmAtBasisPoints: number | null;
    autoLiquidityLoan: boolean;
    liquidityCover: MoneyJson;
    netDebit: MoneyJson;
    pendingDebit: MoneyJson;
    position: MoneyJson;
    capHeadroom: MoneyJson | null;
    coverHeadroom: MoneyJson | null;
    alarm: { raisedAt: string; position: MoneyJson } | null;
  }[];
}

export class LimitsService {
  constructor(
    private readonly core: ClearingCore,
    private readonly transfers: TransferService,
    private readonly directory: CoopDirectory,
    private readonly clock: () => Date,
  ) {}

  private async run(
    coopId: string,
    command: (now: string) => LimitsCommand,
    metadata: EventMetadata,
    idempotencyKey?: string,
  ): Promise<void> {
    await this.core.lock.run([`l:${coopId}`], async () => {
      if (idempotencyKey !== undefined && (await this.applied(coopId, idempotencyKey))) return;
      const events = decideLimits(command(this.clock().toISOString()), this.core.state);
      if (events.length === 0) return;
      const revision = this.core.state.coops.get(coopId)?.limitsRevision;
      await this.core.append(limitsStream(coopId), events, revision, metadata, idempotencyKey);
    });
    await this.transfers.reviewAlarms([coopId], metadata);
  }

  async setLimits(
    coopId: string,
    limits: CoopLimits,
    metadata: EventMetadata,
  ): Promise<LimitsView> {
    await this.run(coopId, (now) => ({ type: 'SetLimits', coopId, limits, now }), metadata);
    return this.view(coopId);
  }

  async setCover(coopId: string, cover: MoneyJson, metadata: EventMetadata): Promise<LimitsView> {
    await this.run(coopId, (now) => ({ type: 'SetCover', coopId, cover, now }), metadata);
    return this.view(coopId);
  }

  /**
   * A deposit with the parent moved: applied once per message (the key derives the ids).
   * Savings `coopId` keeps at `heldAt`, a coop other than its parent, cover nothing it owes
   * at its parent; a coop the directory does not know yet is taken to keep them there.
   */
  async changeCover(
    coopId: string,
    heldAt: string,
    change: MoneyJson,
    source: CoverSource,
    metadata: EventMetadata,
    messageId: string,
  ): Promise<void> {
    const parent = this.directory.parentOf(coopId);
    if (parent !== undefined && parent !== heldAt) return;
    await this.run(
      coopId,
      (now) => ({ type: 'ChangeCover', coopId, change, source, now }),
      metadata,
      messageId,
    );
  }

  /** Whether a message already changed this coop's cover (its id is the cover's source). */
  private async applied(coopId: string, messageId: string): Promise<boolean> {
    const recorded = await this.core.store.readStream(limitsStream(coopId));
    return recorded.some((e) => {
      const source = (e.data as { source?: CoverSource }).source;
      return source?.kind === 'savings' && source.eventId === messageId;
    });
  }

  async configure(
    parentCoopId: string,
    config: ClearingConfig,
    metadata: EventMetadata,
  ): Promise<ClearingConfig> {
    await this.core.lock.run([`c:${parentCoopId}`], async () => {
      const events = decideClearingConfig(parentCoopId, config, this.clock().toISOString());
      await this.core.append(
        configStream(parentCoopId),
        events,
        this.core.state.configs.get(parentCoopId)?.revision,
        metadata,
      );
    });
    return configOf(this.core.state, parentCoopId);
  }

  configOf(parentCoopId: string): ClearingConfig {
    return configOf(this.core.state, parentCoopId);
  }

  view(coopId: string): LimitsView {
    const coop = this.core.state.coops.get(coopId);
    const currencies = new Set([
      ...(coop?.limits.keys() ?? []),
      ...(coop?.coverMinor.keys() ?? []),
      ...(coop?.netDebitMinor.keys() ?? []),
    ]);
    return {
      coopId,
      parentCoopId: this.directory.parentOf(coopId) ?? null,
      currencies: [...currencies].sort().map((currency) => {
        const e = exposureOf(this.core.state, coopId, currency);
        const m = (minor: bigint) => moneyJson(minor, currency);
        const alarm = coop?.alarms.get(currency);
        return {
          currency,
          netDebitCap: e.capMinor === undefined ? null : m(e.capMinor),
          alarmAtBasisPoints: e.alarmAtBasisPoints ?? null,
          autoLiquidityLoan: e.autoLiquidityLoan,
          liquidityCover: m(e.coverMinor),
          netDebit: m(e.netDebitMinor),
          pendingDebit: m(e.pendingDebitMinor),
          position: m(e.positionMinor),
          capHeadroom:
            e.capMinor === undefined ? null : m(maxBigint(e.capMinor - e.positionMinor, 0n)),
          coverHeadroom: e.autoLiquidityLoan
            ? null
            : m(maxBigint(e.coverMinor - e.positionMinor, 0n)),
          alarm: alarm ? { raisedAt: alarm.raisedAt, position: m(alarm.positionMinor) } : null,
        };
      }),
    };
  }

  /** Every raised alarm, for the treasurer's read model. */
  alarms(): {
    coopId: string;
    currency: string;
    raisedAt: string;
    position: MoneyJson;
    netDebitCap: MoneyJson;
  }[] {
    return [...this.core.state.coops].flatMap(([coopId, coop]) =>
      [...coop.alarms].map(([currency, alarm]) => ({
        coopId,
        currency,
        raisedAt: alarm.raisedAt,
        position: moneyJson(alarm.positionMinor, currency),
        netDebitCap: moneyJson(alarm.capMinor, currency),
      })),
    );
  }
}
