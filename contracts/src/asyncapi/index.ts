export { buildAsyncApi, type AsyncApiOptions } from './build-asyncapi';
export { exampleEnvelope } from './example-envelope';
