import type { MoneyJson } from '../shared/money';

/**
 * What the payment saga needs from the savings service, owned by the saga. Every call is
 * idempotent on the ids it carries. A business refusal (no such account, not enough money)
 * resolves `{ ok: false }`; anything that may succeed on a retry (network, 5xx) rejects.
 */
export type PortOutcome = { ok: true } | { ok: false; code: string; detail: string };

export interface SavingsPort {
  hold(input: {
    coopId: string;
    accountId: string;
    holdId: string;
    amount: MoneyJson;
    reason: string;
    expiresAt: string;
  }): Promise<PortOutcome>;
  /** Debits the held amount; the money leaves via settlement funds in transit. */
  capture(input: {
    coopId: string;
    accountId: string;
    holdId: string;
    amount: MoneyJson;
    reference: string;
  }): Promise<PortOutcome>;
  /** Releases a hold; a hold that was never placed (or is gone) is released already. */
  release(input: { coopId: string; accountId: string; holdId: string }): Promise<PortOutcome>;
  /** Credits an account, once per `creditId`; the money arrives via settlement funds in transit. */
  credit(input: {
    coopId: string;
    accountId: string;
    creditId: string;
    amount: MoneyJson;
    reference: string;
  }): Promise<PortOutcome>;
}
