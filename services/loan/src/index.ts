export { loanModule } from './module';
export { previewSchedule, type SchedulePreview } from './schedule/preview';
export {
  buildSchedule,
  LOAN_METHODS,
  type LoanMethod,
  type ScheduleTerms,
} from './schedule/schedule';
export { toPublic as loanEventToPublic } from './public-events';
