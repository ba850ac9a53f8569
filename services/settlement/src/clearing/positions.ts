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
  /** Payer → payee → gross amount sent: the bilateral matrix (two levels: no key to build). */
  bilateral: Map<string, Map<string, bigint>>;
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
  let sent = positions.bilateral.get(leg.fromCoopId);
  if (!sent) {
    sent = new Map();
    positions.bilateral.set(leg.fromCoopId, sent);
  }
  sent.set(leg.toCoopId, (sent.get(leg.toCoopId) ?? 0n) + leg.amountMinor);
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

/** The bilateral matrix as `from to` and amount, in the order it was filled. */
export function bilateralPairs(positions: BatchPositions): [string, bigint][] {
  const pairs: [string, bigint][] = [];
  for (const [from, sent] of positions.bilateral)
    for (const [to, amountMinor] of sent) pairs.push([`${from} ${to}`, amountMinor]);
  return pairs;
}

/** The inverse of `bilateralPairs`. */
export function bilateralFromPairs(
  pairs: readonly (readonly [string, bigint])[],
): BatchPositions['bilateral'] {
  const bilateral: BatchPositions['bilateral'] = new Map();
  for (const [key, amountMinor] of pairs) {
    const [from = '', to = ''] = key.split(' ');
    let sent = bilateral.get(from);
    if (!sent) {
      sent = new Map();
      bilateral.set(from, sent);
    }
    sent.set(to, amountMinor);
  }
  return bilateral;
}

export function bilateralRows(positions: BatchPositions, currency: string): BilateralPosition[] {
  return bilateralPairs(positions)
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
