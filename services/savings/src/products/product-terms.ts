import type { ProductTerms } from './product';

/** Product terms as events and JSON carry them: money as decimal strings. */
export interface WireTerms {
  effectiveFrom: string;
  rateBasisPoints: number;
  minimumBalanceForInterest: string;
  minimumBalance: string;
  pokokAmount: string | null;
  wajibMonthlyAmount: string | null;
  earlyWithdrawalPenaltyBasisPoints: number;
  minimumPlacement: string;
}

export function termsToWire(terms: ProductTerms): WireTerms {
  return {
    effectiveFrom: terms.effectiveFrom,
    rateBasisPoints: terms.rateBasisPoints,
    minimumBalanceForInterest: terms.minimumBalanceForInterest.toString(),
    minimumBalance: terms.minimumBalance.toString(),
    pokokAmount: terms.pokokAmount?.toString() ?? null,
    wajibMonthlyAmount: terms.wajibMonthlyAmount?.toString() ?? null,
    earlyWithdrawalPenaltyBasisPoints: terms.earlyWithdrawalPenaltyBasisPoints,
    minimumPlacement: terms.minimumPlacement.toString(),
  };
}

export function termsFromWire(wire: WireTerms): ProductTerms {
  return {
    effectiveFrom: wire.effectiveFrom,
    rateBasisPoints: wire.rateBasisPoints,
    minimumBalanceForInterest: BigInt(wire.minimumBalanceForInterest),
    minimumBalance: BigInt(wire.minimumBalance),
    pokokAmount: wire.pokokAmount === null ? null : BigInt(wire.pokokAmount),
    wajibMonthlyAmount: wire.wajibMonthlyAmount === null ? null : BigInt(wire.wajibMonthlyAmount),
    earlyWithdrawalPenaltyBasisPoints: wire.earlyWithdrawalPenaltyBasisPoints,
    minimumPlacement: BigInt(wire.minimumPlacement),
  };
}
