export * from './money';
export { Decimal } from './decimal';
export { divideHalfUp, divideFloor } from './rounding';
export { allocateLargestRemainder } from './allocate';
