export { savingsModule, createSavings, type SavingsInstance } from './module';
export { toPublic } from './public-events';
export { loadSavingsConfig, type SavingsConfig } from './config';
// The accounts read model and its runner, for `kopfed audit rebuild-check` (offline, over a copy).
export { Projection, type ProjectionDefinition } from './shared/projection';
export { accountsProjection } from './accounts/account-projection';
export { ACCOUNTS_FILE, openAccountsDatabase } from './accounts/accounts-file';
