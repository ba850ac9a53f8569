export { savingsModule, createSavings, type SavingsInstance } from './module';
export { toPublic } from './public-events';
export { loadSavingsConfig, type SavingsConfig } from './config';
