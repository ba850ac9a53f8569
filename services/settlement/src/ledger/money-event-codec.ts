import type { MoneyEventToPost } from './money-event-to-post';

/** Money events hold bigints: kept as `{ "$minor": "123" }` in JSON text. */
export function encodeMoneyEvent(event: MoneyEventToPost): string {
  return JSON.stringify(event, (_key, value: unknown) =>
    typeof value === 'bigint' ? { $minor: value.toString() } : value,
  );
}

export function decodeMoneyEvent(text: string): MoneyEventToPost {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && '$minor' in value) {
      return BigInt((value as { $minor: string }).$minor);
    }
    return value;
  }) as MoneyEventToPost;
}
