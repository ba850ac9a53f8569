export * from './batch-sequence.decider';
export * from './item-results';
