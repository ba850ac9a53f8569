import { moneyJson, type MoneyJson } from '../shared/money';

/** A coop's gross debits (sent) and credits (received) in one batch, minor units. */
export interface CoopTotals {
  debitsMinor: bigint;
  creditsMinor: bigint;
}

/**
 * A batch's positions, kept as transfers are posted so that closing the batch reads them
 * instead of its transfers: its cost depends on the number of coops, not of transfers
 * (BRIEF §6). Mutated in place by `addTransfer`; `positionsFromTransfers` recomputes the same
 * from scratch (the property tests hold the two equal).
 */
export interface BatchPositions {
  coops: Map<string, CoopTotals>;
  /** `from to` → gross amount sent from → to: the bilateral matrix. */
  bilateral: Map<string, bigint>;
  transferCount: number;
  totalMinor: bigint;
}

export interface TransferLeg {
  fromCoopId: string;
  toCoopId: string;
  amountMinor: bigint;
}

export interface CoopPosition {
  coopId: string;
  debits: MoneyJson;
  credits: MoneyJson;
  /** Credits less debits: positive receives, negative pays. Nets of a batch sum to zero. */
  net: MoneyJson;
}

export interface BilateralPosition {
  fromCoopId: string;
  toCoopId: string;
  amount: MoneyJson;
}

export const emptyPositions = (): BatchPositions => ({
  coops: new Map(),
  bilateral: new Map(),
  transferCount: 0,
  totalMinor: 0n,
});

const pairKey = (from: string, to: string): string => `${from} ${to}`;

function totalsOf(positions: BatchPositions, coopId: string): CoopTotals {
  let totals = positions.coops.get(coopId);
  if (!totals) {
    totals = { debitsMinor: 0n, creditsMinor: 0n };
    positions.coops.set(coopId, totals);
  }
  return totals;
}

export function addTransfer(positions: BatchPositions, leg: TransferLeg): void {
  totalsOf(positions, leg.fromCoopId).debitsMinor += leg.amountMinor;
  totalsOf(positions, leg.toCoopId).creditsMinor += leg.amountMinor;
  const key = pairKey(leg.fromCoopId, leg.toCoopId);
  positions.bilateral.set(key, (positions.bilateral.get(key) ?? 0n) + leg.amountMinor);
  positions.transferCount += 1;
  positions.totalMinor += leg.amountMinor;
}

export function positionsFromTransfers(legs: Iterable<TransferLeg>): BatchPositions {
  const positions = emptyPositions();
  for (const leg of legs) addTransfer(positions, leg);
  return positions;
}

export const netMinor = (totals: CoopTotals): bigint => totals.creditsMinor - totals.debitsMinor;

/** Per coop, sorted by coop id: what a batch's close records. */
export function positionRows(positions: BatchPositions, currency: string): CoopPosition[] {
  return [...positions.coops.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([coopId, totals]) => ({
      coopId,
      debits: moneyJson(totals.debitsMinor, currency),
      credits: moneyJson(totals.creditsMinor, currency),
      net: moneyJson(netMinor(totals), currency),
    }));
}

export function bilateralRows(positions: BatchPositions, currency: string): BilateralPosition[] {
  return [...positions.bilateral.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, amountMinor]) => {
      const [fromCoopId = '', toCoopId = ''] = key.split(' ');
      return { fromCoopId, toCoopId, amount: moneyJson(amountMinor, currency) };
    });
}

/** Σ net over the batch: zero whenever every transfer has a payer and a payee. */
export function sumOfNets(positions: BatchPositions): bigint {
  let sum = 0n;
  for (const totals of positions.coops.values()) sum += netMinor(totals);
  return sum;
}
