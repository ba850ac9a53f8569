// Test and benchmark helpers: imported as `@kopfed/loan/src/testing`, never by production code.
export * from './loan-fixtures';
export { seedActiveLoans } from './seed';
export { refusal, when } from './refusal';
