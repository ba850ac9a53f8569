import { disbursedLoan, given } from '../testing/loan-fixtures';
import { decodeLoanState, encodeLoanState, encodeSchedule, decodeSchedule } from './loan-codec';

describe('the loan book codec', () => {
  it('round-trips a loan, and keeps 18-digit amounts exact', () => {
    const state = given(disbursedLoan());
    expect(decodeLoanState(encodeLoanState(state))).toEqual(state);
    const big = [
      { ...state.installments[0]!, principal: 999_999_999_999_999_999n, paidInterest: 1n },
    ];
    expect(decodeSchedule(encodeSchedule(big))).toEqual(big);
  });

  it('reads a schedule from a blob at any byte offset', () => {
    const schedule = encodeSchedule(given(disbursedLoan()).installments);
    const shifted = Buffer.concat([Buffer.from([7]), schedule]).subarray(1);
    expect(decodeSchedule(shifted)).toEqual(decodeSchedule(schedule));
  });
});
