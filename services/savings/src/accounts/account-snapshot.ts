import type { HoldTerms, OpenedAccount } from './account-state';

/**
 * The account state as JSON, and back, field by field: money (bigint) becomes a decimal string.
 * Written for every account the projection touches, so it avoids JSON revivers, which are slow.
 */
type Wire = Omit<
  OpenedAccount,
  'balance' | 'holds' | 'finishedHolds' | 'withdrawals' | 'transfersOut' | 'interest' | 'wajib'
> & {
  balance: string;
  holds: Record<string, Omit<OpenedAccount['holds'][string], 'amount'> & { amount: string }>;
  /** Absent in snapshots written before finished holds were kept. */
  finishedHolds?: Record<string, FinishedHoldWire> | null;
  withdrawals: Record<
    string,
    Omit<OpenedAccount['withdrawals'][string], 'amount'> & { amount: string }
  >;
  transfersOut: Record<string, { amount: string; toAccountId: string }>;
  interest: {
    postedThrough: string;
    breakpoints: { from: string; balance: string }[];
    carriedMicro: string;
    lastMonth: { month: string; gross: string; tax: string } | null;
  };
  wajib: {
    requiredToDate: string;
    paidToDate: string;
    closedThrough: string | null;
    /** Absent in snapshots written before payments in months not yet counted were kept. */
    paidInOpenMonths?: Record<string, string>;
  } | null;
};

interface FinishedHoldWire {
  amount: string;
  reason: string;
  expiresAt: string;
  /** Absent in snapshots written before a finished hold kept how it ended. */
  ended?: { kind: 'captured'; amount: string } | { kind: 'released' | 'expired' };
}

function encodeFinished(h: HoldTerms): FinishedHoldWire {
  const { ended, ...terms } = h;
  return {
    ...terms,
    amount: h.amount.toString(),
    ...(ended === undefined
      ? {}
      : {
          ended:
            ended.kind === 'captured'
              ? { kind: 'captured', amount: ended.amount.toString() }
              : { kind: ended.kind },
        }),
  };
}

function decodeFinished(h: FinishedHoldWire): HoldTerms {
  const { ended, ...terms } = h;
  return {
    ...terms,
    amount: BigInt(h.amount),
    ...(ended === undefined
      ? {}
      : {
          ended:
            ended.kind === 'captured'
              ? { kind: 'captured', amount: BigInt(ended.amount) }
              : { kind: ended.kind },
        }),
  };
}

function mapValues<A, B>(record: Record<string, A>, f: (a: A) => B): Record<string, B> {
  const out: Record<string, B> = {};
  for (const key of Object.keys(record)) out[key] = f(record[key]!);
  return out;
}

export function encodeAccount(account: OpenedAccount): string {
  const { interest, wajib, finishedHolds } = account;
  const wire: Wire = {
    ...account,
    balance: account.balance.toString(),
    holds: mapValues(account.holds, (h) => ({ ...h, amount: h.amount.toString() })),
    finishedHolds: finishedHolds && mapValues(finishedHolds, encodeFinished),
    withdrawals: mapValues(account.withdrawals, (w) => ({ ...w, amount: w.amount.toString() })),
    transfersOut: mapValues(account.transfersOut, (t) => ({ ...t, amount: t.amount.toString() })),
    interest: {
      postedThrough: interest.postedThrough,
      breakpoints: interest.breakpoints.map((p) => ({
        from: p.from,
        balance: p.balance.toString(),
      })),
      carriedMicro: interest.carriedMicro.toString(),
      lastMonth: interest.lastMonth && {
        month: interest.lastMonth.month,
        gross: interest.lastMonth.gross.toString(),
        tax: interest.lastMonth.tax.toString(),
      },
    },
    wajib: wajib && {
      requiredToDate: wajib.requiredToDate.toString(),
      paidToDate: wajib.paidToDate.toString(),
      closedThrough: wajib.closedThrough,
      ...(wajib.paidInOpenMonths === undefined
        ? {}
        : { paidInOpenMonths: mapValues(wajib.paidInOpenMonths, (a) => a.toString()) }),
    },
  };
  return JSON.stringify(wire);
}

export function decodeAccount(text: string): OpenedAccount {
  const wire = JSON.parse(text) as Wire;
  const { interest, wajib, finishedHolds } = wire;
  return {
    ...wire,
    balance: BigInt(wire.balance),
    holds: mapValues(wire.holds, (h) => ({ ...h, amount: BigInt(h.amount) })),
    // An older snapshot does not know which hold ids were used: null until the stream is replayed.
    finishedHolds: finishedHolds ? mapValues(finishedHolds, decodeFinished) : null,
    withdrawals: mapValues(wire.withdrawals, (w) => ({ ...w, amount: BigInt(w.amount) })),
    transfersOut: mapValues(wire.transfersOut, (t) => ({ ...t, amount: BigInt(t.amount) })),
    interest: {
      postedThrough: interest.postedThrough,
      breakpoints: interest.breakpoints.map((p) => ({ from: p.from, balance: BigInt(p.balance) })),
      carriedMicro: BigInt(interest.carriedMicro),
      lastMonth: interest.lastMonth && {
        month: interest.lastMonth.month,
        gross: BigInt(interest.lastMonth.gross),
        tax: BigInt(interest.lastMonth.tax),
      },
    },
    wajib: wajib && {
      requiredToDate: BigInt(wajib.requiredToDate),
      paidToDate: BigInt(wajib.paidToDate),
      closedThrough: wajib.closedThrough,
      ...(wajib.paidInOpenMonths === undefined
        ? {}
        : { paidInOpenMonths: mapValues(wajib.paidInOpenMonths, (a) => BigInt(a)) }),
    },
  };
}
