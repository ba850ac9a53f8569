export * from './types';
export * from './errors';
export {
  InProcessBus,
  type InProcessBusOptions,
  type DeadLetter,
} from './in-process/in-process-bus';
export { openBus, type OpenBusOptions } from './open-bus';
export type { DeliveryOutcome } from './retry';
