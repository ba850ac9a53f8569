export * from './member';
export * from './savings';
export * from './loan';
export * from './settlement';
export { catalog, type EventData, type EventName, type KopfedCatalog } from './catalog';
