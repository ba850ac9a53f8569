import { rejected, unreachable } from '@kopfed/domain';
import { maxBigint, minorOf, moneyJson, type MoneyJson } from '../shared/money';
import type { ClearingState } from './clearing-state';
import { exposureOf } from './limits';
import type {
  ClearingConfig,
  ClearingConfigured,
  CoopLimits,
  CoverSource,
  LimitsEvent,
} from './model';

export type LimitsCommand =
  | { type: 'SetLimits'; coopId: string; limits: CoopLimits; now: string }
  /** The treasurer states the cover (manual), or a deposit moved it (savings events). */
  | { type: 'SetCover'; coopId: string; cover: MoneyJson; now: string }
  | { type: 'ChangeCover'; coopId: string; change: MoneyJson; source: CoverSource; now: string }
  | { type: 'ReviewAlarms'; coopId: string; parentCoopId: string; now: string };

function cover(state: ClearingState, coopId: string, currency: string): bigint {
  return state.coops.get(coopId)?.coverMinor.get(currency) ?? 0n;
}

/**
 * An alarm fires once when a coop's position reaches its share of the cap, and clears once
 * the position falls back below it (after settlement, or a void).
 */
function reviewAlarms(
  state: ClearingState,
  command: Extract<LimitsCommand, { type: 'ReviewAlarms' }>,
): LimitsEvent[] {
  const coop = state.coops.get(command.coopId);
  if (!coop) return [];
  const events: LimitsEvent[] = [];
  const currencies = new Set([...coop.limits.keys(), ...coop.alarms.keys()]);
  for (const currency of [...currencies].sort()) {
    const e = exposureOf(state, command.coopId, currency);
    const raised = coop.alarms.has(currency);
    const threshold =
      e.capMinor === undefined || e.alarmAtBasisPoints === undefined
        ? undefined
        : (e.capMinor * BigInt(e.alarmAtBasisPoints)) / 10_000n;
    const over = threshold !== undefined && e.positionMinor > 0n && e.positionMinor >= threshold;
    if (over && !raised && e.capMinor !== undefined && e.alarmAtBasisPoints !== undefined) {
      events.push({
        type: 'NetDebitAlarmRaised',
        data: {
          coopId: command.coopId,
          parentCoopId: command.parentCoopId,
          position: moneyJson(e.positionMinor, currency),
          netDebitCap: moneyJson(e.capMinor, currency),
          alarmAtBasisPoints: e.alarmAtBasisPoints,
          raisedAt: command.now,
        },
      });
    }
    if (!over && raised) {
      events.push({
        type: 'NetDebitAlarmCleared',
        data: {
          coopId: command.coopId,
          currency,
          position: moneyJson(e.positionMinor, currency),
          clearedAt: command.now,
        },
      });
    }
  }
  return events;
}

export function decideLimits(command: LimitsCommand, state: ClearingState): LimitsEvent[] {
  switch (command.type) {
    case 'SetLimits': {
      const { netDebitCap, alarmAtBasisPoints } = command.limits;
      if (minorOf(netDebitCap) < 0n)
        throw rejected('cap-negative', 'A net debit cap is ≥ 0.', '/netDebitCap/amount');
      if (
        !Number.isInteger(alarmAtBasisPoints) ||
        alarmAtBasisPoints < 1 ||
        alarmAtBasisPoints > 10_000
      ) {
        throw rejected(
          'alarm-share-invalid',
          'The alarm share is 1 to 10000 basis points.',
          '/alarmAtBasisPoints',
        );
      }
      return [
        {
          type: 'CoopLimitsSet',
          data: { coopId: command.coopId, limits: command.limits, setAt: command.now },
        },
      ];
    }
    case 'SetCover': {
      const next = minorOf(command.cover);
      if (next < 0n) throw rejected('cover-negative', 'A liquidity cover is ≥ 0.', '/amount');
      const change = next - cover(state, command.coopId, command.cover.currency);
      if (change === 0n) return [];
      return [
        {
          type: 'LiquidityCoverChanged',
          data: {
            coopId: command.coopId,
            change: moneyJson(change, command.cover.currency),
            cover: command.cover,
            source: { kind: 'manual' },
            changedAt: command.now,
          },
        },
      ];
    }
    case 'ChangeCover': {
      // A cover is ≥ 0, as SetCover says: a withdrawal larger than the cover the treasurer
      // stated takes it to zero, not below. The event is made even when that leaves the cover
      // as it was: its source is what makes a redelivered savings event change nothing.
      const { currency } = command.change;
      const before = cover(state, command.coopId, currency);
      const next = maxBigint(before + minorOf(command.change), 0n);
      return [
        {
          type: 'LiquidityCoverChanged',
          data: {
            coopId: command.coopId,
            change: moneyJson(next - before, currency),
            cover: moneyJson(next, currency),
            source: command.source,
            changedAt: command.now,
          },
        },
      ];
    }
    case 'ReviewAlarms':
      return reviewAlarms(state, command);
    default:
      return unreachable(command, 'limits command');
  }
}

export function decideClearingConfig(
  parentCoopId: string,
  config: ClearingConfig,
  now: string,
): ClearingConfigured[] {
  if (
    !Number.isInteger(config.windowMinutes) ||
    config.windowMinutes < 1 ||
    config.windowMinutes > 7 * 24 * 60
  ) {
    throw rejected('window-invalid', 'A batch window lasts 1 minute to 7 days.', '/windowMinutes');
  }
  if ((24 * 60) % config.windowMinutes !== 0 && config.windowMinutes % (24 * 60) !== 0) {
    throw rejected(
      'window-not-aligned',
      'A batch window divides a day, or is whole days.',
      '/windowMinutes',
    );
  }
  return [{ type: 'ClearingConfigured', data: { parentCoopId, config, configuredAt: now } }];
}
