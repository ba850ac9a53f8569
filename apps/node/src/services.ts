import type { ServiceModule } from '@kopfed/service-kit';

/**
 * The domain services the node serves. Each service registers its module here as it lands
 * (member, savings, loan, settlement), and from then on `npm start` serves it under
 * `/api/<name>/v1` with its OpenAPI document — nothing else to wire.
 */
export const SERVICE_MODULES: readonly ServiceModule[] = [];
