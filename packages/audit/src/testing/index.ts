// Test support for the tamper tests; not exported from the package's main entry.
export * from './tamper';
export { buildSampleStores, type SampleStores } from './sample-stores';
