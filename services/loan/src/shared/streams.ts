/**
 * The loan service's stream names, `<category>-<id>` (the category is what readAll filters
 * on). Coop ids never contain '.', so `<coopId>.<code>` is unambiguous.
 */
export const loanStream = (loanId: string) => `loan-${loanId}`;
export const productStream = (coopId: string, productCode: string) =>
  `loanproduct-${coopId}.${productCode}`;
export const syncBatchStream = (coopId: string) => `loansyncbatch-${coopId}`;
export const syncRepaymentStream = (coopId: string, externalId: string) =>
  `loansyncrepayment-${coopId}.${externalId}`;
export const syncDisbursementStream = (coopId: string, externalId: string) =>
  `loansyncdisbursement-${coopId}.${externalId}`;
export const closeOfBusinessStream = (businessDate: string) => `closeofbusiness-${businessDate}`;
/** Every completed close of business, in order: a new one may not go back in time. */
export const CLOSE_OF_BUSINESS_CALENDAR = 'closeofbusinesscalendar-loan';
/** A coop's designation of the loan product that lends its member coops liquidity. */
export const liquidityProductStream = (coopId: string) => `liquidityloanproduct-${coopId}`;
