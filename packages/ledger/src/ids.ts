declare const brand: unique symbol;

/** A string checked to be one kind of id, so a coop id is never passed where an entry id goes. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

export type CoopId = Brand<string, 'CoopId'>;
export type EntryId = Brand<string, 'EntryId'>;
/** A savings or loan product's code as the coop names it: `SUKARELA`, `BERJANGKA_12`. */
export type ProductCode = Brand<string, 'ProductCode'>;

/** The entity-id rule of contracts/src/ids.ts: UUIDs and a primary coop's own ids both fit. */
const ENTITY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PRODUCT_CODE = /^[A-Z0-9_]{1,32}$/;

function checked<T>(pattern: RegExp, what: string, value: string): T {
  if (!pattern.test(value)) throw new RangeError(`not a ${what}: ${JSON.stringify(value)}`);
  return value as T;
}

export const coopId = (value: string): CoopId => checked(ENTITY_ID, 'coop id', value);
export const entryId = (value: string): EntryId => checked(ENTITY_ID, 'entry id', value);
export const productCode = (value: string): ProductCode =>
  checked(PRODUCT_CODE, 'product code', value);

/** Own-property lookup: a coop id such as `constructor` must not find Object.prototype. */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
