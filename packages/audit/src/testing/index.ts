// Test support for the tamper tests; not exported from the package's main entry.
export * from './tamper';
export { buildSampleStores, type SampleStores } from './sample-stores';
export { buildSampleBooks, KSP_A_ENTRIES, ledgerEvent, sampleEntry } from './sample-books';
