import type { LoadRequest } from '../http-load';

/** The settlement bench's federation: 20 primary coops under one parent. */
export const PARENT = 'bench-parent';
export const COOPS = Array.from(
  { length: 20 },
  (_, i) => `bench-coop-${String(i).padStart(2, '0')}`,
);
export const GROUP_SIZE = 100;

export interface SettlementLoadArgs {
  token: string;
}

/** The k-th transfer between the bench's coops: payer, payee and amount all vary with k. */
export const leg = (transferId: string, k: number) => ({
  transferId,
  fromCoopId: COOPS[k % COOPS.length]!,
  toCoopId: COOPS[(k + 1 + (k % 7)) % COOPS.length]!,
  amount: { amount: String(1_000 + (k % 9_973)), currency: 'IDR' },
});

const headers = (args: SettlementLoadArgs) => ({ authorization: `Bearer ${args.token}` });

/** Client `client`'s k-th request: one inter-coop transfer with an id of its own. */
export function singleTransfer(client: number, k: number, args: SettlementLoadArgs): LoadRequest {
  return {
    method: 'POST',
    path: '/api/settlement/v1/transfers',
    headers: headers(args),
    body: leg(`s${client}-${k}`, client * 31 + k),
  };
}

/** Client `client`'s k-th request: an atomic group of GROUP_SIZE transfers. */
export function transferGroup(client: number, k: number, args: SettlementLoadArgs): LoadRequest {
  const groupId = `g${client}-${k}`;
  return {
    method: 'POST',
    path: '/api/settlement/v1/transfer-groups',
    headers: headers(args),
    body: {
      groupId,
      transfers: Array.from({ length: GROUP_SIZE }, (_, i) =>
        leg(`${groupId}-${i}`, client * 31 + k + i),
      ),
    },
  };
}
