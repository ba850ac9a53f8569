// Test support: not exported from the package's main entry, so ajv stays out of production.
export { openApiProblems } from './openapi-validation';
export { counterService, counterRoutes, counterDecider, COUNTER_LIMIT } from './counter-service';
export { kitFixture, COOPS, type KitFixture } from './kit-fixture';
export { localIdentityProvider } from './identity-provider';
export { operationValidators, type RequestValidators } from './request-validation';
