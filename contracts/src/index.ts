/**
 * @kopfed/contracts: the public language between kopfed's services — money and the common
 * primitives, the bus envelope, the event catalog and its events, and the generators of the
 * JSON Schemas and the AsyncAPI document. Nothing here touches the file system (published.ts
 * and scripts/ do, and are not exported), so deciders may import it.
 */
export * from './money';
export * from './time';
export * from './ids';
export * from './province';
export * from './naming';
export * from './contract-error';
export * from './envelope';
export * from './catalog';
export * from './events';
export * from './json-schema';
export * from './snapshot';
export * from './compatibility';
export { buildAsyncApi, exampleEnvelope, type AsyncApiOptions } from './asyncapi';
export * as memberHttp from './http/member';
