export * from './member';
export { catalog, type EventData, type EventName, type KopfedCatalog } from './catalog';
