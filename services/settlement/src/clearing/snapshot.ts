import type { BatchLifecycle } from '../batches/batch.decider';
import { bilateralFromPairs, bilateralPairs } from './positions';
import type { ClearingConfig, BatchRef } from './model';
import type {
  Alarm,
  ClearingState,
  CoopClearing,
  ParsedLimits,
  PendingTransfer,
} from './clearing-state';

/**
 * The clearing state as JSON, so a restart loads it and folds only the events after it
 * instead of every transfer ever made. Bigints travel as decimal strings.
 */
type Pairs<V> = [string, V][];
interface CoopJson {
  limits: Pairs<{ capMinor: string; alarmAtBasisPoints: number; autoLiquidityLoan: boolean }>;
  cover: Pairs<string>;
  netDebit: Pairs<string>;
  pendingDebit: Pairs<string>;
  alarms: Pairs<{ positionMinor: string; capMinor: string; raisedAt: string }>;
  limitsRevision: number | null;
}
type BatchJson =
  | {
      status: 'open';
      ref: BatchRef;
      key: string;
      coops: [string, string, string][];
      bilateral: Pairs<string>;
      transferCount: number;
      totalMinor: string;
    }
  | { status: 'closed'; lifecycle: BatchLifecycle; revision: number };
export interface ClearingSnapshot {
  version: 1;
  coops: Pairs<CoopJson>;
  batches: Pairs<BatchJson>;
  openBatchByKey: Pairs<string>;
  generations: Pairs<number>;
  pending: Pairs<{ record: PendingTransfer['record']; revision: number | null }>;
  configs: Pairs<{ config: ClearingConfig; revision: number }>;
}

const bigints = (map: Map<string, bigint>): Pairs<string> =>
  [...map].map(([k, v]) => [k, v.toString()]);
const fromBigints = (pairs: Pairs<string>): Map<string, bigint> =>
  new Map(pairs.map(([k, v]) => [k, BigInt(v)]));

function encodeCoop(coop: CoopClearing): CoopJson {
  return {
    limits: [...coop.limits].map(([c, l]) => [c, { ...l, capMinor: l.capMinor.toString() }]),
    cover: bigints(coop.coverMinor),
    netDebit: bigints(coop.netDebitMinor),
    pendingDebit: bigints(coop.pendingDebitMinor),
    alarms: [...coop.alarms].map(([c, a]) => [
      c,
      {
        positionMinor: a.positionMinor.toString(),
        capMinor: a.capMinor.toString(),
        raisedAt: a.raisedAt,
      },
    ]),
    limitsRevision: coop.limitsRevision ?? null,
  };
}

function decodeCoop(json: CoopJson): CoopClearing {
  return {
    limits: new Map(
      json.limits.map(([c, l]): [string, ParsedLimits] => [
        c,
        { ...l, capMinor: BigInt(l.capMinor) },
      ]),
    ),
    coverMinor: fromBigints(json.cover),
    netDebitMinor: fromBigints(json.netDebit),
    pendingDebitMinor: fromBigints(json.pendingDebit),
    alarms: new Map(
      json.alarms.map(([c, a]): [string, Alarm] => [
        c,
        {
          positionMinor: BigInt(a.positionMinor),
          capMinor: BigInt(a.capMinor),
          raisedAt: a.raisedAt,
        },
      ]),
    ),
    limitsRevision: json.limitsRevision ?? undefined,
  };
}

export function encodeClearing(state: ClearingState): ClearingSnapshot {
  return {
    version: 1,
    coops: [...state.coops].map(([id, coop]) => [id, encodeCoop(coop)]),
    batches: [...state.batches].map(([id, batch]): [string, BatchJson] =>
      batch.status === 'open'
        ? [
            id,
            {
              status: 'open',
              ref: batch.ref,
              key: batch.key,
              coops: [...batch.positions.coops].map(([c, t]) => [
                c,
                t.debitsMinor.toString(),
                t.creditsMinor.toString(),
              ]),
              bilateral: bilateralPairs(batch.positions).map(([k, v]) => [k, v.toString()]),
              transferCount: batch.positions.transferCount,
              totalMinor: batch.positions.totalMinor.toString(),
            },
          ]
        : [id, { status: 'closed', lifecycle: batch.lifecycle, revision: batch.revision }],
    ),
    openBatchByKey: [...state.openBatchByKey],
    generations: [...state.generations],
    pending: [...state.pending].map(([id, p]) => [
      id,
      { record: p.record, revision: p.revision ?? null },
    ]),
    configs: [...state.configs],
  };
}

export function decodeClearing(json: ClearingSnapshot): ClearingState {
  return {
    coops: new Map(json.coops.map(([id, coop]) => [id, decodeCoop(coop)])),
    batches: new Map(
      json.batches.map(([id, b]) => [
        id,
        b.status === 'open'
          ? {
              status: 'open',
              ref: b.ref,
              key: b.key,
              positions: {
                coops: new Map(
                  b.coops.map(([c, d, cr]) => [
                    c,
                    { debitsMinor: BigInt(d), creditsMinor: BigInt(cr) },
                  ]),
                ),
                bilateral: bilateralFromPairs(b.bilateral.map(([k, v]) => [k, BigInt(v)])),
                transferCount: b.transferCount,
                totalMinor: BigInt(b.totalMinor),
              },
            }
          : { status: 'closed', lifecycle: b.lifecycle, revision: b.revision },
      ]),
    ),
    openBatchByKey: new Map(json.openBatchByKey),
    generations: new Map(json.generations),
    pending: new Map(
      json.pending.map(([id, p]) => [id, { record: p.record, revision: p.revision ?? undefined }]),
    ),
    configs: new Map(json.configs),
  };
}
