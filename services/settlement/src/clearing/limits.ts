import { rejected } from '@kopfed/domain';
import { maxBigint, moneyJson } from '../shared/money';
import type { ClearingState } from './clearing-state';

/** Debits decided but not yet durable, per `coopId currency`: they count against the limits. */
export type InFlightDebits = ReadonlyMap<string, bigint>;
export const exposureKey = (coopId: string, currency: string): string => `${coopId} ${currency}`;

export interface Exposure {
  capMinor: bigint | undefined;
  coverMinor: bigint;
  autoLiquidityLoan: boolean;
  alarmAtBasisPoints: number | undefined;
  netDebitMinor: bigint;
  pendingDebitMinor: bigint;
  /** What the coop could owe at settlement: net debit + pending debits (+ in flight). */
  positionMinor: bigint;
}

export function exposureOf(
  state: ClearingState,
  coopId: string,
  currency: string,
  inFlightMinor = 0n,
): Exposure {
  const coop = state.coops.get(coopId);
  const limits = coop?.limits.get(currency);
  const netDebitMinor = coop?.netDebitMinor.get(currency) ?? 0n;
  const pendingDebitMinor = coop?.pendingDebitMinor.get(currency) ?? 0n;
  return {
    capMinor: limits?.capMinor,
    coverMinor: coop?.coverMinor.get(currency) ?? 0n,
    autoLiquidityLoan: limits?.autoLiquidityLoan ?? false,
    alarmAtBasisPoints: limits?.alarmAtBasisPoints,
    netDebitMinor,
    pendingDebitMinor,
    positionMinor: netDebitMinor + pendingDebitMinor + inFlightMinor,
  };
}

/**
 * Refuses a debit that would take the coop's position past its net debit cap, or past its
 * liquidity cover (its deposit with the parent) unless a shortfall may become a liquidity
 * loan. The refusal names the limit, the position and the headroom left (issue 8).
 */
export function assertDebitAllowed(
  /** The coop's exposure before `earlierMinor`: debits of earlier legs of the same group. */
  e: Exposure,
  earlierMinor: bigint,
  coopId: string,
  currency: string,
  amountMinor: bigint,
  /** '' for a single transfer, `/transfers/3` for a leg of a group. */
  at: string,
): void {
  const positionMinor = e.positionMinor + earlierMinor;
  const after = positionMinor + amountMinor;
  if (e.capMinor === undefined) {
    throw rejected(
      'net-debit-cap-not-set',
      `Coop ${coopId} has no net debit cap in ${currency}; its parent's treasurer sets one first.`,
      `${at}/fromCoopId`,
      { coopId, currency },
    );
  }
  if (after > e.capMinor) {
    const headroom = maxBigint(e.capMinor - positionMinor, 0n);
    throw rejected(
      'net-debit-cap-exceeded',
      `Coop ${coopId} would owe ${after} ${currency}, over its net debit cap of ${e.capMinor}; headroom ${headroom}.`,
      `${at}/amount/amount`,
      {
        coopId,
        netDebitCap: moneyJson(e.capMinor, currency),
        position: moneyJson(positionMinor, currency),
        amount: moneyJson(amountMinor, currency),
        headroom: moneyJson(headroom, currency),
      },
    );
  }
  if (!e.autoLiquidityLoan && after > e.coverMinor) {
    const headroom = maxBigint(e.coverMinor - positionMinor, 0n);
    throw rejected(
      'liquidity-cover-exceeded',
      `Coop ${coopId} would owe ${after} ${currency}, over its liquidity cover of ${e.coverMinor}; headroom ${headroom}.`,
      `${at}/amount/amount`,
      {
        coopId,
        liquidityCover: moneyJson(e.coverMinor, currency),
        position: moneyJson(positionMinor, currency),
        amount: moneyJson(amountMinor, currency),
        headroom: moneyJson(headroom, currency),
      },
    );
  }
}
