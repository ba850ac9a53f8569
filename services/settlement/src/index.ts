export { settlementModule } from './module';
export { createSettlement, type Settlement, type SettlementOptions } from './settlement';
export {
  loadSettlementConfig,
  loadSettlementSettings,
  ConfigError,
  type SettlementConfig,
} from './config';
export type { SavingsPort, PortOutcome } from './payments/savings-port';
export { HttpSavings } from './payments/http-savings';
