import { createHash } from 'node:crypto';

/** What makes two requests "the same request" for an Idempotency-Key. */
export interface RequestFingerprint {
  method: string;
  /** Path and query as sent. */
  target: string;
  /** SHA-256 of the body's canonical JSON: key order and whitespace do not matter. */
  bodySha256: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function fingerprintOf(method: string, target: string, body: unknown): RequestFingerprint {
  return { method, target, bodySha256: sha256Hex(canonicalJson(body ?? null)) };
}

export function sameFingerprint(a: RequestFingerprint, b: RequestFingerprint): boolean {
  return a.method === b.method && a.target === b.target && a.bodySha256 === b.bodySha256;
}

/** JSON with object keys sorted at every level (the body is already parsed, plain JSON). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
