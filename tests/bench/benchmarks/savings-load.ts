import type { LoadRequest } from '../http-load';

export interface DepositLoadArgs {
  coopId: string;
  /** Alternated by client: two keys of the same coop. */
  tokens: [string, string];
  /** Accounts d-0 … d-(accounts − 1), as the savings bench opens them. */
  accounts: number;
}

/** Client `client`'s k-th deposit, to an account spread over all of them. */
export function deposit(client: number, k: number, args: DepositLoadArgs): LoadRequest {
  const account = `d-${(client * 7_919 + k * 104_729) % args.accounts}`;
  return {
    method: 'POST',
    path: `/api/savings/v1/coops/${args.coopId}/accounts/${account}/deposits`,
    headers: { authorization: `Bearer ${args.tokens[client % 2]}` },
    body: { amount: { amount: String(1_000 + (k % 100)), currency: 'IDR' }, via: 'cash' },
  };
}
