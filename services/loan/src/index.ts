export { loanModule } from './module';
export { previewSchedule, type SchedulePreview } from './schedule/preview';
export {
  buildSchedule,
  LOAN_METHODS,
  type LoanMethod,
  type ScheduleTerms,
} from './schedule/schedule';
export { toPublic as loanEventToPublic } from './public-events';
// The loan book and its tables, for `kopfed audit rebuild-check` (offline, over a copy).
export { LoanBookProjection } from './loans/loan-book-projection';
export { LOAN_BOOK_TABLES } from './loans/loan-book';
